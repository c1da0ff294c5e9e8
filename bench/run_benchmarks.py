"""Benchmarks, side by side in one run each; results as Markdown tables on stdout and as JSON.

    python bench/run_benchmarks.py MODELS_DIR OUT.json [startup] [score] [cached] [mt] [comet]

MODELS_DIR holds the full-size random-weight models from bench/full_size_models.py. Every timing
is a median over --repeats runs; ratios compare medians taken in the same invocation. Not part
of the test run: these take minutes, and their numbers belong in bench/RESULTS.md."""

from __future__ import annotations

import json
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
BIN = Path(PYTHON).parent
SEEDS = ROOT / "seeds"
SV, EN = SEEDS / "russia-china-espionage.sv.txt", SEEDS / "russia-china-espionage.en.txt"
APERTIUM_MT = ROOT / "tests" / "data" / "russia-china-espionage.sv-en.apertium.txt"
ENV = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}


def lines(path: Path) -> list[str]:
    return [x for x in path.read_text(encoding="utf-8").split("\n") if x.strip()]


def sentences(path: Path) -> list[str]:
    return [s for line in lines(path) for s in re.split(r"(?<=[.!?])\s+", line) if len(s.split()) > 3]


def timed(command: list[str], env: dict | None = None) -> tuple[float, int, subprocess.CompletedProcess]:
    """Wall seconds and peak resident memory (KiB, from GNU time) of one command."""
    started = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-f", "%M", *command], capture_output=True, text=True, env=env or ENV)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"failed ({done.returncode}): {' '.join(command)}\n{done.stderr[-2000:]}")
    peak = int(done.stderr.strip().splitlines()[-1])
    return seconds, peak, done


def median_run(command: list[str], repeats: int, env: dict | None = None) -> dict:
    runs = [timed(command, env) for _ in range(repeats)]
    return {
        "seconds": statistics.median(r[0] for r in runs),
        "all_seconds": [round(r[0], 3) for r in runs],
        "peak_mib": round(max(r[1] for r in runs) / 1024, 1),
        "stdout": runs[-1][2].stdout,
    }


def alternating(commands: dict[str, list[str]], repeats: int, env: dict | None = None) -> dict[str, dict]:
    """Each command once per round, in turn, for ``repeats`` rounds: what the machine does meanwhile
    weighs on both sides alike. The median and peak memory of each."""
    runs: dict[str, list] = {name: [] for name in commands}
    for _ in range(repeats):
        for name, command in commands.items():
            runs[name].append(timed(command, env))
    return {
        name: {
            "seconds": statistics.median(r[0] for r in found),
            "all_seconds": [round(r[0], 3) for r in found],
            "peak_mib": round(max(r[1] for r in found) / 1024, 1),
            "stdout": found[-1][2].stdout,
        }
        for name, found in runs.items()
    }


def bench_startup(results: dict, repeats: int) -> None:
    runs = alternating(
        {"tqcheck --help": [str(BIN / "tqcheck"), "--help"], "sacrebleu --help": [str(BIN / "sacrebleu"), "--help"]},
        repeats,
    )
    results["startup"] = {name: {k: v for k, v in run.items() if k != "stdout"} for name, run in runs.items()}
    ours, theirs = runs["tqcheck --help"]["seconds"], runs["sacrebleu --help"]["seconds"]
    print(
        f"| `tqcheck --help` | {ours:.3f} s (median of {repeats}); `sacrebleu --help` {theirs:.3f} s | target ≤ 0.2 s |"
    )


def bench_missing_model(results: dict, repeats: int, work: Path) -> None:
    """`tqcheck check` on the seeds with no hub and an empty model cache: how fast it says so (exit 3)."""
    env = {**ENV, "HF_HOME": str(work / "empty-hf-home"), "HF_HUB_OFFLINE": "1"}
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        done = subprocess.run([str(BIN / "tqcheck"), "check", "--no-cache"], capture_output=True, text=True, env=env)
        times.append(time.perf_counter() - started)
        assert done.returncode == 3, done.stderr
    results["missing_model"] = {"seconds": statistics.median(times), "all_seconds": [round(x, 3) for x in times]}
    print(f"| `tqcheck check`, no hub, no cached model: exit 3 | {statistics.median(times):.3f} s | target < 1 s |")


