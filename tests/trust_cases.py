"""The trust issue's defects as cases: each was a silently wrong verdict, a destroyed input, a hang
or an "unexpected" error on main before; each must now be one line on stderr and exit 2 or 3.
Same shape as robustness_cases.CASES (which includes these): name, build(folder), exit, message."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from conftest import APERTIUM_SV_EN, EN, SV

BLEU = ["--metrics", "bleu", "--no-cache"]
REPLAY_SV_EN = f"cat > /dev/null; grep -v '^$' {APERTIUM_SV_EN}"  # Apertium's sv→en MT of the seed, recorded


def seeds(folder: Path) -> tuple[str, str]:
    """Copies of the seed pair in the case's folder: the inputs an output must never replace."""
    sv, en = folder / "article.sv.txt", folder / "article.en.txt"
    shutil.copy(SV, sv)
    shutil.copy(EN, en)
    return str(sv), str(en)


def file_engine(folder: Path, *extra: str) -> list[str]:
    sv, en = seeds(folder)
    return ["check", sv, en, "--engine", "file", "--hypothesis", str(APERTIUM_SV_EN), *BLEU, *extra]


def _write(folder: Path, name: str, text: str | bytes) -> str:
    path = folder / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return str(path)


def _symlink(folder: Path, name: str, target: str) -> str:
    link = folder / name
    link.symlink_to(target)
    return str(link)


def _with_blank_line(folder: Path) -> list[str]:
    """A source with a blank line after line 3, and a hypothesis without it: its line count equals the
    source's segments, so the old reader paired every later MT line with the wrong source line."""
    lines = SV.read_text(encoding="utf-8").split("\n")
    source = _write(folder, "blank.sv.txt", "\n".join(lines[:3] + [""] + lines[3:]))
    return ["check", source, str(EN), "--engine", "file", "--hypothesis", str(APERTIUM_SV_EN), *BLEU]


def _score_shifted(folder: Path) -> list[str]:
    ref = EN.read_text(encoding="utf-8").strip().split("\n")
    shifted = ref[1:] + [""]  # one line lost at the top, a blank appended: same count
    hyp = _write(folder, "hyp.txt", "\n".join(shifted) + "\n")
    src_lines = ["x"] * (len(ref) - 1) + [""]
    src_lines[0] = ""  # the source's first line is blank where the hypothesis has text
    src = _write(folder, "src.txt", "\n".join(src_lines) + "\n")
    return ["score", "--hyp", hyp, "--ref", str(EN), "--src", src, "--src-lang", "sv", "--tgt-lang", "en", *BLEU]


def _report(folder: Path, name: str, mutate) -> str:
    data = {
        "schema_version": 1,
        "tool": {"name": "tqcheck", "version": "0"},
        "command": "check",
        "directions": [
            {
                "direction": "sv-en",
                "src_lang": "sv",
                "tgt_lang": "en",
                "source": "s",
                "reference": "r",
                "scores": {"bleu": {"score": 10.0, "signature": "x", "higher_is_better": True}},
                "segments": [
                    {
                        "source_lines": [1],
                        "reference_lines": [1],
                        "source": "a",
                        "hypothesis": "b",
                        "reference": "c",
                        "scores": {"bleu": 10.0},
                    }
                ],
            }
        ],
    }
    mutate(data)
    return _write(folder, name, json.dumps(data))


def _no_scores(data):
    data["directions"][0]["scores"] = []


def _null_segment_scores(data):
    data["directions"][0]["segments"][0]["scores"] = None


def _settings(folder: Path, body: str) -> str:
    return _write(folder, "tqcheck.toml", body)


def _garbage_checkpoint(folder: Path) -> str:
    checkpoint = folder / "comet" / "checkpoints"
    checkpoint.mkdir(parents=True)
    (checkpoint / "model.ckpt").write_text("this is not a pickle\n")
    (folder / "comet" / "hparams.yaml").write_text("pretrained_model: xlm-roberta-large\n")
    return str(folder / "comet")


def _long_pair(folder: Path) -> tuple[list[str], dict[str, str]]:
    """Over a (lowered) line limit: refused before the engine runs (the engine here would fail)."""
    sv = [line for line in SV.read_text(encoding="utf-8").split("\n") if line.strip()]
    en = [line for line in EN.read_text(encoding="utf-8").split("\n") if line.strip()]
    source = _write(folder, "long.sv.txt", "\n".join(f"{k}. {sv[k % len(sv)]}" for k in range(1001)) + "\n")
    reference = _write(folder, "long.en.txt", "\n".join(f"{k}. {en[k % len(en)]}" for k in range(1001)) + "\n")
    return ["check", source, reference, "--engine", "command", "--command", "exit 9", *BLEU], {
        "TQCHECK_MAX_ALIGN_LINES": "1000"
    }


