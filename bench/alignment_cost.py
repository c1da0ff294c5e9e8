"""Alignment cost against document length: seconds and peak memory of the aligner alone, without
MT (the no-MT path is the slower one: it scores source/reference evidence only), on documents
built from the seed pair (numbered lines, every 50th reference line deleted).

    python bench/alignment_cost.py 1000 2000 5000

Each size runs in a fresh process, so the peak RSS is that size's own."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def one(n: int) -> dict:
    from tqcheck.align import DynamicProgrammingAligner
    from tqcheck.documents import document_from_texts

    sv = [line for line in (SEEDS / "russia-china-espionage.sv.txt").read_text().split("\n") if line.strip()]
    en = [line for line in (SEEDS / "russia-china-espionage.en.txt").read_text().split("\n") if line.strip()]
    source = [f"{k} {sv[k % len(sv)]}" for k in range(n)]
    reference = [f"{k} {en[(k + 1) % len(en)]}" for k in range(n)]
    del reference[::50]
    started = time.perf_counter()
    alignment = DynamicProgrammingAligner().align(document_from_texts(source, "sv"), document_from_texts(reference, "en"), None)
    return {"lines": n, "seconds": round(time.perf_counter() - started, 1),
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024, "pairs": len(alignment.pairs)}


if __name__ == "__main__":
    if sys.argv[1] == "--one":
        print(json.dumps(one(int(sys.argv[2]))))
    else:
        for size in sys.argv[1:]:
            out = subprocess.run([sys.executable, __file__, "--one", size], capture_output=True, text=True, check=True)
            print(out.stdout.strip(), flush=True)
