"""Alignment cost against document length: seconds and peak memory of the aligner alone, without
MT (the no-MT path is the slower one: it scores source/reference evidence only), on documents
built from the seed pair (numbered lines, every 50th reference line deleted).

    python bench/alignment_cost.py 1000 2000 5000
    python bench/alignment_cost.py --hunalign PATH/TO/hunalign 5000     # hunalign on the same pair, side by side

Each size runs in a fresh process, so the peak RSS is that size's own. hunalign (built from
github.com/danielvarga/hunalign, `make` in src/hunalign; this repository neither fetches nor
builds it) runs with an empty dictionary on the same pair, tokenized as in alignment_accuracy.py."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def documents(n: int) -> tuple[list[str], list[str]]:
    sv = [line for line in (SEEDS / "russia-china-espionage.sv.txt").read_text().split("\n") if line.strip()]
    en = [line for line in (SEEDS / "russia-china-espionage.en.txt").read_text().split("\n") if line.strip()]
    source = [f"{k} {sv[k % len(sv)]}" for k in range(n)]
    reference = [f"{k} {en[(k + 1) % len(en)]}" for k in range(n)]
    del reference[::50]
    return source, reference


def hunalign_run(n: int, binary: str) -> dict:
    """hunalign's wall time and peak RSS (of the child) on the same pair."""
    import re
    import tempfile

    source, reference = documents(n)
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        (folder / "null.dic").write_text("")
        for name, lines in (("src", source), ("ref", reference)):
            (folder / name).write_text("\n".join(" ".join(re.findall(r"\w+|[^\w\s]", x)) or "." for x in lines) + "\n")
        started = time.perf_counter()
        out = subprocess.run(
            [binary, "-utf", "null.dic", "src", "ref"], capture_output=True, text=True, check=True, cwd=folder
        )
        seconds = time.perf_counter() - started
    return {
        "lines": n,
        "aligner": "hunalign",
        "seconds": round(seconds, 1),
        "peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024,
        "rungs": len(out.stdout.splitlines()),
    }


def one(n: int) -> dict:
    from tqcheck.align import DynamicProgrammingAligner
    from tqcheck.documents import document_from_texts

    source, reference = documents(n)
    started = time.perf_counter()
    alignment = DynamicProgrammingAligner().align(
        document_from_texts(source, "sv"), document_from_texts(reference, "en"), None
    )
    return {
        "lines": n,
        "seconds": round(time.perf_counter() - started, 1),
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        "pairs": len(alignment.pairs),
    }


if __name__ == "__main__":
    if sys.argv[1] == "--one":
        print(json.dumps(one(int(sys.argv[2]))))
    elif sys.argv[1] == "--hunalign-one":
        print(json.dumps(hunalign_run(int(sys.argv[3]), sys.argv[2])))
    else:
        binary = sys.argv[2] if sys.argv[1] == "--hunalign" else None
        for size in sys.argv[3 if binary else 1 :]:
            out = subprocess.run([sys.executable, __file__, "--one", size], capture_output=True, text=True, check=True)
            print(out.stdout.strip(), flush=True)
            if binary:
                out = subprocess.run(
                    [sys.executable, __file__, "--hunalign-one", binary, size],
                    capture_output=True,
                    text=True,
                    check=True,
                )
                print(out.stdout.strip(), flush=True)
