"""tqcheck compare: systems side by side, with deltas, confidence intervals and significance."""

from __future__ import annotations

import json
from typing import Annotated, Optional

import typer

from ..atomic import write_text_atomic
from ..compare import compare_reports
from ..gate import check_significance_settings
from ..iopaths import RunFiles
from ..metrics.registry import parse_metric_names
from ..report.json_report import comparison_to_dict, read_json_report
from ..report.markdown import comparison_to_markdown
from ..report.terminal import render_comparison
from . import options as o


def compare(
    reports: Annotated[
        list[str],
        typer.Argument(
            metavar="BASELINE.json OTHER.json...",
            help="JSON reports of the same documents (written with --json); the first is the baseline.",
        ),
    ],
    metrics: Annotated[
        Optional[str],
        typer.Option("--metrics", help="Comma-separated metrics to compare (default: every metric all reports have)."),
    ] = None,
    significance: Annotated[
        Optional[str],
        typer.Option(
            "--significance",
            metavar="bs|ar",
            help="Paired test between systems: bs = sacrebleu's paired bootstrap (default, 1000 resamples), ar = approximate randomization (10000 trials). The seed is SACREBLEU_SEED (default 12345).",
            show_default=False,
        ),
    ] = None,
    samples: Annotated[
        Optional[int],
        typer.Option("--samples", help="Resamples (bs) or trials (ar) for the paired test.", show_default=False),
    ] = None,
    alpha: Annotated[
        Optional[float],
        typer.Option(
            "--alpha",
            help="Significance level for calling a difference or a winner (default 0.05).",
            show_default=False,
        ),
    ] = None,
    json_path: Annotated[Optional[str], typer.Option("--json", help="Write the comparison as JSON.")] = None,
    markdown: Annotated[Optional[str], typer.Option("--markdown", help="Write the comparison as Markdown.")] = None,
) -> None:
    """Compare systems on the same documents: score ± 95% CI, delta and p-value against the first, winner per metric."""
    run = RunFiles().read("BASELINE.json/OTHER.json", *reports)
    run.write("--json", json_path).write("--markdown", markdown).check()
    test, alpha = (significance or "bs").lower(), alpha if alpha is not None else 0.05
    check_significance_settings(test, samples, alpha)
    loaded = [(path, read_json_report(path)) for path in reports]
    comparison = compare_reports(
        loaded,
        metrics=parse_metric_names(metrics) if metrics else None,
        test=test,
        samples=samples or 0,
        alpha=alpha,
    )
    if json_path is not None:
        write_text_atomic(json_path, json.dumps(comparison_to_dict(comparison), ensure_ascii=False, indent=2) + "\n")
    if markdown is not None:
        write_text_atomic(markdown, comparison_to_markdown(comparison))
    render_comparison(comparison, o.console())
