"""COMET through unbabel-comet on a tiny local checkpoint, compared with calling comet directly."""

import os

import pytest
from conftest import APERTIUM_SV_EN, EN, SV, seed_lines

from tqcheck.errors import InputError, ModelUnavailableError
from tqcheck.metrics import TranslationTriple
from tqcheck.metrics.comet_metric import CometMetric

SRC = seed_lines(SV)[:20]
HYP = seed_lines(APERTIUM_SV_EN)[:20]
REF = seed_lines(EN)[1:21]
TRIPLES = [TranslationTriple(s, h, r) for s, h, r in zip(SRC, HYP, REF)]


def direct_comet(checkpoint):
    import comet

    model = comet.load_from_checkpoint(str(checkpoint), local_files_only=True)
    return model.predict(
        [{"src": s, "mt": h, "ref": r} for s, h, r in zip(SRC, HYP, REF)], batch_size=8, gpus=0, progress_bar=False
    )


@pytest.mark.parametrize("form", ["comet_dir", "comet_ckpt"])
def test_comet_scores_equal_comet_itself(tiny_models, form):
    expected = direct_comet(tiny_models["comet_ckpt"])
    result = CometMetric(model=str(tiny_models[form]), batch_size=8, gpus=0).score(TRIPLES)
    assert result.score == pytest.approx(expected.system_score, abs=1e-6)
    assert result.segment_scores == pytest.approx(expected.scores, abs=1e-6)
    assert result.signature.startswith(f"model:{tiny_models[form]}|comet:2.")
    assert len(set(round(s, 6) for s in result.segment_scores)) > 1  # a real model, not a constant


def test_comet_segment_scores_follow_their_segments(tiny_models):
    metric = CometMetric(model=str(tiny_models["comet_dir"]), gpus=0)
    forward = metric.score(TRIPLES).segment_scores
    backward = metric.score(list(reversed(TRIPLES))).segment_scores
    assert backward == pytest.approx(list(reversed(forward)), abs=1e-6)


def test_missing_checkpoint_path_is_bad_input(tmp_path):
    with pytest.raises(InputError, match="no COMET checkpoint there"):
        CometMetric(model=str(tmp_path / "nothing-here")).score(TRIPLES)


def test_uncached_hub_model_fails_fast_offline():
    with pytest.raises(ModelUnavailableError) as caught:
        CometMetric(model="Unbabel/wmt22-comet-da").score(TRIPLES)
    message = str(caught.value)
    assert "Unbabel/wmt22-comet-da" in message and "tqcheck models pull" in message and "--comet-model" in message


def test_reference_metric_needs_references(tiny_models):
    with pytest.raises(InputError, match="needs references"):
        CometMetric(model=str(tiny_models["comet_dir"]), gpus=0).score([TranslationTriple("a", "b", None)])


def test_segments_longer_than_the_encoder_are_reported(tiny_models, invoke, tmp_path):
    import json

    long_source = " ".join(SRC) * 2  # well beyond 512 tokens of the tiny encoder's vocabulary
    src, hyp, ref = tmp_path / "s.txt", tmp_path / "h.txt", tmp_path / "r.txt"
    src.write_text(f"{SRC[0]}\n{long_source}\n")
    hyp.write_text(f"{HYP[0]}\n{HYP[1]}\n")
    ref.write_text(f"{REF[0]}\n{REF[1]}\n")
    report = tmp_path / "r.json"
    result = invoke(
        "score",
        "--hyp",
        hyp,
        "--ref",
        ref,
        "--src",
        src,
        "--metrics",
        "comet",
        "--comet-model",
        tiny_models["comet_dir"],
        "--json",
        report,
    )
    assert result.exit_code == 0, result.stderr
    direction = json.loads(report.read_text())["directions"][0]
    assert direction["scores"]["comet"]["details"]["truncated_segments"] == [1]
    assert "1 segment(s) are longer than its encoder's 512 tokens" in direction["warnings"][0]
    assert "warning: comet: 1 segment(s)" in " ".join(result.stdout.split())


