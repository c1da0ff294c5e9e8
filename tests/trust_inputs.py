"""The inputs the trust cases build: seed copies, damaged reports, settings files, long pairs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

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
