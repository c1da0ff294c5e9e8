"""Throughput of the openai engine against a local OpenAI-compatible server that takes 200 ms per
request (an LLM's latency, without its compute), at concurrency 1, 8 and 32: segments per second,
median of three runs each, measured side by side in one process. Shows that the request pool works
(each request is one segment) and where it stops helping.

    python bench/openai_concurrency.py [--segments 96] [--latency 0.2] [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from tqcheck.translate import create_translator

TESTS = Path(__file__).parents[1] / "tests"
# The server runs in a process of its own, so that it does not share the client's interpreter lock.
SERVER = """
import sys, time
sys.path.insert(0, {tests!r})
from api_servers import FakeAPI
api = FakeAPI(str.upper, latency={latency})
api.__enter__()
print(api.url, flush=True)
while True:
    time.sleep(3600)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--segments", type=int, default=96)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8, 32])
    options = parser.parse_args()
    os.environ.setdefault("OPENAI_API_KEY", "local")
    texts = [f"Mening nummer {k} i testet." for k in range(options.segments)]
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER.format(tests=str(TESTS), latency=options.latency)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        url = server.stdout.readline().strip()  # type: ignore[union-attr]
        rates: dict[int, list[float]] = {c: [] for c in options.concurrency}
        for _ in range(options.repeats):  # interleaved: every setting sees the same machine
            for concurrency in options.concurrency:
                engine = create_translator(
                    "openai", {"model": "bench", "base_url": f"{url}/v1", "concurrency": concurrency}
                )
                started = time.perf_counter()
                engine.translate(texts, "sv", "en")
                rates[concurrency].append(len(texts) / (time.perf_counter() - started))
    finally:
        server.kill()
    base = statistics.median(rates[options.concurrency[0]])
    print(f"{options.segments} segments, {options.latency * 1000:.0f} ms per request, median of {options.repeats}")
    print("| concurrency | segments/s | × concurrency 1 | ideal (latency-bound) |")
    print("|---|---|---|---|")
    for concurrency in options.concurrency:
        rate = statistics.median(rates[concurrency])
        ideal = min(concurrency, options.segments) / options.latency
        print(f"| {concurrency} | {rate:.1f} | {rate / base:.1f}× | {ideal:.0f} |")


if __name__ == "__main__":
    main()
