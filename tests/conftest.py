"""Shared fixtures. Nothing here downloads: the hub is switched off before any HF import,
and the models the tests use are built locally, once per session."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ["HF_HUB_OFFLINE"] = "1"  # an unreachable hub would otherwise cost ~210 s of retries
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ.setdefault("COLUMNS", "120")
os.environ.pop("TQCHECK_DEBUG", None)
os.environ["TQCHECK_CACHE_DIR"] = tempfile.mkdtemp(prefix="tqcheck-test-cache-")  # never the user's cache

import pytest

sys.path.insert(0, str(Path(__file__).parent))

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SV = SEEDS / "russia-china-espionage.sv.txt"
EN = SEEDS / "russia-china-espionage.en.txt"
DATA = Path(__file__).parent / "data"
APERTIUM_SV_EN = DATA / "russia-china-espionage.sv-en.apertium.txt"  # made with the command below
APERTIUM_COMMAND = "apertium -u swe-isl | apertium -u isl-eng"

# The correct alignment of the seed pair: sv lines 1-20 <-> en lines 2-21; en 1, sv 21-22 unmatched.
GOLD_SV_EN = [((i,), (i + 1,)) for i in range(1, 21)]


def seed_lines(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]


def apertium_available() -> bool:
    if shutil.which("apertium") is None:
        return False
    probe = subprocess.run(APERTIUM_COMMAND, shell=True, input="hej\n", capture_output=True, text=True)
    return probe.returncode == 0 and probe.stdout.strip() != ""


needs_apertium = pytest.mark.skipif(
    not apertium_available(), reason="Debian's apertium with apertium-isl-swe and apertium-isl-eng is not installed"
)


@pytest.fixture(scope="session")
def tiny_models(tmp_path_factory) -> dict[str, Path]:
    """Random-weight MarianMT (sv-en, en-sv) and tiny COMET checkpoints over a tiny XLM-R encoder:
    reference-based (regression_metric), quality estimation (referenceless_regression_metric and a
    CometKiwi-shaped unified_metric on [mt, src]) and XCOMET (xcomet_metric, with error spans)."""
    from tiny_models import build_comet, build_marian, build_xlmr_encoder

    root = tmp_path_factory.mktemp("tiny-models")
    sv, en = seed_lines(SV), seed_lines(EN)
    encoder = build_xlmr_encoder(root / "xlmr", sv + en)
    return {
        "marian_sv_en": build_marian(root / "marian-sv-en", sv, en, seed=1),
        "marian_en_sv": build_marian(root / "marian-en-sv", en, sv, seed=2),
        "encoder": encoder,
        "comet_dir": build_comet(root / "comet", encoder).parents[1],
        "comet_ckpt": root / "comet" / "checkpoints" / "model.ckpt",
        "qe_dir": build_comet(root / "qe", encoder, class_identifier="referenceless_regression_metric").parents[1],
        "kiwi_dir": build_comet(
            root / "kiwi", encoder, class_identifier="unified_metric", input_segments=["mt", "src"]
        ).parents[1],
        "xcomet_dir": build_comet(root / "xcomet", encoder, class_identifier="xcomet_metric").parents[1],
    }


@pytest.fixture()
def runner():
    from typer.testing import CliRunner

    return CliRunner()


@pytest.fixture()
def invoke(runner):
    """Run the CLI in-process; returns typer's Result (exit_code, stdout, stderr)."""
    from tqcheck.cli import app

    def run(*args: str):
        return runner.invoke(app, [str(a) for a in args], env={"COLUMNS": "120"})

    return run


def interactive_signals() -> None:
    """``preexec_fn`` for a child that must take Ctrl-C as a terminal user's process does. A child
    inherits ignored signals, and while any thread of the test process is inside C's system() (which
    some library does in a background thread), SIGINT and SIGQUIT are ignored process-wide: a child
    started at that moment would ignore the SIGINT a test sends it (seen in full runs)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGQUIT, signal.SIG_DFL)


def engine_that_hangs(tmp_path: Path) -> tuple[str, Path]:
    """A shell pipeline for the command engine whose `sleep` child records its pid and then hangs."""
    pid_file = tmp_path / "sleep.pid"
    return f"cat > /dev/null; sleep 300 & echo $! > {pid_file}; wait", pid_file


def wait_for_pid(path: Path, seconds: float = 120) -> int:
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if path.exists() and path.read_text().strip():
            return int(path.read_text())
        time.sleep(0.05)
    raise AssertionError(f"{path} was never written")


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "State:\tZ" not in state  # a zombie has ended; only its exit status is left


def ends_within(pid: int, seconds: float) -> bool:
    import time

    deadline = time.monotonic() + seconds
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not alive(pid)
