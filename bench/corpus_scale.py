"""Corpus scale: N synthetic documents of 50 paragraphs, checked as a corpus (two folders) and the
same segments checked as one pair of files, side by side in one run: wall time and peak memory.

The documents are drawn from data nobody here wrote: the Swedish/English GNOME help paragraphs of
``alignment_data`` (Debian packages), each document 50 random gold pairs, a third of them with an
English-only title; the MT is Apertium's (sv→en, made once per unique paragraph and kept in the
data folder), given to tqcheck through the file engine so that the measure is tqcheck's own work.

    python bench/corpus_scale.py [--docs 100 1000] [--repeats 3] [--comet /tmp/tinym/comet]

``--comet`` adds a run with that (tiny, random-weight) COMET checkpoint.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from alignment_data import clean_pairs, fetch_pages

DATA = Path(tempfile.gettempdir()) / "tqcheck-align-data"
PARAGRAPHS = 50
APERTIUM = "apertium -u swe-isl | apertium -u isl-eng"


def gold_with_mt() -> list[tuple[str, str, str]]:
    """Every gold (sv, en) pair of the GNOME pages with the Apertium MT of its Swedish side."""
    pairs = [(s, e) for page in clean_pairs(fetch_pages(DATA)) for s, e in zip(page.source, page.reference)]
    store = DATA / "apertium-sv-en.json"
    made = json.loads(store.read_text()) if store.exists() else {}
    todo = sorted({s for s, _ in pairs} - set(made))
    if todo:
        done = subprocess.run(
            APERTIUM, shell=True, input="\n".join(todo) + "\n", capture_output=True, text=True, check=True
        )
        made.update(zip(todo, done.stdout.split("\n")))
        store.write_text(json.dumps(made, ensure_ascii=False))
    return [(s, e, " ".join(made[s].split()) or s) for s, e in pairs]


def build(root: Path, docs: int, pool: list[tuple[str, str, str]], seed: int = 1) -> None:
    """``docs`` documents in corpus/{sv,en,mt}/ and the same lines concatenated in one/{sv,en,mt}.txt."""
    rng = random.Random(seed)
    whole: dict[str, list[str]] = {"sv": [], "en": [], "mt": []}
    for k in range(docs):
        chosen = [rng.choice(pool) for _ in range(PARAGRAPHS)]
        sides = {"sv": [s for s, _, _ in chosen], "en": [e for _, e, _ in chosen], "mt": [m for _, _, m in chosen]}
        if k % 3 == 0:
            sides["en"].insert(0, "Overview")
        for side, lines in sides.items():
            path = root / "corpus" / side / f"d{k // 100:02d}" / f"doc{k:05d}.txt"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
            whole[side] += lines
    (root / "one").mkdir(parents=True, exist_ok=True)
    for side, lines in whole.items():
        (root / "one" / f"{side}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


def run(args: list[str]) -> tuple[float, float, dict]:
    """One tqcheck check in a fresh process: seconds, peak RSS in MB (GNU time), and its JSON report."""
    with tempfile.TemporaryDirectory() as out:
        report = Path(out) / "r.json"
        started = time.perf_counter()
        done = subprocess.run(
            ["/usr/bin/time", "-f", "%M", sys.executable, "-m", "tqcheck", "check", *args, "--json", str(report)],
            capture_output=True,
            text=True,
        )
        seconds = time.perf_counter() - started
        if done.returncode != 0:
            raise SystemExit(done.stderr[-2000:])
        peak = int(done.stderr.strip().splitlines()[-1]) / 1024
        return seconds, peak, json.loads(report.read_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--comet", help="a COMET checkpoint folder (e.g. from build_random_models.py)")
    options = parser.parse_args()
    pool = gold_with_mt()
    print(f"pool: {len(pool)} gold paragraph pairs from the GNOME help pages", flush=True)
    metric_sets = [("bleu,chrf,ter", [])]
    if options.comet:
        metric_sets.append(("bleu,chrf,ter,comet", ["--comet-model", options.comet]))
    print("| documents | metrics | as a corpus: s, MB | as one pair: s, MB | pooled BLEU corpus / one pair |")
    print("|---|---|---|---|---|")
    for docs in options.docs:
        with tempfile.TemporaryDirectory() as folder:
            root = Path(folder)
            build(root, docs, pool)
            for metrics, extra in metric_sets:
                common = ["--engine", "file", "--no-cache", "--metrics", metrics, *extra]
                corpus_args = [
                    str(root / "corpus" / "sv"),
                    str(root / "corpus" / "en"),
                    "--hypothesis",
                    str(root / "corpus" / "mt"),
                ]
                one_args = [
                    str(root / "one" / "sv.txt"),
                    str(root / "one" / "en.txt"),
                    "--hypothesis",
                    str(root / "one" / "mt.txt"),
                ]
                results: dict[str, list] = {"corpus": [], "one": []}
                for _ in range(options.repeats):  # interleaved, so that both see the same machine load
                    results["corpus"].append(run(corpus_args + common))
                    results["one"].append(run(one_args + common))
                cells = []
                for mode in ("corpus", "one"):
                    seconds = statistics.median(r[0] for r in results[mode])
                    peak = statistics.median(r[1] for r in results[mode])
                    cells.append(f"{seconds:.1f} s, {peak:.0f} MB")
                bleu = [results[m][0][2]["directions"][0]["scores"]["bleu"]["score"] for m in ("corpus", "one")]
                print(
                    f"| {docs} × {PARAGRAPHS} | {metrics} | {cells[0]} | {cells[1]} | {bleu[0]:.2f} / {bleu[1]:.2f} |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