def bench_score(results: dict, repeats: int, work: Path, count: int = 100_000) -> None:
    """BLEU+chrF+TER: tqcheck score against the sacrebleu CLI, alternating, on ``count`` lines."""
    rnd = random.Random(0)
    hyp, ref = lines(APERTIUM_MT)[:20], lines(EN)[1:21]
    hyps, refs = [], []
    for _ in range(count):
        k = rnd.randrange(20)
        words = hyp[k].split()
        start = rnd.randrange(len(words))
        hyps.append(" ".join(words[start : start + 25]))
        refs.append(" ".join(ref[k].split()[start : start + 25]) or "x")
    (work / "hyp.txt").write_text("\n".join(hyps) + "\n", encoding="utf-8")
    (work / "ref.txt").write_text("\n".join(refs) + "\n", encoding="utf-8")
    runs = alternating(
        {
            "sacrebleu": [
                str(BIN / "sacrebleu"),
                str(work / "ref.txt"),
                "-i",
                str(work / "hyp.txt"),
                "-m",
                "bleu",
                "chrf",
                "ter",
                "-b",
                "-w",
                "4",
            ],
            "tqcheck": [
                str(BIN / "tqcheck"),
                "score",
                "--hyp",
                str(work / "hyp.txt"),
                "--ref",
                str(work / "ref.txt"),
                "--metrics",
                "bleu,chrf,ter",
                "--tgt-lang",
                "en",
                "--no-cache",
                "--json",
                str(work / "score.json"),
            ],
        },
        repeats,
    )
    sacrebleu, tqcheck = runs["sacrebleu"], runs["tqcheck"]
    ours = json.loads((work / "score.json").read_text())["directions"][0]["scores"]
    theirs = [float(x) for x in json.loads(sacrebleu["stdout"])]  # `sacrebleu -b` prints a JSON list of scores
    same = all(abs(round(ours[m]["score"], 4) - v) < 1e-4 for m, v in zip(("bleu", "chrf", "ter"), theirs))
    ratio = tqcheck["seconds"] / sacrebleu["seconds"]
    results[f"score_{count}"] = {
        "segments": count,
        "sacrebleu": {k: v for k, v in sacrebleu.items() if k != "stdout"},
        "tqcheck": {k: v for k, v in tqcheck.items() if k != "stdout"},
        "time_ratio": round(ratio, 3),
        "same_scores": same,
    }
    print(
        f"| BLEU+chrF+TER, {count:,} segments | sacrebleu CLI {sacrebleu['seconds']:.1f} s, {sacrebleu['peak_mib']:.0f} MiB | "
        f"tqcheck score {tqcheck['seconds']:.1f} s, {tqcheck['peak_mib']:.0f} MiB | {1 / ratio:.2f}× the CLI's speed; same scores: {same} |"
    )


def bench_cached(results: dict, repeats: int, work: Path) -> None:
    cache = work / "cache"
    command = [
        str(BIN / "tqcheck"),
        "check",
        "--direction",
        "sv-en",
        "--engine",
        "command",
        "--command",
        "apertium -u swe-isl | apertium -u isl-eng",
        "--metrics",
        "bleu,chrf,ter",
        "--cache-dir",
        str(cache),
    ]
    cold = median_run(command + ["--no-cache"], repeats)
    timed(command)  # fill the cache
    warm = median_run(command, repeats)
    results["cached_check"] = {
        "uncached": {k: v for k, v in cold.items() if k != "stdout"},
        "cached": {k: v for k, v in warm.items() if k != "stdout"},
        "speedup": round(cold["seconds"] / warm["seconds"], 2),
    }
    print(
        f"| seed check sv→en (Apertium, BLEU/chrF/TER) | uncached {cold['seconds']:.2f} s | cached {warm['seconds']:.2f} s | "
        f"{cold['seconds'] / warm['seconds']:.1f}× (target cached ≤ 1 s) |"
    )


def _translate_speed(engine: str, options: dict, texts: list[str], repeats: int) -> dict:
    code = (
        "import json, sys, time\nfrom tqcheck.translate import create_translator\n"
        f"texts = {texts!r}\n"
        f"t = create_translator({engine!r}, {options!r})\n"
        "started = time.perf_counter(); t.translate(texts[:4], 'sv', 'en'); load = time.perf_counter() - started\n"
        "runs = []\n"
        f"for _ in range({repeats}):\n"
        "    started = time.perf_counter(); out = t.translate(texts, 'sv', 'en'); runs.append(time.perf_counter() - started)\n"
        "print(json.dumps({'load_and_first': load, 'runs': runs, 'words': sum(len(o.split()) for o in out) / len(out)}))\n"
    )
    seconds, peak, done = timed([PYTHON, "-c", code])
    data = json.loads(done.stdout.strip().splitlines()[-1])
    median = statistics.median(data["runs"])
    return {
        "sentences_per_s": round(len(texts) / median, 2),
        "median_s": round(median, 3),
        "runs": [round(r, 3) for r in data["runs"]],
        "peak_mib": round(peak / 1024, 1),
        "load_s": round(data["load_and_first"], 2),
        "words_per_output": round(data["words"], 1),
    }


