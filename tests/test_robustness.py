"""Bad input and faults: one line on stderr, the right exit code, no traceback, no input touched;
faults injected at the boundary (OS, GPU allocator, a signal) with the real libraries behind."""

import errno
import os
import signal
import subprocess
import sys
import time

import pytest
from conftest import EN, SV, interactive_signals
from robustness_cases import CASES, run_case

from tqcheck.errors import EngineError, TqcheckError


@pytest.mark.parametrize("name,build,code,message", CASES, ids=[c[0] for c in CASES])
def test_bad_input_and_faults(tmp_path, name, build, code, message):
    done, seconds = run_case(build, tmp_path)
    assert done.returncode == code, done.stderr
    assert done.stderr.startswith("tqcheck: error: ") and message in done.stderr
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert "unexpected" not in done.stderr
    assert done.changed_inputs == []  # nothing the run was given was written to


def test_language_mismatch_warns_without_strict(invoke, tmp_path):
    from robustness_cases import FILE_ENGINE

    result = invoke("check", SV, EN, "--src-lang", "de", *FILE_ENGINE, "--json", tmp_path / "r.json")
    assert result.exit_code == 0
    assert "looks like 'sv'" in result.stdout and "--strict makes this an error" in result.stdout
    assert "looks like 'sv'" in (tmp_path / "r.json").read_text()


