"""The one table the side-by-side benchmarks print: each run's median and its ratio to a baseline."""

from __future__ import annotations

import json
import statistics


def print_medians(times: dict[str, list[float]], baseline: str, what: str, heading: str) -> dict[str, float]:
    """Print every run's seconds, then a Markdown table of medians against ``baseline``'s median."""
    medians = {name: statistics.median(values) for name, values in times.items()}
    print(f"{heading}; all runs: " + json.dumps(times))
    print(f"| run | {what} | vs {baseline} |\n|---|---|---|")
    for name, value in medians.items():
        print(f"| {name} | {value:.2f} s | {medians[baseline] / value:.2f}× |")
    return medians