TRUST_CASES = [
    # 1. outputs never overwrite inputs (checked before any work: the engine would fail with exit 3)
    (
        "--json is the SOURCE",
        lambda f: file_engine(f, "--json", str(f / "article.sv.txt")),
        2,
        "is the same file as SOURCE",
    ),
    (
        "--save-translation is the REFERENCE",
        lambda f: file_engine(f, "--direction", "sv-en", "--save-translation", str(f / "article.en.txt")),
        2,
        "--save-translation",
    ),
    (
        "--json and --html are one file",
        lambda f: file_engine(f, "--json", str(f / "r.out"), "--html", str(f / "r.out")),
        2,
        "--html and --json would both write",
    ),
    (
        "--json through a symlink to the source",
        lambda f: file_engine(f, "--json", _symlink(f, "link.json", str(f / "article.sv.txt"))),
        2,
        "is the same file as SOURCE",
    ),
    (
        "--json as ../folder/./SOURCE",
        lambda f: file_engine(f, "--json", str(f / ".." / f.name / "." / "article.sv.txt")),
        2,
        "is the same file as SOURCE",
    ),
    (
        "--json is the --baseline",
        lambda f: file_engine(f, "--baseline", _write(f, "b.json", "{}"), "--json", str(f / "b.json")),
        2,
        "is the same file as --baseline",
    ),
    (
        "--markdown is the --hypothesis",
        lambda f: [
            "check",
            *seeds(f),
            "--engine",
            "file",
            "--hypothesis",
            _write(f, "hyp.txt", APERTIUM_SV_EN.read_bytes()),
            *BLEU,
            "--markdown",
            str(f / "hyp.txt"),
        ],
        2,
        "is the same file as --hypothesis",
    ),
    (
        "compare --json is one of the reports",
        lambda f: ["compare", _write(f, "a.json", "{}"), _write(f, "b.json", "{}"), "--json", str(f / "b.json")],
        2,
        "is the same file as BASELINE.json/OTHER.json",
    ),
    (
        "translate -o is the SOURCE",
        lambda f: [
            "translate",
            seeds(f)[0],
            "--to",
            "en",
            "--engine",
            "command",
            "--command",
            "exit 9",
            "-o",
            str(f / "article.sv.txt"),
        ],
        2,
        "--output",
    ),
    (
        "translate -o into a missing folder (before the work)",
        lambda f: [
            "translate",
            seeds(f)[0],
            "--to",
            "en",
            "--engine",
            "command",
            "--command",
            "exit 9",
            "-o",
            str(f / "no" / "t.txt"),
        ],
        2,
        "does not exist; create it first",
    ),
    (
        "align --tsv into a missing folder (before the work)",
        lambda f: ["align", *seeds(f), "--engine", "command", "--command", "exit 9", "--tsv", str(f / "no" / "a.tsv")],
        2,
        "does not exist; create it first",
    ),
    (
        "$GITHUB_STEP_SUMMARY is the SOURCE",
        lambda f: (file_engine(f), {"GITHUB_STEP_SUMMARY": str(f / "article.sv.txt")}),
        2,
        "$GITHUB_STEP_SUMMARY=",
    ),
    # 3. input lines and MT lines stay paired
    (
        "file engine: hypothesis one line short of a source with a blank line",
        _with_blank_line,
        2,
        "has 22 lines but the sv source",
    ),
    ("score: hypothesis has text where the source is blank", _score_shifted, 2, "line 1 has text where"),
    # 4. engine output that cannot be right
    (
        "command engine without {src}/{tgt} asked for both directions",
        lambda f: ["check", "--engine", "command", "--command", REPLAY_SV_EN, *BLEU],
        2,
        "has no {src} or {tgt} placeholder",
    ),
    (
        "MT in the source language (an sv→en engine fed English)",
        lambda f: ["check", "--direction", "en-sv", "--engine", "command", "--command", "cat", *BLEU],
        3,
        "language identification says 'en'",
    ),
    (
        "command engine prints non-UTF-8",
        lambda f: [
            "check",
            str(SV),
            str(EN),
            "--engine",
            "command",
            "--command",
            REPLAY_SV_EN + " | sed '3s/the/th\\xe9/'",
            *BLEU,
        ],
        3,
        "not UTF-8 (0xe9 on output line 3)",
    ),
    (
        "command engine output count off, with a U+2028 in it",
        lambda f: [
            "check",
            str(SV),
            str(EN),
            "--engine",
            "command",
            "--command",
            "cat >/dev/null; printf 'a\\342\\200\\250b\\n'",
            *BLEU,
        ],
        3,
        "printed 1 lines for 22 input lines; its output also contains U+2028",
    ),
    (
        "pipeline whose first command is not found",
        lambda f: ["check", str(SV), str(EN), "--engine", "command", "--command", "nosuchmt | cat", *BLEU],
        3,
        "nosuchmt: not found",
    ),
    # 5. gate and compare settings that cannot apply
    (
        "--fail-under for a direction the run does not check",
        lambda f: file_engine(f, "--direction", "sv-en", "--fail-under", "en-sv:bleu=10"),
        2,
        "names direction en-sv, but this run checks sv-en",
    ),
    ("--fail-under bleu=nan", lambda f: file_engine(f, "--fail-under", "bleu=nan"), 2, "is not a finite number"),
    ("--fail-over ter=inf", lambda f: file_engine(f, "--fail-over", "ter=inf"), 2, "is not a finite number"),
    ("--alpha 0", lambda f: file_engine(f, "--alpha", "0"), 2, "between 0 and 1"),
    (
        "--samples 0",
        lambda f: file_engine(f, "--baseline", _write(f, "b.json", "{}"), "--samples", "0"),
        2,
        "give a positive number of resamples",
    ),
    (
        "compare --alpha 1.5",
        lambda f: ["compare", _write(f, "a.json", "{}"), _write(f, "b.json", "{}"), "--alpha", "1.5"],
        2,
        "between 0 and 1",
    ),
    (
        "compare --samples -3",
        lambda f: ["compare", _write(f, "a.json", "{}"), _write(f, "b.json", "{}"), "--samples", "-3"],
        2,
        "give a positive number of resamples",
    ),
    # 6. bounded resources
    (
        "/dev/zero as the source",
        lambda f: ["check", "/dev/zero", str(EN), "--engine", "command", "--command", "exit 9", *BLEU],
        2,
        "over the 50 MB limit",
    ),
    ("a pair over the aligner's line limit", _long_pair, 2, "over the 1000-line limit of the aligner"),
    (
        "TQCHECK_MAX_INPUT_MB=nan",
        lambda f: (file_engine(f), {"TQCHECK_MAX_INPUT_MB": "nan"}),
        2,
        "is not a positive number of megabytes",
    ),
    # 8. no "unexpected" error from user input
    (
        "baseline with scores: []",
        lambda f: file_engine(f, "--baseline", _report(f, "b.json", _no_scores)),
        2,
        "is incomplete or damaged",
    ),
    (
        "compare input with segment scores: null",
        lambda f: ["compare", _report(f, "a.json", lambda d: None), _report(f, "b.json", _null_segment_scores)],
        2,
        "is incomplete or damaged",
    ),
    (
        "settings: engine_options timeout = [1, 2]",
        lambda f: [
            "check",
            *seeds(f),
            "--engine",
            "command",
            "--command",
            REPLAY_SV_EN,
            *BLEU,
            "--config",
            _settings(f, "engine_options = {timeout = [1, 2]}\n"),
        ],
        2,
        "option timeout=[1, 2] is not a valid float",
    ),
    (
        "--engine-option timeout=nan",
        lambda f: [
            "check",
            str(SV),
            str(EN),
            "--engine",
            "command",
            "--command",
            REPLAY_SV_EN,
            "--engine-option",
            "timeout=nan",
            *BLEU,
        ],
        2,
        "option timeout='nan' is not a valid float",
    ),
    (
        "a text file as --comet-model",
        lambda f: [
            "score",
            "--hyp",
            str(EN),
            "--ref",
            str(EN),
            "--src",
            str(EN),
            "--metrics",
            "comet",
            "--comet-model",
            _garbage_checkpoint(f),
            "--no-cache",
        ],
        2,
        "cannot be loaded",
    ),
    (
        "--comet-gpus 4 on a machine with fewer",
        lambda f: [
            "score",
            "--hyp",
            str(EN),
            "--ref",
            str(EN),
            "--src",
            str(EN),
            "--metrics",
            "comet",
            "--comet-gpus",
            "4",
            "--no-cache",
        ],
        2,
        "--comet-gpus 4: this machine has",
    ),
]
