"""Full-size models with random weights: the architecture (and so the compute) of the real ones.

    python bench/full_size_models.py OUT_DIR [comet] [marian]

- OUT_DIR/comet-large: a COMET RegressionMetric over an XLM-R-large-shaped encoder (24 layers,
  hidden 1024, 16 heads, FFN 4096, 250,002-row embedding table; estimator 3072-1024), as
  Unbabel/wmt22-comet-da. About 2.2 GB.
- OUT_DIR/marian-sv-en-base: an opus-mt-shaped MarianMT (6+6 layers, d_model 512, 8 heads,
  FFN 2048, vocabulary 58,101 incl. the output layer).

The tokenizers are real sentencepiece models trained on the seed pair; their vocabularies are
smaller than the real ones, so texts split into somewhat more tokens (the benchmarks report
tokens per segment). Nothing is downloaded."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def seed_lines(name: str) -> list[str]:
    return [x for x in (ROOT / "seeds" / name).read_text(encoding="utf-8").split("\n") if x.strip()]


def corpus() -> tuple[list[str], list[str]]:
    sv = seed_lines("russia-china-espionage.sv.txt")
    en = seed_lines("russia-china-espionage.en.txt")
    mt = [
        x
        for x in (ROOT / "tests" / "data" / "russia-china-espionage.sv-en.apertium.txt")
        .read_text(encoding="utf-8")
        .split("\n")
        if x.strip()
    ]
    return sv, en + mt


def build_comet_large(out: Path) -> Path:
    from tiny_models import build_comet, build_xlmr_encoder

    sv, en = corpus()
    encoder = build_xlmr_encoder(
        out / "xlmr-large",
        sv + en,
        vocab_size=4000,
        hidden=1024,
        layers=24,
        heads=16,
        intermediate=4096,
        model_vocab_size=250_002,
    )
    build_comet(out / "comet-large", encoder, hidden_sizes=(3072, 1024))
    return out / "comet-large"


def build_marian_base(out: Path) -> Path:
    from tiny_models import build_marian

    sv, en = corpus()
    return build_marian(
        out / "marian-sv-en-base",
        sv,
        en,
        vocab_size=4000,
        d_model=512,
        layers=6,
        heads=8,
        ffn=2048,
        model_vocab_size=58_101,
        max_length=512,
    )


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    target = Path(sys.argv[1]).resolve()
    which = set(sys.argv[2:]) or {"comet", "marian"}
    if "comet" in which:
        print("--comet-model", build_comet_large(target))
    if "marian" in which:
        print("--model", build_marian_base(target))
