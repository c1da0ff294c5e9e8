"""How long `--html` takes on a large report, and how big the file gets.

Worst case for the word diff: every segment's MT and reference are independent random draws of
10-60 words from the seed's vocabulary, so nearly every word differs. Median of 3 renders.

    python bench/html_report.py [SEGMENTS]
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path

from tqcheck.metrics.base import MetricResult
from tqcheck.report.html import render_html
from tqcheck.report.model import DirectionReport, Report, SegmentResult

SEED = Path(__file__).resolve().parents[1] / "seeds" / "russia-china-espionage.en.txt"


def main(count: int = 10_000) -> None:
    rng = random.Random(0)
    words = SEED.read_text(encoding="utf-8").split()

    def sentence() -> str:
        return " ".join(rng.choice(words) for _ in range(rng.randint(10, 60)))

    segments = [
        SegmentResult(
            (k,), (k,), sentence(), sentence(), sentence(), {"bleu": rng.random() * 100, "chrf": rng.random() * 100}
        )
        for k in range(1, count + 1)
    ]
    metrics = [MetricResult(m, 50.0, "signature", [s.scores[m] for s in segments]) for m in ("bleu", "chrf")]
    report = Report("check", "bench", "now", [DirectionReport("sv", "en", "a", "b", None, None, metrics, segments)])
    times, size = [], 0
    for _ in range(3):
        started = time.perf_counter()
        size = len(render_html(report).encode("utf-8"))
        times.append(time.perf_counter() - started)
    print(f"{count} segments: median {statistics.median(times):.2f} s, {size / 2**20:.1f} MiB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
