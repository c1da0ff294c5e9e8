"""Build random-weight models locally with the builders the tests use (tests/tiny_models.py).

    python bench/build_random_models.py OUT_DIR

writes OUT_DIR/marian-sv-en, OUT_DIR/marian-en-sv (MarianMT directories for --model),
OUT_DIR/comet (a COMET checkpoint directory for --comet-model) and OUT_DIR/cometkiwi (a
CometKiwi-shaped quality-estimation checkpoint, unified_metric on [mt, src], for --qe-model:
`tqcheck audit` and `--metrics cometkiwi`), both over a tiny XLM-R encoder.
Random weights: the scores mean nothing, but every loading and scoring path is the real one.
No hub is needed."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def main(out: Path) -> None:
    from tiny_models import build_comet, build_marian, build_xlmr_encoder

    def lines(name: str) -> list[str]:
        return [x for x in (ROOT / "seeds" / name).read_text(encoding="utf-8").split("\n") if x.strip()]

    sv, en = lines("russia-china-espionage.sv.txt"), lines("russia-china-espionage.en.txt")
    marian_sv_en = build_marian(out / "marian-sv-en", sv, en, seed=1)
    marian_en_sv = build_marian(out / "marian-en-sv", en, sv, seed=2)
    encoder = build_xlmr_encoder(out / "xlmr", sv + en)
    comet = build_comet(out / "comet", encoder).parents[1]
    kiwi = build_comet(
        out / "cometkiwi", encoder, class_identifier="unified_metric", input_segments=["mt", "src"]
    ).parents[1]
    print(f"--model sv-en={marian_sv_en},en-sv={marian_en_sv}")
    print(f"--comet-model {comet}")
    print(f"--qe-model {kiwi}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(Path(sys.argv[1]).resolve())