@pytest.mark.parametrize("batch_size", [1, 3, 16])
def test_fast_path_equals_lightning_predict_at_any_batch_size(tiny_models, batch_size):
    """The Trainer-free loop (sorted batches, duplicates scored once) gives comet's own numbers."""
    triples = TRIPLES + TRIPLES[:4]
    fast = CometMetric(model=str(tiny_models["comet_dir"]), batch_size=batch_size, gpus=0).score(triples)
    plain = CometMetric(model=str(tiny_models["comet_dir"]), batch_size=8, gpus=0, fast=False).score(triples)
    assert fast.segment_scores == pytest.approx(plain.segment_scores, abs=1e-6)
    assert fast.score == pytest.approx(plain.score, abs=1e-6)
    assert fast.segment_scores[20:] == fast.segment_scores[:4]


def test_half_precision_needs_a_gpu(tiny_models):
    with pytest.raises(InputError, match="fp16 needs a GPU"):
        CometMetric(model=str(tiny_models["comet_dir"]), gpus=0, precision="fp16").score(TRIPLES)
    with pytest.raises(InputError, match="choose fp32 or fp16"):
        CometMetric(model=str(tiny_models["comet_dir"]), precision="bf8")


def test_checkpoint_missing_a_parameter_is_loaded_again_with_initialisation(tiny_models, tmp_path, monkeypatch):
    """Loading skips random initialisation; if the checkpoint lacks a parameter, comet's ordinary load runs instead."""
    import shutil

    import comet
    import torch

    from tqcheck.metrics.comet_loading import _load_without_random_init

    folder = tmp_path / "comet"
    shutil.copytree(tiny_models["comet_dir"], folder)
    checkpoint = folder / "checkpoints" / "model.ckpt"
    data = torch.load(checkpoint, weights_only=False)
    dropped = next(k for k in data["state_dict"] if k.startswith("estimator."))
    del data["state_dict"][dropped]
    torch.save(data, checkpoint)
    calls = []
    original = comet.load_from_checkpoint
    monkeypatch.setattr(comet, "load_from_checkpoint", lambda *a, **k: calls.append(1) or original(*a, **k))
    with pytest.warns(Warning, match="not in the checkpoint"):  # Lightning says so on the ordinary load
        model = _load_without_random_init(comet, str(checkpoint), True)
    assert len(calls) == 2
    assert torch.isfinite(dict(model.named_parameters())[dropped]).all()
    complete = _load_without_random_init(comet, str(tiny_models["comet_ckpt"]), True)
    assert len(calls) == 3 and complete is not None


def test_every_metric_in_the_json_has_details(invoke, tiny_models, tmp_path):
    """The README lists `details` for every score; COMET's say what was scored and how."""
    import json

    from conftest import APERTIUM_SV_EN, EN, SV

    report = tmp_path / "r.json"
    result = invoke(
        "check",
        SV,
        EN,
        "--engine",
        "file",
        "--hypothesis",
        APERTIUM_SV_EN,
        "--metrics",
        "bleu,chrf,ter,comet",
        "--comet-model",
        tiny_models["comet_dir"],
        "--no-cache",
        "--json",
        report,
    )
    assert result.exit_code == 0, result.stderr
    scores = json.loads(report.read_text())["directions"][0]["scores"]
    assert set(scores) == {"bleu", "chrf", "ter", "comet"} and all(
        isinstance(s["details"], dict) for s in scores.values()
    )
    comet = scores["comet"]["details"]
    assert (
        comet["model"] == str(tiny_models["comet_dir"])
        and comet["segments"] == 20
        and comet["scored_by_the_model"] == 20
    )
    assert comet["truncated_segments"] == [] and comet["precision"] == "fp32"