def bench_mt(results: dict, repeats: int, models: Path, count: int = 64, new_tokens: int = 64) -> None:
    texts = (sentences(SV) * 10)[:count]
    texts = [f"{t} ({k})" for k, t in enumerate(texts)]  # all distinct: nothing is deduplicated
    model = str(models / "marian-sv-en-base" / "model")
    pinned = {"max_new_tokens": new_tokens, "min_new_tokens": new_tokens}
    rows = {
        "marian (transformers, fp32, batch 16)": _translate_speed(
            "marian", {"model": model, "device": "cpu", "batch_size": 16, **pinned}, texts, repeats
        ),
        "marian (transformers, fp32, batch 64)": _translate_speed(
            "marian", {"model": model, "device": "cpu", "batch_size": 64, **pinned}, texts, repeats
        ),
        "ctranslate2 (int8, batch 32)": _translate_speed(
            "ctranslate2", {"model": model, "device": "cpu", "batch_size": 32, **pinned}, texts, repeats
        ),
        "ctranslate2 (int8, batch 64)": _translate_speed(
            "ctranslate2", {"model": model, "device": "cpu", "batch_size": 64, **pinned}, texts, repeats
        ),
        "ctranslate2 (float32, batch 64)": _translate_speed(
            "ctranslate2", {"model": model, "device": "cpu", "compute_type": "float32", **pinned}, texts, repeats
        ),
    }
    base = rows["marian (transformers, fp32, batch 16)"]["sentences_per_s"]
    best = rows["marian (transformers, fp32, batch 64)"]["sentences_per_s"]
    for row in rows.values():
        row["ratio_vs_marian_batch16"] = round(row["sentences_per_s"] / base, 2)
        row["ratio_vs_marian_batch64"] = round(row["sentences_per_s"] / best, 2)
    results["mt_cpu"] = {"sentences": count, "new_tokens": new_tokens, "engines": rows}
    for name, row in rows.items():
        print(
            f"| {name} | {row['sentences_per_s']:.2f} sentences/s | {row['ratio_vs_marian_batch16']:.2f}× | {row['ratio_vs_marian_batch64']:.2f}× | "
            f"peak {row['peak_mib']:.0f} MiB | load {row['load_s']:.1f} s |"
        )


def bench_comet(results: dict, repeats: int, models: Path, work: Path, count: int = 48) -> None:
    checkpoint = models / "comet-large" / "checkpoints" / "model.ckpt"
    src, mt, ref = sentences(SV), sentences(APERTIUM_MT), sentences(EN)
    size = min(len(src), len(mt), len(ref))
    rows = [(src[k % size], mt[k % size], ref[k % size]) for k in range(count)]
    rows = [(s, f"{m} ({k})", r) for k, (s, m, r) in enumerate(rows)]  # distinct triples
    for name, column in (("src", 0), ("mt", 1), ("ref", 2)):
        (work / f"{name}.txt").write_text("\n".join(r[column] for r in rows) + "\n", encoding="utf-8")
    runs = alternating(
        {
            "comet-score": [
                str(BIN / "comet-score"),
                "-s",
                str(work / "src.txt"),
                "-t",
                str(work / "mt.txt"),
                "-r",
                str(work / "ref.txt"),
                "--model",
                str(checkpoint),
                "--gpus",
                "0",
                "--batch_size",
                "16",
                "--quiet",
                "--only_system",
            ],
            "tqcheck": [
                str(BIN / "tqcheck"),
                "score",
                "--src",
                str(work / "src.txt"),
                "--hyp",
                str(work / "mt.txt"),
                "--ref",
                str(work / "ref.txt"),
                "--src-lang",
                "sv",
                "--tgt-lang",
                "en",
                "--metrics",
                "comet",
                "--comet-model",
                str(checkpoint),
                "--comet-batch-size",
                "16",
                "--comet-gpus",
                "0",
                "--no-cache",
                "--json",
                str(work / "comet.json"),
            ],
        },
        repeats,
    )
    comet, ours = runs["comet-score"], runs["tqcheck"]
    their_score = float(comet["stdout"].strip().split()[-1])
    our_score = json.loads((work / "comet.json").read_text())["directions"][0]["scores"]["comet"]["score"]
    results["comet_cpu"] = {
        "segments": count,
        "comet-score": {k: v for k, v in comet.items() if k != "stdout"},
        "tqcheck": {k: v for k, v in ours.items() if k != "stdout"},
        "throughput_ratio": round(comet["seconds"] / ours["seconds"], 2),
        "system_score": {"comet-score": their_score, "tqcheck": our_score, "abs_diff": abs(their_score - our_score)},
    }
    print(
        f"| COMET (XLM-R-large shape), {count} segments, CPU | comet-score {count / comet['seconds']:.2f} seg/s, {comet['peak_mib']:.0f} MiB | "
        f"tqcheck {count / ours['seconds']:.2f} seg/s, {ours['peak_mib']:.0f} MiB | {comet['seconds'] / ours['seconds']:.2f}× | "
        f"|Δ system score| {abs(their_score - our_score):.1e} |"
    )


def main() -> None:
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    models, out = Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve()
    which = set(sys.argv[3:]) or {"startup", "missing", "score2k", "score", "cached", "mt", "comet"}
    repeats = int(os.environ.get("BENCH_REPEATS", "3"))
    results = json.loads(out.read_text()) if out.exists() else {}
    results["machine"] = {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
    }
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        if "startup" in which:
            bench_startup(results, max(repeats, 5))
        if "missing" in which:
            bench_missing_model(results, repeats, work)
        if "score2k" in which:
            bench_score(results, repeats, work, count=2000)
        if "score" in which:
            bench_score(results, repeats, work)
        if "cached" in which:
            bench_cached(results, repeats, work)
        if "mt" in which:
            bench_mt(results, repeats, models)
        if "comet" in which:
            bench_comet(results, repeats, models, work)
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
