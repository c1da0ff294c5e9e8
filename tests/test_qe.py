"""Reference-free quality estimation (cometkiwi) and XCOMET error spans, on tiny local checkpoints of
each comet model class, compared with calling comet itself."""

import json
import shutil

import pytest
from conftest import APERTIUM_SV_EN, EN, SV, seed_lines

from tqcheck.errors import InputError
from tqcheck.metrics import TranslationTriple
from tqcheck.metrics.comet_metric import CometMetric, licence_note

SRC = seed_lines(SV)[:12]
HYP = seed_lines(APERTIUM_SV_EN)[:12]
REF = seed_lines(EN)[1:13]


def comet_itself(checkpoint_dir, with_reference: bool):
    import comet

    model = comet.load_from_checkpoint(str(checkpoint_dir / "checkpoints" / "model.ckpt"), local_files_only=True)
    samples = [{"src": s, "mt": h, **({"ref": r} if with_reference else {})} for s, h, r in zip(SRC, HYP, REF)]
    return model.predict(samples, batch_size=4, gpus=0, progress_bar=False)


@pytest.mark.parametrize("kind", ["qe_dir", "kiwi_dir", "xcomet_dir"])
def test_quality_estimation_equals_comet_without_reference(tiny_models, kind):
    expected = comet_itself(tiny_models[kind], with_reference=False)
    triples = [TranslationTriple(s, h, None) for s, h in zip(SRC, HYP)]
    result = CometMetric(model=str(tiny_models[kind]), batch_size=4, gpus=0, reference_free=True).score(triples)
    assert result.name == "cometkiwi"
    assert result.segment_scores == pytest.approx(expected.scores, abs=1e-5)
    assert result.score == pytest.approx(expected.system_score, abs=1e-5)
    assert "|ref:no|" in result.signature
    assert len({round(s, 6) for s in result.segment_scores}) > 1


def test_quality_estimation_ignores_the_reference(tiny_models):
    metric = CometMetric(model=str(tiny_models["kiwi_dir"]), gpus=0, reference_free=True)
    with_ref = metric.score([TranslationTriple(s, h, r) for s, h, r in zip(SRC, HYP, REF)]).segment_scores
    without = metric.score([TranslationTriple(s, h, None) for s, h in zip(SRC, HYP)]).segment_scores
    assert with_ref == pytest.approx(without, abs=1e-6)


def test_a_reference_based_checkpoint_is_refused_for_quality_estimation(tiny_models):
    metric = CometMetric(model=str(tiny_models["comet_dir"]), gpus=0, reference_free=True)
    with pytest.raises(InputError, match="reference-based COMET model .* --qe-model"):
        metric.score([TranslationTriple(SRC[0], HYP[0], None)])


def test_xcomet_error_spans_are_comets_own(tiny_models):
    expected = comet_itself(tiny_models["xcomet_dir"], with_reference=True)
    triples = [TranslationTriple(s, h, r) for s, h, r in zip(SRC, HYP, REF)]
    result = CometMetric(model=str(tiny_models["xcomet_dir"]), batch_size=4, gpus=0).score(triples)
    assert result.segment_scores == pytest.approx(expected.scores, abs=1e-5)
    spans = result.details["error_spans"]
    assert len(spans) == len(triples) and sum(map(len, spans)) > 0
    for ours, theirs, mt in zip(spans, expected.metadata.error_spans, HYP):
        theirs = [t for t in theirs if t["end"] > t["start"]]  # a span over <s> alone covers no text
        assert [(s["start"], s["end"], s["severity"]) for s in ours] == [
            (t["start"], t["end"], t["severity"]) for t in theirs
        ]
        assert [s["confidence"] for s in ours] == pytest.approx([t["confidence"] for t in theirs], abs=1e-4)
        assert all(s["text"] == mt[s["start"] : s["end"]] for s in ours)


def test_error_spans_come_back_from_the_cache(tiny_models, tmp_path):
    from tqcheck.cache import Cache

    triples = [TranslationTriple(s, h, r) for s, h, r in zip(SRC, HYP, REF)]
    cache = Cache(str(tmp_path / "cache"))
    first = CometMetric(model=str(tiny_models["xcomet_dir"]), gpus=0, cache=cache).score(triples)
    again = CometMetric(model=str(tiny_models["xcomet_dir"]), gpus=0, cache=cache)
    again.load = lambda: pytest.fail("everything should come from the cache")
    second = again.score(triples)
    assert second.segment_scores == first.segment_scores
    assert second.details["error_spans"] == first.details["error_spans"]


def test_non_commercial_licence_is_noted():
    assert (
        licence_note("Unbabel/wmt22-cometkiwi-da")
        == "Unbabel/wmt22-cometkiwi-da is licensed cc-by-nc-sa-4.0: non-commercial use only"
    )
    assert licence_note("Unbabel/wmt22-comet-da") is None


