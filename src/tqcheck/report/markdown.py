"""A Markdown summary fit for a pull-request comment or GitHub's job summary."""

from __future__ import annotations

import os
from pathlib import Path

from ..atomic import write_text_atomic
from ..metrics.registry import format_delta as _delta
from ..metrics.registry import format_score as _fmt
from ..metrics.registry import label
from .model import Report
from .verdict import GateCheck

KIND = {"fail_under": "≥ {limit}", "fail_over": "≤ {limit}", "max_drop": "drop ≤ {limit}"}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def report_to_markdown(report: Report) -> str:
    gate = report.gate
    if gate is None:
        title = "## tqcheck report"
    else:
        title = "## tqcheck: ✅ quality gate passed" if gate.passed else "## tqcheck: ❌ quality gate failed"
    out = [title, ""]
    checks = gate.checks if gate is not None else []
    with_baseline = any(c.kind == "max_drop" for c in checks)
    header = ["direction", "metric", "score"] + (["baseline", "Δ", "p"] if with_baseline else []) + ["gate", "result"]
    out += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for d in report.directions:
        for m in d.metrics:
            mine: list[GateCheck | None] = [
                c for c in checks if c.direction == d.direction and c.metric == m.name and c.document is None
            ]
            mine = mine or [None]
            for c in mine:
                row = [d.direction, label(m.name), _fmt(m.name, m.score)]
                if with_baseline:
                    drop = c if c is not None and c.kind == "max_drop" else None
                    row += [
                        _fmt(m.name, drop.baseline) if drop else "",
                        _delta(m.name, drop.delta) if drop else "",
                        f"{drop.p_value:.4f}" if drop else "",
                    ]
                if c is None:
                    row += ["", ""]
                else:
                    row += [KIND[c.kind].format(limit=_fmt(m.name, c.limit)), "✅" if c.passed else "❌"]
                out.append("| " + " | ".join(_cell(x) for x in row) + " |")
        for name, reason in d.skipped_metrics.items():
            out.append(f"| {d.direction} | {label(name)} | skipped: {_cell(reason)} |")
    for d in report.directions:
        out += _documents_section(d)
    if gate is not None and gate.failures:
        out += ["", "**Failed checks**", ""]
        out += [f"- {c.direction}: {c.reason}" for c in gate.failures[:20]]
        if len(gate.failures) > 20:
            out.append(f"- … and {len(gate.failures) - 20} more (see the JSON report)")
    if gate is not None and gate.notes:
        out += ["", *[f"> {note}" for note in gate.notes]]
    if gate is not None and gate.test:
        out += [
            "",
            f"Drops are tested with sacrebleu's paired {'bootstrap' if gate.test == 'bs' else 'approximate randomization'} "
            f"({gate.samples} samples, α = {gate.alpha}) against `{gate.baseline}`.",
        ]
    out += ["", "<details><summary>Signatures</summary>", ""]
    for d in report.directions:
        out += [f"- {d.direction} {label(m.name)}: `{m.signature}`" for m in d.metrics]
    out += ["", "</details>", ""]
    return "\n".join(out)


def _documents_section(d) -> list[str]:
    """A corpus direction: its worst documents, and what it did not score."""
    if d.documents is None:
        return []
    worst_by, worst = d.worst_documents(10)
    scored = sum(1 for doc in d.documents if doc.metrics)
    out = ["", f"**{d.direction}: {len(d.documents)} documents, {scored} scored, {len(d.segments)} segments**", ""]
    if worst and worst_by is not None:
        header = ["document", "segments"] + [label(m.name) for m in d.metrics]
        out += [
            f"Worst {len(worst)} by {label(worst_by)}:",
            "",
            "| " + " | ".join(header) + " |",
            "|" + "---|" * len(header),
        ]
        for doc in worst:
            cells = [f"`{doc.name}`", str(doc.segment_count)]
            cells += [_fmt(m.name, doc.metric(m.name).score) if doc.metric(m.name) else "" for m in d.metrics]
            out.append("| " + " | ".join(_cell(x) for x in cells) + " |")
    left_out = [f"- not scored: `{doc.name}`: {doc.not_scored}" for doc in d.documents if doc.not_scored]
    left_out += [f"- {u['side']} only, not scored: `{u['path']}`" for u in d.unpaired_files]
    return out + ([""] + left_out if left_out else [])


def write_markdown(report: Report, path: str | None) -> None:
    """Write the summary to ``path`` (atomically), if one was asked for."""
    if path is not None:
        write_text_atomic(path, report_to_markdown(report))


def append_step_summary(report: Report) -> str | None:
    """Append the summary to $GITHUB_STEP_SUMMARY when GitHub sets it. A failure here is returned as
    a warning, never raised: the job summary is a courtesy and must not change the gate's verdict."""
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if not summary:
        return None
    try:
        with Path(summary).open("a", encoding="utf-8") as stream:
            stream.write(report_to_markdown(report) + "\n")
    except OSError as error:
        return f"GITHUB_STEP_SUMMARY={summary}: the summary was not appended ({error.strerror}); the verdict stands"
    return None


def comparison_to_markdown(comparison) -> str:
    out = [f"## tqcheck compare (baseline: `{comparison.names[0]}`)", ""]
    for direction in dict.fromkeys(r.direction for r in comparison.rows):
        rows = [r for r in comparison.rows if r.direction == direction]
        header = ["system"] + [label(r.metric) for r in rows]
        out += [
            f"### {direction} ({rows[0].segments} paired segments)",
            "",
            "| " + " | ".join(header) + " |",
            "|" + "---|" * len(header),
        ]
        for k, name in enumerate(comparison.names):
            cells = []
            for r in rows:
                s = r.systems[k]
                cell = f"{_fmt(r.metric, s.score)} ± {_fmt(r.metric, s.ci[1])}"
                if s.delta is not None:
                    cell += f" (Δ {_delta(r.metric, s.delta)}, p={s.p_value:.4f})"
                cells.append(f"**{cell}**" if name == r.winner and not r.no_difference else cell)
            out.append("| " + " | ".join(_cell(x) for x in [f"`{name}`", *cells]) + " |")
        out.append("")
        for r in rows:
            out.append(f"- {label(r.metric)}: {r.verdict(comparison.alpha)}")
        out.append("")
    out += [*[f"> {n}" for n in comparison.notes], ""] if comparison.notes else []
    return "\n".join(out)
