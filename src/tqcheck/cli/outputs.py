"""What check and score share after scoring: the gate, the report files, the terminal, the exit code."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import typer

from ..config import Config
from ..errors import InputError
from ..gate import GatePolicy, evaluate_gate
from ..iopaths import RunFiles
from ..report.json_report import read_json_report, write_json_report
from ..report.junit import write_junit
from ..report.markdown import append_step_summary, write_markdown
from ..report.model import Report
from ..report.terminal import render_report
from . import options as o
from .app import EXIT_GATE_FAILED


@dataclass
class Outputs:
    json: str | None = None
    junit: str | None = None
    markdown: str | None = None
    html: str | None = None


def gate_policy(
    config: Config,
    *,
    fail_under,
    fail_over,
    max_drop,
    baseline,
    significance,
    samples,
    alpha,
    update_baseline: bool | None = None,
    resample: str | None = None,
) -> GatePolicy:
    """Gate policy from flags over the settings file. With --update-baseline the baseline is where
    this run's report goes, not something to compare with."""
    path = config.pick("baseline", baseline)
    origin = "--baseline" if baseline is not None else (config.where("baseline") if path else None)
    limits = config.limits(fail_under or (), fail_over or (), max_drop or ())
    if update_baseline:
        if not path:
            raise InputError(
                "--update-baseline writes the baseline this run names: pass --baseline PATH, or set "
                'baseline = "PATH" in tqcheck.toml'
            )
        return GatePolicy(
            limits=[limit for limit in limits if limit.kind != "max_drop"],
            baseline=None,
            test=str(config.pick("significance", significance, "bs")).lower(),
            samples=config.pick("samples", samples, None),
            alpha=float(config.pick("alpha", alpha, 0.05)),
            baseline_origin=origin,
            update_baseline=path,
            resample=str(config.pick("resample", resample, "segments")).lower(),
        )
    return GatePolicy(
        limits=limits,
        baseline=path,
        test=str(config.pick("significance", significance, "bs")).lower(),
        samples=config.pick("samples", samples, None),
        alpha=float(config.pick("alpha", alpha, 0.05)),
        baseline_origin=origin,
        resample=str(config.pick("resample", resample, "segments")).lower(),
    )


def read_baseline(policy: GatePolicy) -> Report | None:
    """Read the baseline before any expensive work, so a bad one fails in a second. A baseline that
    does not exist yet says how to make it, and where its path came from."""
    if not policy.baseline:
        return None
    if not Path(policy.baseline).expanduser().exists():
        raise InputError(
            f"baseline {policy.baseline} (from {policy.baseline_origin or '--baseline'}) does not exist yet; "
            "make it once with the same command and --update-baseline (it writes this run's report "
            "there), then commit it"
        )
    return read_json_report(policy.baseline, role="baseline")


def outputs(config: Config, json_path, junit, markdown, html=None) -> Outputs:
    """The report files to write (flags over the settings file)."""
    return Outputs(
        config.pick("json", json_path),
        config.pick("junit", junit),
        config.pick("markdown", markdown),
        config.pick("html", html),
    )


def run_files(config: Config, files: Outputs, policy: GatePolicy | None = None) -> RunFiles:
    """The reads and writes every reporting command shares: settings file, baseline, report files and
    the GitHub job summary. The command adds its own inputs, then calls ``check()`` before the work."""
    run = RunFiles()
    if config.path is not None:
        run.read("--config", config.path)
    if policy is not None:
        run.read("--baseline", policy.baseline)
        if policy.update_baseline:
            Path(policy.update_baseline).expanduser().parent.mkdir(parents=True, exist_ok=True)
            run.write("--update-baseline", policy.update_baseline)
    for flag, path in (
        ("--json", files.json),
        ("--html", files.html),
        ("--junit", files.junit),
        ("--markdown", files.markdown),
    ):
        run.write(flag, path)
    return run.append("$GITHUB_STEP_SUMMARY", os.environ.get("GITHUB_STEP_SUMMARY"))


def _say_written(console, paths: list[str]) -> None:
    """One line per file written, so a CI log shows where the reports went."""
    for path in paths:
        console.print(f"wrote {path}", highlight=False, markup=False, soft_wrap=True)


def finish(report: Report, policy: GatePolicy, baseline: Report | None, files: Outputs) -> None:
    """Judge the report, write every requested file (even when the baseline turns out not to be
    comparable, so nothing computed is lost), show it, and exit 1 when the gate failed."""
    refusal: InputError | None = None
    if policy.active:
        try:
            report.gate = evaluate_gate(report, policy, baseline)
        except InputError as error:
            refusal = error
    written: list[str] = []
    if files.json is not None:
        write_json_report(report, files.json)
        written.append(files.json)
    if files.html is not None:
        from ..report.html import write_html_report

        write_html_report(report, files.html)
        written.append(files.html)
    console = o.console()
    if refusal is not None:
        render_report(report, console)
        _say_written(console, written)
        raise refusal
    if files.junit is not None:
        write_junit(report, files.junit)
        written.append(files.junit)
    if files.markdown is not None:
        write_markdown(report, files.markdown)
        written.append(files.markdown)
    summary_problem = append_step_summary(report)
    render_report(report, console)
    _say_written(console, written)
    if summary_problem:
        typer.echo(f"tqcheck: warning: {summary_problem}", err=True)
    if report.gate is not None and not report.gate.passed:
        if policy.update_baseline:
            typer.echo(
                f"tqcheck: the baseline {policy.update_baseline} was not written: this run fails its thresholds",
                err=True,
            )
        typer.echo(f"tqcheck: {report.gate.verdict()}", err=True)
        raise typer.Exit(EXIT_GATE_FAILED)
    if policy.update_baseline:
        write_json_report(report, policy.update_baseline)
        console.print(
            f"wrote the baseline {policy.update_baseline} (from {policy.baseline_origin})", markup=False, soft_wrap=True
        )