def test_score_without_reference_uses_quality_estimation(invoke, tiny_models, tmp_path):
    src, hyp, report = tmp_path / "src.txt", tmp_path / "hyp.txt", tmp_path / "report.json"
    src.write_text("\n".join(SRC) + "\n", encoding="utf-8")
    hyp.write_text("\n".join(HYP) + "\n", encoding="utf-8")
    kiwi = tmp_path / "kiwi"
    shutil.copytree(tiny_models["kiwi_dir"], kiwi)
    (kiwi / "README.md").write_text("---\nlicense: cc-by-nc-sa-4.0\n---\n# a CometKiwi\n", encoding="utf-8")
    page = tmp_path / "report.html"
    result = invoke("score", "--src", src, "--hyp", hyp, "--qe-model", kiwi, "--json", report, "--html", page)
    assert result.exit_code == 0, result.stderr
    assert "CometKiwi" in result.stdout and "SRC " in result.stdout
    html = page.read_text(encoding="utf-8")
    assert html.count('<tr data-index="') == len(SRC) and ">reference</th>" not in html
    assert "non-commercial use only" in html
    direction = json.loads(report.read_text(encoding="utf-8"))["directions"][0]
    assert set(direction["scores"]) == {"cometkiwi"}
    assert direction["reference"] is None and direction["segments"][0]["reference"] is None
    assert any("non-commercial use only" in w for w in direction["warnings"])


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["--metrics", "bleu"], "BLEU needs --ref"),
        (["--metrics", "cometkiwi", "--no-src"], "CometKiwi needs --src"),
    ],
)
def test_score_without_what_a_metric_needs_exits_2(invoke, tmp_path, arguments, message):
    src, hyp = tmp_path / "src.txt", tmp_path / "hyp.txt"
    src.write_text("en mening\n", encoding="utf-8")
    hyp.write_text("a sentence\n", encoding="utf-8")
    given = ["--src", src] if "--no-src" not in arguments else []
    result = invoke("score", "--hyp", hyp, *given, *[a for a in arguments if a != "--no-src"])
    assert result.exit_code == 2
    assert message in result.stderr and result.stderr.count("\n") == 1


def test_check_shows_xcomet_error_spans_in_worst_segments(invoke, tiny_models, tmp_path):
    report = tmp_path / "report.json"
    result = invoke(
        "check",
        SV,
        EN,
        "--engine",
        "file",
        "--hypothesis",
        APERTIUM_SV_EN,
        "--metrics",
        "chrf,comet",
        "--comet-model",
        tiny_models["xcomet_dir"],
        "--json",
        report,
    )
    assert result.exit_code == 0, result.stderr
    assert "ERR " in result.stdout
    from tqcheck.report.json_report import read_json_report

    data = json.loads(report.read_text(encoding="utf-8"))
    segments = data["directions"][0]["segments"]
    assert any(s.get("error_spans", {}).get("comet") for s in segments)
    assert "error_spans" not in data["directions"][0]["scores"]["comet"].get("details", {})
    again = read_json_report(str(report), role="report")
    assert [s.error_spans for s in again.directions[0].segments] == [s.get("error_spans", {}) for s in segments]


def test_check_adds_cometkiwi_when_a_qe_model_is_named_and_gates_on_it(invoke, tiny_models, tmp_path):
    report = tmp_path / "report.json"
    result = invoke(
        "check",
        SV,
        EN,
        "--engine",
        "file",
        "--hypothesis",
        APERTIUM_SV_EN,
        "--comet-model",
        tiny_models["comet_dir"],
        "--qe-model",
        tiny_models["kiwi_dir"],
        "--json",
        report,
    )
    assert result.exit_code == 0, result.stderr
    direction = json.loads(report.read_text(encoding="utf-8"))["directions"][0]
    assert list(direction["scores"]) == ["bleu", "chrf", "ter", "comet", "cometkiwi"]
    kiwi = direction["scores"]["cometkiwi"]["score"]
    failed = invoke(
        "check",
        SV,
        EN,
        "--engine",
        "file",
        "--hypothesis",
        APERTIUM_SV_EN,
        "--metrics",
        "bleu,cometkiwi",
        "--qe-model",
        tiny_models["kiwi_dir"],
        "--fail-under",
        f"cometkiwi={kiwi + 0.01:.4f}",
    )
    assert failed.exit_code == 1
    assert "CometKiwi" in failed.stderr and "under the threshold" in failed.stderr


@pytest.mark.parametrize("command", ["check", "audit"])
def test_a_reference_based_qe_model_is_refused_before_any_translation(invoke, tiny_models, command):
    """Read from the checkpoint's hparams.yaml: the engine (which would fail with exit 3) never runs."""
    from conftest import EN, SV

    result = invoke(
        command,
        SV,
        EN,
        "--direction" if command == "check" else "--src-lang",
        "sv-en" if command == "check" else "sv",
        "--engine",
        "command",
        "--command",
        "exit 9",
        "--qe-model",
        tiny_models["comet_dir"],
        "--no-cache",
        *(["--metrics", "bleu,cometkiwi"] if command == "check" else []),
    )
    assert result.exit_code == 2, result.stderr
    assert "is a reference-based COMET model (regression_metric)" in result.stderr and "--qe-model" in result.stderr


def test_the_offline_demo_models_cover_audit(tmp_path):
    """bench/build_random_models.py (the README's offline try-out) builds a QE checkpoint too, and the
    flags it prints run `tqcheck audit` with no hub."""
    import subprocess
    import sys

    from conftest import ROOT

    built = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "build_random_models.py"), str(tmp_path / "demo")],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert built.returncode == 0, built.stderr
    flags = dict(line.split(" ", 1) for line in built.stdout.splitlines() if line.startswith("--"))
    assert set(flags) == {"--model", "--comet-model", "--qe-model"}
    report = tmp_path / "audit.json"
    audit = subprocess.run(
        [
            sys.executable,
            "-m",
            "tqcheck",
            "audit",
            "--no-mt",
            "--qe-model",
            flags["--qe-model"],
            "--no-cache",
            "--json",
            str(report),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert audit.returncode == 0, audit.stderr
    assert f"model:{flags['--qe-model']}|ref:no" in report.read_text()
