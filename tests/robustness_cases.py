"""Every bad input and fault the robustness issue lists, with the exit code and the message
tqcheck must give. tests/test_robustness.py runs each as a real process; print_table() writes
the table for the closing note (python tests/robustness_cases.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from conftest import APERTIUM_SV_EN, EN, SV
from trust_cases import TRUST_CASES

FILE_ENGINE = ["--engine", "file", "--hypothesis", str(APERTIUM_SV_EN), "--metrics", "bleu"]


def _write(folder: Path, name: str, data: bytes) -> str:
    path = folder / name
    path.write_bytes(data)
    return str(path)


def _sparse(folder: Path, name: str, megabytes: int) -> str:
    path = folder / name
    with path.open("wb") as stream:
        stream.truncate(megabytes * 2**20)  # a real 101 MB file that costs no disk
    return str(path)


def _broken_baseline(folder: Path) -> str:
    return _write(folder, "baseline.json", b'{"schema_version": 1, "tool": {"name": "tqcheck"}, "direc')


# name, build(folder) -> argv after `tqcheck`, exit code, fragment of the one stderr line
CASES = [
    (
        "empty file",
        lambda f: ["check", _write(f, "empty.txt", b""), str(EN), *FILE_ENGINE],
        2,
        "has no text (it is empty or only whitespace)",
    ),
    (
        "whitespace-only file",
        lambda f: ["check", _write(f, "ws.txt", b" \n\t\n  \n"), str(EN), *FILE_ENGINE],
        2,
        "has no text",
    ),
    (
        "binary file (NUL bytes)",
        lambda f: ["check", _write(f, "bin.txt", b"\x7fELF\x00\x01"), str(EN), *FILE_ENGINE],
        2,
        "is a binary file (it contains NUL bytes)",
    ),
    (
        "Latin-1 file",
        lambda f: [
            "check",
            _write(f, "latin1.txt", "Björn Jerdén är chef.\n".encode("latin-1")),
            str(EN),
            *FILE_ENGINE,
        ],
        2,
        "is not UTF-8 (byte 0xf6 at line 1, column 3 (offset 2)); it looks like Latin-1 text: convert it with `iconv -f LATIN1 -t UTF-8",
    ),
    (
        "Windows-1252 file (typographic quotes)",
        lambda f: ["check", _write(f, "cp1252.txt", "Han sa ”nej” – igen.\n".encode("cp1252")), str(EN), *FILE_ENGINE],
        2,
        "it looks like Windows-1252 text: convert it with `iconv -f CP1252 -t UTF-8",
    ),
    (
        "UTF-8 file with one stray byte",
        lambda f: [
            "check",
            _write(f, "stray.txt", SV.read_bytes().replace(b"Kina", b"Ki\xffna", 1)),
            str(EN),
            *FILE_ENGINE,
        ],
        2,
        "is UTF-8 except for 1 invalid byte sequence(s), the first byte 0xff at line 1",
    ),
    (
        "UTF-16 file with BOM",
        lambda f: ["check", _write(f, "utf16.txt", "Björn är chef.\n".encode("utf-16")), str(EN), *FILE_ENGINE],
        2,
        "is UTF-16 text, not UTF-8; convert it with `iconv -f UTF-16 -t UTF-8",
    ),
    (
        "not in the declared language, --strict",
        lambda f: ["check", str(SV), str(EN), "--src-lang", "de", "--strict", *FILE_ENGINE],
        2,
        "looks like 'sv' (language identification, p=1.00), not 'de' as --src-lang says",
    ),
    (
        "source and reference in one language",
        lambda f: ["check", str(EN), str(EN), *FILE_ENGINE],
        2,
        "are both in language 'en'; the reference must be a translation of the source",
    ),
    (
        "score: hypothesis and reference line counts differ",
        lambda f: ["score", "--hyp", _write(f, "short.txt", b"One line.\n"), "--ref", str(EN), "--metrics", "bleu"],
        2,
        "has 1 lines but",
    ),
    (
        "101 MB input",
        lambda f: ["check", _sparse(f, "huge.txt", 101), str(EN), *FILE_ENGINE],
        2,
        "is 101.0 MB, over the 50 MB limit for one input",
    ),
    ("a directory", lambda f: ["check", str(f), str(EN), *FILE_ENGINE], 2, "is a directory; pass a text file"),
    (
        "a missing path",
        lambda f: ["check", str(f / "nope.txt"), str(EN), *FILE_ENGINE],
        2,
        "nope.txt: no such file; check the path",
    ),
    (
        "baseline that does not parse",
        lambda f: ["check", str(SV), str(EN), *FILE_ENGINE, "--baseline", _broken_baseline(f)],
        2,
        "is not valid JSON (Unterminated string starting at: line 1",
    ),
    (
        "MT model not cached, hub unreachable",
        lambda f: ["check", str(SV), str(EN), "--metrics", "bleu"],
        3,
        "MT model Helsinki-NLP/opus-mt-sv-en is not in the local cache and the hub is unreachable; run `tqcheck models pull",
    ),
    (
        "COMET model not cached, hub unreachable",
        lambda f: ["score", "--hyp", str(EN), "--ref", str(EN), "--src", str(EN), "--metrics", "comet"],
        3,
        "COMET model Unbabel/wmt22-comet-da is not in the local cache and the hub is unreachable",
    ),
    (
        "QE model not cached, hub unreachable",
        lambda f: ["score", "--hyp", str(EN), "--src", str(EN), "--metrics", "cometkiwi"],
        3,
        "COMET model Unbabel/wmt22-cometkiwi-da is not in the local cache and the hub is unreachable; run `tqcheck models pull Unbabel/wmt22-cometkiwi-da` where there is network, pass --qe-model PATH to a local checkpoint, or leave cometkiwi out of --metrics",
    ),
    (
        "QE checkpoint path that does not exist",
        lambda f: ["audit", "--no-mt", "--qe-model", str(f / "kiwi")],
        2,
        "no COMET checkpoint there (expected a .ckpt file or a directory with checkpoints/model.ckpt); pass --qe-model with a hub name",
    ),
    (
        "command engine fails",
        lambda f: [
            "check",
            str(SV),
            str(EN),
            "--engine",
            "command",
            "--command",
            "echo broken >&2; exit 4",
            "--metrics",
            "bleu",
            "--no-cache",
        ],
        3,
        "exited with status 4",
    ),
    (
        "command engine hangs (timeout)",
        lambda f: [
            "check",
            str(SV),
            str(EN),
            "--engine",
            "command",
            "--command",
            "sleep 30",
            "--engine-option",
            "timeout=1",
            "--metrics",
            "bleu",
            "--no-cache",
        ],
        3,
        "did not finish within 1",
    ),
    (
        "command engine prints the wrong number of lines",
        lambda f: [
            "check",
            str(SV),
            str(EN),
            "--engine",
            "command",
            "--command",
            "head -n 3",
            "--metrics",
            "bleu",
            "--no-cache",
        ],
        3,
        "printed 3 lines for 22 input lines",
    ),
    (
        "report folder does not exist",
        lambda f: ["check", str(SV), str(EN), *FILE_ENGINE, "--json", str(f / "no" / "r.json")],
        2,
        "does not exist; create it first",
    ),
]


CASES += TRUST_CASES


def run_case(build, folder: Path) -> tuple[subprocess.CompletedProcess, float]:
    """Run one case as a real process. ``build`` makes its files and returns the arguments after
    ``tqcheck``, or (arguments, extra environment)."""
    built = build(folder)
    argv, extra = built if isinstance(built, tuple) else (built, {})
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "COLUMNS": "120", **extra}
    before = _digests(folder)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "tqcheck", *argv], capture_output=True, text=True, env=env, timeout=300
    )  # a hang guard, not a speed check
    seconds = time.perf_counter() - started
    done.changed_inputs = sorted(name for name, digest in before.items() if _digests(folder).get(name) != digest)
    return done, seconds


def _digests(folder: Path) -> dict[str, str]:
    """Every file the case made (its inputs), by content: a refused run must leave them all as they were."""
    import hashlib

    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def print_table() -> None:
    import tempfile

    print("| bad input or fault | exit | seconds | message (stderr) |\n|---|---|---|---|")
    for name, build, _, _ in CASES:
        with tempfile.TemporaryDirectory() as folder:
            done, seconds = run_case(build, Path(folder))
            message = done.stderr.strip().replace(folder, "DIR").replace(str(Path(__file__).parents[1]), ".")
            print(f"| {name} | {done.returncode} | {seconds:.1f} | `{message.replace('|', '¦')}` |")


if __name__ == "__main__":
    print_table()