def test_a_gate_rerun_encodes_only_the_new_mt_and_scores_as_without_the_cache(tiny_models, tmp_path):
    """Source and reference embeddings come from the cache on a re-run with a new MT; the scores
    equal comet's own uncached path (predict_step on whole batches) to 1e-6."""
    from tqcheck.cache import Cache

    model = str(tiny_models["comet_dir"])
    cache = Cache(tmp_path / "cache")
    first = CometMetric(model=model, batch_size=4, gpus=0, cache=cache).score(TRIPLES)
    texts = {text for t in TRIPLES for text in (t.source, t.hypothesis, t.reference)}
    assert first.details["sentence_embeddings"] == {"encoded": len(texts), "from_cache": 0}
    uncached = CometMetric(model=model, batch_size=8, gpus=0, fast=False).score(TRIPLES)  # comet's own predict
    assert "sentence_embeddings" not in uncached.details
    assert first.segment_scores == pytest.approx(uncached.segment_scores, abs=1e-6)

    new_mt = [TranslationTriple(t.source, t.hypothesis.upper(), t.reference) for t in TRIPLES]
    again = CometMetric(model=model, batch_size=4, gpus=0, cache=cache).score(new_mt)
    new_texts = {t.hypothesis for t in new_mt} - texts
    assert again.details["sentence_embeddings"] == {
        "encoded": len(new_texts),
        "from_cache": len({x for t in new_mt for x in (t.source, t.hypothesis, t.reference)}) - len(new_texts),
    }
    plain = CometMetric(model=model, batch_size=8, gpus=0, fast=False).score(new_mt)
    assert again.segment_scores == pytest.approx(plain.segment_scores, abs=1e-6)
    assert again.score == pytest.approx(plain.score, abs=1e-6)
    assert again.segment_scores != pytest.approx(first.segment_scores, abs=1e-6)  # the MT did change the scores


def test_models_that_read_the_texts_together_keep_the_ordinary_path(tiny_models, tmp_path):
    from tqcheck.cache import Cache

    kiwi = CometMetric(
        model=str(tiny_models["kiwi_dir"]), gpus=0, cache=Cache(tmp_path / "cache"), reference_free=True
    ).score(TRIPLES)
    assert "sentence_embeddings" not in kiwi.details


def test_a_local_checkpoint_is_memory_mapped_and_scores_as_comet_itself(tiny_models, monkeypatch):
    import pytorch_lightning as pl
    import torch

    from tqcheck.metrics import comet_loading

    calls, assigned = [], []
    original, load_state_dict = torch.load, torch.nn.Module.load_state_dict
    monkeypatch.setattr(torch, "load", lambda *a, **kw: calls.append(kw.get("mmap")) or original(*a, **kw))
    monkeypatch.setattr(
        torch.nn.Module,
        "load_state_dict",
        lambda self, *a, **kw: assigned.append(kw.get("assign")) or load_state_dict(self, *a, **kw),
    )
    comet_loading._load_comet.cache_clear()
    result = CometMetric(model=str(tiny_models["comet_ckpt"]), batch_size=8, gpus=0).score(TRIPLES)
    comet_loading._load_comet.cache_clear()
    assert True in calls  # the checkpoint was mapped, not read into memory first
    assert True in assigned  # and its tensors became the parameters, without a copy
    assert "load_state_dict" not in pl.LightningModule.__dict__  # Lightning left as it was
    assert result.segment_scores == pytest.approx(direct_comet(tiny_models["comet_ckpt"]).scores, abs=1e-6)


def test_a_checkpoint_rewritten_while_scoring_is_an_error_not_a_score(tiny_models, tmp_path):
    """The model's parameters are the checkpoint file's mapped tensors. When something rewrites the
    file while tqcheck scores (a training run saving to the same path), later scores may read new
    weights: the run stops with exit 3 instead of mixing two models in one score."""
    import shutil

    from tqcheck.errors import EngineError
    from tqcheck.metrics import comet_loading

    folder = tmp_path / "comet"
    shutil.copytree(tiny_models["comet_dir"], folder)
    checkpoint = next(folder.rglob("*.ckpt"))
    comet_loading._load_comet.cache_clear()
    try:
        metric = CometMetric(model=str(folder), batch_size=8, gpus=0)
        first = metric.score(TRIPLES)
        assert len(first.segment_scores) == len(TRIPLES)
        data = checkpoint.read_bytes()
        with open(checkpoint, "r+b") as file:  # rewritten in place, as torch.save over it would
            file.write(data)
        os.utime(checkpoint, ns=(checkpoint.stat().st_atime_ns, checkpoint.stat().st_mtime_ns + 10**9))
        with pytest.raises(EngineError, match="rewritten while tqcheck scored"):
            metric.score(TRIPLES)
    finally:
        comet_loading._load_comet.cache_clear()
