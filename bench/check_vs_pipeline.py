"""`tqcheck check` against the pipeline a user would script by hand, on a 2,000-line pair, first
run and cached re-run, median of 3, alternating in one invocation:

    apertium -u swe-isl | apertium -u isl-eng < sv.txt > mt.txt
    sacrebleu en.txt -i mt.txt -m bleu chrf ter
    comet-score -s sv.txt -t mt.txt -r en.txt --model COMET

The pair: the first 2,000 Swedish lines of the GNOME help pages (bench/alignment_data.py) and their
English originals, line-parallel, so the hand pipeline needs no alignment. COMET is the tiny random
checkpoint of bench/build_random_models.py (the compute of a real one would swamp both sides alike).

    python bench/check_vs_pipeline.py COMET_CHECKPOINT_DIR [--lines 2000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from alignment_data import clean_pairs, fetch_pages
from medians import print_medians

BIN = Path(sys.executable).parent
APERTIUM = "apertium -u swe-isl | apertium -u isl-eng"


def timed(command: str) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, shell=True, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"failed ({done.returncode}): {command}\n{done.stderr[-2000:]}")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("comet")
    parser.add_argument("--lines", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=3)
    options = parser.parse_args()
    checkpoint = next(Path(options.comet).rglob("*.ckpt"))
    sv, en = [], []
    for pair in clean_pairs(fetch_pages(Path("/tmp/tqcheck-align-data"))):
        sv += pair.source
        en += pair.reference
        if len(sv) >= options.lines:
            break
    sv, en = sv[: options.lines], en[: options.lines]
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        (work / "sv.txt").write_text("\n".join(sv) + "\n", encoding="utf-8")
        (work / "en.txt").write_text("\n".join(en) + "\n", encoding="utf-8")
        by_hand = (
            f"cd {work} && {APERTIUM} < sv.txt > mt.txt && {BIN}/sacrebleu en.txt -i mt.txt -m bleu chrf ter -b > /dev/null"
            f" && {BIN}/comet-score -s sv.txt -t mt.txt -r en.txt --model {checkpoint} --gpus 0 --quiet --only_system"
            " > /dev/null"
        )
        check = (
            f"cd {work} && HF_HUB_OFFLINE=1 {BIN}/tqcheck check sv.txt en.txt --direction sv-en --engine command "
            f"--command '{APERTIUM}' --metrics bleu,chrf,ter,comet --comet-model {checkpoint} --comet-gpus 0 "
            f"--cache-dir {work}/cache --json {work}/r.json > /dev/null"
        )
        times: dict[str, list[float]] = {"by hand": [], "tqcheck, first run": [], "tqcheck, cached re-run": []}
        for _ in range(options.repeats):
            times["by hand"].append(timed(by_hand))
            shutil.rmtree(work / "cache", ignore_errors=True)
            times["tqcheck, first run"].append(timed(check))
            times["tqcheck, cached re-run"].append(timed(check))
        report = json.loads((work / "r.json").read_text())["directions"][0]
    medians = print_medians(times, "by hand", "seconds", f"{options.lines} lines, median of {options.repeats}")
    print(f"first run / cached re-run: {medians['tqcheck, first run'] / medians['tqcheck, cached re-run']:.1f}×")
    print("tqcheck's stage seconds (last run):", report["seconds"])
    print("aligned pairs:", report["alignment"]["pairs"], "of", options.lines)


if __name__ == "__main__":
    main()
