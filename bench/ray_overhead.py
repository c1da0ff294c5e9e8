"""What Ray costs and gives: the same work locally and on a local Ray, side by side in one process,
median of 3.

- machine translation through the local engine and through ``RayTranslator`` (1 and 2 actors);
  the model is a tiny random-weight Marian (bench/build_random_models.py or the tests' builder), so
  the figures are Ray's own overhead per run and per batch, from which the break-even follows;
- ``--documents N``: aligning N GNOME help pages (bench/alignment_data.py, with their Apertium MT)
  in this process and as Ray tasks, and BLEU+chrF+TER statistics of their segments in this
  process, in local worker processes and as Ray tasks.

    python bench/ray_overhead.py MODEL_DIR [--segments 22 2000] [--repeats 3] [--documents 262]
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
    parser.add_argument("--documents", type=int, default=0, help="also alignment and statistics of N pages")
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
    if options.documents:
        documents_and_statistics(options.documents, options.repeats)


def documents_and_statistics(count: int, repeats: int) -> None:
    """Alignment per document and sacrebleu statistics per block: here, and as Ray tasks."""
    sys.path.insert(0, str(Path(__file__).parent))
    from alignment_accuracy import apertium
    from alignment_data import clean_pairs, fetch_pages

    from tqcheck.align import DynamicProgrammingAligner
    from tqcheck.documents import document_from_texts
    from tqcheck.executor import InProcess, LocalProcesses, RayTasks
    from tqcheck.metrics.sacrebleu_metrics import STATISTICS_BLOCK, block_statistics
    from tqcheck.pipeline import align_many

    data = Path("/tmp/tqcheck-align-data")
    pairs = clean_pairs(fetch_pages(data))[:count]
    jobs = [
        (document_from_texts(p.source, "sv"), document_from_texts(p.reference, "en"), apertium(p.source, data / "mt"))
        for p in pairs
    ]
    hyps = [t for job in jobs for t in job[2]] * 10  # 10 copies: ~29,000 segments at 262 pages
    refs = [t for p in pairs for t in p.reference[: len(p.source)] + [""] * (len(p.source) - len(p.reference))] * 10
    blocks = [
        (name, "en", hyps[k : k + STATISTICS_BLOCK], refs[k : k + STATISTICS_BLOCK])
        for name in ("bleu", "chrf", "ter")
        for k in range(0, len(hyps), STATISTICS_BLOCK)
    ]
    aligner = DynamicProgrammingAligner()
    runners = {"this process": InProcess(), "2 local processes": LocalProcesses(2), "Ray tasks": RayTasks(None)}
    print(f"\n| work | {' | '.join(runners)} |\n|---|" + "---|" * len(runners))
    for what, run in (
        (f"align {len(jobs)} documents", lambda r: align_many(aligner, jobs, None, runner=r)),
        (f"BLEU+chrF+TER statistics, {len(hyps)} segments", lambda r: r.map(block_statistics, blocks)),
    ):
        times: dict[str, list[float]] = {name: [] for name in runners}
        results = {}
        for _ in range(repeats):
            for name, runner in runners.items():
                if what.startswith("align") and isinstance(runner, LocalProcesses):
                    continue  # alignment runs in this process or on Ray
                started = time.perf_counter()
                results[name] = run(runner)
                times[name].append(time.perf_counter() - started)
        same = len({repr([a.to_dict() if hasattr(a, "to_dict") else a for a in r]) for r in results.values()}) == 1
        cells = [f"{statistics.median(t):.2f} s" if t else "–" for t in times.values()]
        print(f"| {what} | " + " | ".join(cells) + f" |  identical results: {same}")


if __name__ == "__main__":
    main()