def test_disk_full_while_writing_a_report_keeps_the_old_file(tmp_path, monkeypatch):
    import tqcheck.atomic as atomic

    target = tmp_path / "report.json"
    target.write_text("the earlier report\n")

    def full(_fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(atomic.os, "fsync", full)
    with pytest.raises(TqcheckError) as caught:
        atomic.write_text_atomic(target, "the new report\n")
    assert caught.value.exit_code == 3
    assert (
        str(caught.value)
        == f"{target}: could not be written (No space left on device); nothing was replaced: free space or choose another path"
    )
    assert target.read_text() == "the earlier report\n" and [p.name for p in tmp_path.iterdir()] == ["report.json"]


def _out_of_memory():
    import torch

    return torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")


def test_marian_out_of_memory_retries_with_smaller_batches(tiny_models, monkeypatch):
    from tqcheck.translate import create_translator

    texts = [f"Rysslands säkerhetstjänst varnar för spionage nummer {k}." for k in range(10)]
    plain = create_translator("marian", {"model": str(tiny_models["marian_sv_en"]), "batch_size": 8}).translate(
        texts, "sv", "en"
    )
    translator = create_translator("marian", {"model": str(tiny_models["marian_sv_en"]), "batch_size": 8})
    _, model, _ = translator._load(str(tiny_models["marian_sv_en"]))
    original, sizes = model.generate, []

    def generate(**kwargs):
        sizes.append(kwargs["input_ids"].shape[0])
        if sizes[-1] > 2:
            raise _out_of_memory()
        return original(**kwargs)

    monkeypatch.setattr(model, "generate", generate)
    assert translator.translate(texts, "sv", "en") == plain
    assert sizes[:3] == [8, 4, 2] and max(sizes[3:]) == 2


def test_marian_out_of_memory_at_batch_one_fails_clearly(tiny_models, monkeypatch):
    from tqcheck.translate import create_translator

    translator = create_translator("marian", {"model": str(tiny_models["marian_sv_en"]), "batch_size": 2})
    _, model, _ = translator._load(str(tiny_models["marian_sv_en"]))
    monkeypatch.setattr(model, "generate", lambda **kwargs: (_ for _ in ()).throw(_out_of_memory()))
    with pytest.raises(
        EngineError, match=r"Marian ran out of cpu memory even for one segment \(\d+ tokens\); use --device cpu"
    ):
        translator.translate(["Hej.", "Hej då."], "sv", "en")


def test_comet_out_of_memory_retries_with_smaller_batches(tiny_models, monkeypatch):
    from tqcheck.metrics import ScoringSettings, TranslationTriple, create_metric
    from tqcheck.metrics.comet_metric import load_comet

    triples = [TranslationTriple(f"källa {k}", f"hypothesis {k}", f"reference {k}") for k in range(5)]
    plain = create_metric(
        "comet", ScoringSettings(comet_model=str(tiny_models["comet_dir"]), comet_batch_size=8)
    ).score(triples)
    model = load_comet(str(tiny_models["comet_dir"])).model
    original, sizes = type(model).get_sentence_embedding, []

    def get_sentence_embedding(self, input_ids, *args, **kwargs):
        sizes.append(input_ids.shape[0])
        if sizes[-1] > 2:
            raise _out_of_memory()
        return original(self, input_ids, *args, **kwargs)

    monkeypatch.setattr(type(model), "get_sentence_embedding", get_sentence_embedding)
    result = create_metric(
        "comet", ScoringSettings(comet_model=str(tiny_models["comet_dir"]), comet_batch_size=8)
    ).score(triples)
    # 15 distinct texts: a batch of 8 fails, then 4, then the texts go through in batches of 2
    assert sizes == [8, 4, 2, 2, 2, 2, 2, 2, 2, 1]
    assert result.segment_scores == pytest.approx(plain.segment_scores, abs=1e-5)


def test_ctrl_c_exits_130_and_the_next_run_resumes(tmp_path):
    """Interrupt during MT after the first chunk of 256 segments is stored; the rerun translates only the rest."""
    source = tmp_path / "src.sv.txt"
    reference = tmp_path / "ref.en.txt"
    source.write_text("".join(f"Det här är mening nummer {k} om Ryssland och Kina.\n" for k in range(600)))
    reference.write_text("".join(f"This is sentence number {k} about Russia and China.\n" for k in range(600)))
    log, allow = tmp_path / "calls", tmp_path / "allow"
    script = tmp_path / "toy-mt.sh"  # a line-by-line rule-based "MT" that hangs on its second call until allowed
    script.write_text(
        f"echo call >> {log}; if [ $(wc -l < {log}) -ge 2 ] && [ ! -e {allow} ]; then sleep 60; fi; "
        "sed -e 's/Det här är mening nummer/This is sentence number/' -e 's/om Ryssland och Kina/about Russia and China/'\n"
    )
    args = [
        sys.executable,
        "-m",
        "tqcheck",
        "check",
        str(source),
        str(reference),
        "--src-lang",
        "sv",
        "--tgt-lang",
        "en",
        "--engine",
        "command",
        "--command",
        f"sh {script}",
        "--engine-option",
        "independent=true",
        "--metrics",
        "bleu",
        "--cache-dir",
        str(tmp_path / "cache"),
    ]
    process = subprocess.Popen(
        args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=interactive_signals
    )
    deadline = time.time() + 30
    while (not log.exists() or len(log.read_text().splitlines()) < 2) and time.time() < deadline:
        time.sleep(0.1)
    time.sleep(0.3)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 130, stderr
    assert stderr.strip().splitlines()[-1] == (
        "tqcheck: interrupted; finished translations and scores are in the cache: run the same command again to resume"
    )
    allow.touch()
    done = subprocess.run(args, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert len(log.read_text().splitlines()) == 4  # 2 before the interruption, then the 2 chunks left (256 + 88)


def test_unexpected_errors_are_one_line_without_locals(invoke, monkeypatch):
    import tqcheck.pipeline as pipeline

    monkeypatch.setenv("TQCHECK_SECRET_TOKEN", "s3cr3t-value")

    def explode(*args, **kwargs):
        token = os.environ["TQCHECK_SECRET_TOKEN"]  # noqa: F841 (a local that a traceback with locals would show)
        raise ValueError("something broke inside")

    monkeypatch.setattr(pipeline, "score_triples", explode)
    result = invoke("score", "--hyp", EN, "--ref", EN, "--metrics", "bleu", "--no-cache")
    assert result.exit_code == 3
    assert result.stderr == (
        "tqcheck: error: unexpected ValueError: something broke inside (rerun with TQCHECK_DEBUG=1 for the traceback)\n"
    )
    assert "s3cr3t" not in result.stdout + result.stderr
