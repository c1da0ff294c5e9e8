"""Line-parallel versions of the seed pair and their variants, for gate and significance tests.

The hypotheses are Apertium's real MT of the Swedish seed (sv lines 1-20 <-> en lines 2-21);
"degraded" drops every third word (a real quality drop), "noisy" changes two words (noise)."""

from __future__ import annotations

from conftest import APERTIUM_SV_EN, EN, SV, seed_lines

SOURCES = seed_lines(SV)[:20]
REFERENCES = seed_lines(EN)[1:21]
HYPOTHESES = seed_lines(APERTIUM_SV_EN)[:20]
DEGRADED = [" ".join(w for i, w in enumerate(line.split()) if i % 3) for line in HYPOTHESES]
NOISY = list(HYPOTHESES)
NOISY[3] = NOISY[3].replace(" the ", " a ", 1)
NOISY[10] = NOISY[10].replace(" of ", " from ", 1)


def write_parallel(folder) -> dict[str, object]:
    """src.txt, ref.txt, hyp.txt, degraded.txt, noisy.txt in ``folder``."""
    files = {}
    for name, lines in (
        ("src", SOURCES),
        ("ref", REFERENCES),
        ("hyp", HYPOTHESES),
        ("degraded", DEGRADED),
        ("noisy", NOISY),
    ):
        path = folder / f"{name}.txt"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        files[name] = path
    return files
