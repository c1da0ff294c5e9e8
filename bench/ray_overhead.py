"""What Ray costs and gives for machine translation: the same segments through the local engine and
through ``RayTranslator`` (a local Ray, 1 and 2 actors), side by side in one process, median of 3.
The model is a tiny random-weight Marian (bench/build_random_models.py or the tests' builder), so the
figures are Ray's own overhead per run and per batch, from which the break-even on a cluster follows.

    python bench/ray_overhead.py MODEL_DIR [--segments 22 2000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "tests"))
from conftest import SV, seed_lines

from tqcheck.translate import create_translator
from tqcheck.translate.ray_executor import RayTranslator, connect


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("model")
    parser.add_argument("--segments", type=int, nargs="+", default=[22, 2000])
    parser.add_argument("--repeats", type=int, default=3)
    options = parser.parse_args()
    lines = seed_lines(SV)
    started = time.perf_counter()
    connect(None)
    print(f"starting a local Ray: {time.perf_counter() - started:.1f} s (once per run)")
    engines = {
        "local": create_translator("marian", {"model": options.model, "batch_size": 32}),
        "ray, 1 actor": RayTranslator("marian", {"model": options.model}, actors=1, batch_size=32),
        "ray, 2 actors": RayTranslator("marian", {"model": options.model}, actors=2, batch_size=32),
    }
    print("| segments | " + " | ".join(engines) + " |")
    print("|---|" + "---|" * len(engines))
    for count in options.segments:
        texts = [f"{lines[k % len(lines)]} ({k})" for k in range(count)]  # distinct texts
        times: dict[str, list[float]] = {name: [] for name in engines}
        for _ in range(options.repeats):
            for name, engine in engines.items():  # interleaved
                started = time.perf_counter()
                engine.translate(texts, "sv", "en")
                times[name].append(time.perf_counter() - started)
        print(f"| {count} | " + " | ".join(f"{statistics.median(t):.2f} s" for t in times.values()) + " |")


if __name__ == "__main__":
    main()
