"""COMET on a gate re-run: the same sources and references, a new MT. The first run encodes every
text; the re-run finds the source and reference embeddings in the cache and encodes only the new
MT (metrics/comet_embeddings.py). Compute only (the model is loaded once before timing), median of
3, each repeat with an empty cache, side by side with comet's own ``model.predict`` (no cache).

    python bench/comet_rerun.py COMET_CHECKPOINT [--segments 48]

Data: the first N GNOME help lines (bench/alignment_data.py) with their English reference and
Apertium's MT as the first system; the second system is the same MT with its last word dropped
(every MT text is new, as after a model change)."""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from alignment_accuracy import apertium
from alignment_data import clean_pairs, fetch_pages
from medians import print_medians

from tqcheck.cache import Cache
from tqcheck.metrics import TranslationTriple
from tqcheck.metrics.comet_metric import CometMetric


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("checkpoint")
    parser.add_argument("--segments", type=int, default=48)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=16)
    options = parser.parse_args()
    data = Path("/tmp/tqcheck-align-data")
    rows: list[tuple[str, str, str]] = []
    for pair in clean_pairs(fetch_pages(data)):
        mt = apertium(pair.source, data / "mt")
        rows += [(s, m, r) for s, m, r in zip(pair.source, mt, pair.reference) if len(s) > 30]
        if len(rows) >= options.segments:
            break
    rows = rows[: options.segments]
    first = [TranslationTriple(s, m, r) for s, m, r in rows]
    second = [TranslationTriple(s, " ".join(m.split()[:-1]) or m + " .", r) for s, m, r in rows]

    def metric(cache=None, fast: bool = True) -> CometMetric:
        return CometMetric(model=options.checkpoint, batch_size=options.batch_size, gpus=0, cache=cache, fast=fast)

    started = time.perf_counter()
    metric().score(first[:1])  # loads the model once (kept for the process)
    print(f"model load: {time.perf_counter() - started:.1f} s")
    times: dict[str, list[float]] = {
        "first run (empty cache)": [],
        "re-run, new MT": [],
        "new MT, comet's model.predict": [],
    }
    diffs = []
    counts = {}
    for _ in range(options.repeats):
        with tempfile.TemporaryDirectory() as folder:
            cache = Cache(folder)
            started = time.perf_counter()
            metric(cache).score(first)
            times["first run (empty cache)"].append(time.perf_counter() - started)
            started = time.perf_counter()
            again = metric(cache).score(second)
            times["re-run, new MT"].append(time.perf_counter() - started)
            counts = again.details["sentence_embeddings"]
            cache.close()
        started = time.perf_counter()
        plain = metric(fast=False).score(second)  # comet's own predict, as comet-score runs it
        times["new MT, comet's model.predict"].append(time.perf_counter() - started)
        diffs.append(max(abs(a - b) for a, b in zip(again.segment_scores, plain.segment_scores)))
    heading = f"{len(rows)} segments, batch {options.batch_size}, median of {options.repeats}"
    print_medians(times, "first run (empty cache)", "COMET compute", heading)
    print(f"re-run: {counts}; largest |segment score difference| to comet's model.predict: {max(diffs):.2e}")


if __name__ == "__main__":
    main()
