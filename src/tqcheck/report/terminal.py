"""Render a Report for people, with rich."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..metrics.registry import format_delta, label
from ..metrics.registry import format_score as _format_score
from .model import DirectionReport, Report, SegmentResult, spans_worst_first

SEVERITY_STYLES = {"minor": "yellow", "major": "bold red", "critical": "bold white on red"}


def shorten(text: str | None, width: int = 90) -> str:
    """One line of at most ``width`` characters, cut with an ellipsis."""
    if text is None:
        return ""
    return text if len(text) <= width else text[: width - 1] + "…"


def marked_mt(segment: SegmentResult, width: int = 160) -> Text:
    """The MT (cut to ``width``) with the error spans an XCOMET model found styled by severity,
    followed by a line per span: severity, confidence, text."""
    mt = shorten(segment.hypothesis, width)
    text = Text.assemble(("MT  ", "cyan"))
    start = len(text)
    text.append(mt)
    spans = [span for spans in segment.error_spans.values() for span in spans]
    for span in spans:
        if span["start"] < len(mt):
            text.stylize(
                SEVERITY_STYLES.get(span["severity"], "red"), start + span["start"], start + min(span["end"], len(mt))
            )
    for span in spans_worst_first(spans)[:3]:
        text.append("\n")
        text.append(
            f"ERR {span['severity']} ({span['confidence']:.2f}) ", style=SEVERITY_STYLES.get(span["severity"], "red")
        )
        text.append(f"“{shorten(span['text'], 60)}”")
    if len(spans) > 3:
        text.append(f"\n… and {len(spans) - 3} more error span(s)", style="dim")
    return text


def describe_usage(usage: dict) -> str:
    """requests (retries), tokens or characters, time: what an API engine spent."""
    parts = [
        f"{usage.get('requests', 0)} requests" + (f" ({usage['retries']} retries)" if usage.get("retries") else "")
    ]
    if usage.get("input_tokens") or usage.get("output_tokens"):
        parts.append(f"{usage.get('input_tokens', 0)} input + {usage.get('output_tokens', 0)} output tokens")
    if usage.get("characters"):
        parts.append(f"{usage['characters']} characters billed")
    if usage.get("seconds"):
        parts.append(f"{usage['seconds']:.1f} s")
    return ", ".join(parts)


def render_direction(d: DirectionReport) -> Panel:
    parts: list = []
    if d.engine is not None:
        cache = d.translation_cache
        served = (
            f" ({cache['from_cache']} of {cache['from_cache'] + cache['translated']} segments from the cache)"
            if cache and cache.get("from_cache")
            else ""
        )
        parts.append(Text.assemble(("MT engine ", "bold"), d.engine.describe(), (served, "dim")))
    if d.engine_usage:
        parts.append(Text("API usage: " + describe_usage(d.engine_usage), style="dim"))
    if d.cluster is not None:
        sent = ", ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in d.cluster["sent"].items()) or "nothing"
        parts.append(Text(f"Ray cluster ({d.cluster['address']}): sent {sent}", style="dim"))
    scores = Table(box=None, show_header=True, header_style="bold", pad_edge=False)
    scores.add_column("metric")
    scores.add_column("score", justify="right")
    scores.add_column("signature", overflow="fold")
    for m in d.metrics:
        arrow = "↑" if m.higher_is_better else "↓"
        scores.add_row(f"{label(m.name)} {arrow}", _format_score(m.name, m.score), m.signature)
    parts.append(scores)
    for name, reason in d.skipped_metrics.items():
        parts.append(Text(f"{label(name)} skipped: {reason}", style="yellow"))

    if d.alignment is not None:
        a = d.alignment
        beads = ", ".join(f"{count}×{kind}" for kind, count in a.bead_counts().items())
        parts.append(
            Text.assemble(
                ("Alignment ", "bold"),
                f"{len(a.pairs)} aligned pairs ({beads}); "
                f"{len(a.unmatched_on('source'))} source and {len(a.unmatched_on('reference'))} "
                "reference lines unmatched (not scored)",
            )
        )
        if d.unit == "sentence":
            parts.append(
                Text(f"Sentence mode: {len(d.segments)} sentence pairs scored inside the {len(a.pairs)} aligned pairs")
            )
        for u in a.unmatched:
            parts.append(Text(f"  {u.side} line {u.line}: “{shorten(u.text, 60)}” — {u.reason}", style="dim"))

    if d.documents is not None:
        parts += corpus_parts(d)
    worst_by, worst = d.worst_segments(5)
    if worst and worst_by is not None:
        table = Table(
            title=f"Worst {len(worst)} segments by {label(worst_by)}",
            title_justify="left",
            show_lines=True,
            header_style="bold",
        )
        if d.documents is not None:
            table.add_column("document", overflow="fold", max_width=30)
        table.add_column("src↔ref sentences" if d.unit == "sentence" else "src↔ref lines", no_wrap=True)
        for name in [m.name for m in d.metrics]:
            table.add_column(label(name), justify="right")
        table.add_column("MT / reference", overflow="fold")
        for s in (d.segments[k] for k in worst):
            table.add_row(
                *([s.document or ""] if d.documents is not None else []),
                s.where(),
                *[_format_score(m.name, s.scores[m.name]) for m in d.metrics],
                Text.assemble(
                    marked_mt(s),
                    "\n",
                    ("REF ", "green") if s.reference is not None else ("SRC ", "magenta"),
                    shorten(s.reference if s.reference is not None else s.source, 160),
                ),
            )
        parts.append(table)
    for warning in d.warnings:
        parts.append(Text(f"warning: {warning}", style="yellow"))
    title = f"{d.src_lang} → {d.tgt_lang}"
    if d.source_path or d.reference_path:
        names = [Path(p).name for p in (d.source_path, d.hypothesis_path, d.reference_path) if p]
        title += f"   [dim]{escape(' · '.join(names))}[/dim]"
    return Panel(Group(*parts), title=title, title_align="left")


def corpus_parts(d: DirectionReport) -> list:
    """A corpus direction: what was checked and left out, then its worst documents."""
    documents = d.documents or []
    scored = [doc for doc in documents if doc.not_scored is None]
    pairs = sum(doc.aligned_pairs for doc in scored)
    unmatched = sum(len(doc.unmatched) for doc in scored)
    skipped: dict[str, int] = {}
    for doc in documents:
        for reason, count in doc.skipped_entries.items():
            skipped[reason] = skipped.get(reason, 0) + count
    line = (
        f"{len(documents)} document pairs, {len(scored)} scored: {len(d.segments)} segments from {pairs} aligned "
        f"pairs; {unmatched} lines unmatched (not scored)"
    )
    parts: list = [Text.assemble(("Corpus ", "bold"), line)]
    if skipped:
        parts.append(Text("Entries not scored: " + ", ".join(f"{n} {why}" for why, n in skipped.items())))
    for doc in documents:
        if doc.not_scored is not None:
            parts.append(Text(f"  {doc.name}: not scored: {doc.not_scored}", style="yellow"))
    worst_by, worst = d.worst_documents(5)
    if worst and worst_by is not None and len(scored) > 1:
        table = Table(
            title=f"Worst {len(worst)} of {len(scored)} documents by {label(worst_by)}",
            title_justify="left",
            header_style="bold",
        )
        table.add_column("document", overflow="fold")
        table.add_column("segments", justify="right")
        for m in d.metrics:
            table.add_column(label(m.name), justify="right")
        for doc in worst:
            table.add_row(
                doc.name,
                str(doc.segment_count),
                *[_format_score(m.name, doc.metric(m.name).score) if doc.metric(m.name) else "" for m in d.metrics],  # type: ignore[union-attr]
            )
        parts.append(table)
    return parts


def render_gate(gate) -> Panel:
    """Every check with its numbers, then the verdict in one line."""
    table = Table(box=None, header_style="bold", pad_edge=False)
    for column in ("", "direction", "check", "detail"):
        table.add_column(column, overflow="fold")
    kinds = {"fail_under": "fail under", "fail_over": "fail over", "max_drop": "max drop"}
    passing_documents: dict[tuple, int] = {}  # per-document checks that passed are counted, not listed
    for c in gate.checks:
        if c.document is not None and c.passed:
            what = (c.direction, f"{kinds[c.kind]} {label(c.metric)} {_format_score(c.metric, c.limit)}")
            passing_documents[what] = passing_documents.get(what, 0) + 1
            continue
        mark = Text("PASS", style="green") if c.passed else Text("FAIL", style="bold red")
        detail = c.reason
        if c.kind == "max_drop" and c.ci is not None and c.baseline_ci is not None:
            detail += (
                f"; 95% CI {_format_score(c.metric, c.ci[0])} ± {_format_score(c.metric, c.ci[1])} "
                f"vs baseline {_format_score(c.metric, c.baseline_ci[0])} ± {_format_score(c.metric, c.baseline_ci[1])}"
                f"; margin {c.margin_source}"
            )
        table.add_row(
            mark, c.direction, f"{kinds[c.kind]} {label(c.metric)} {_format_score(c.metric, c.limit)}", detail
        )
    for (direction, check), count in passing_documents.items():
        table.add_row(Text("PASS", style="green"), direction, f"{check} (each document)", f"{count} document(s) pass")
    parts: list = [table] if gate.checks else []
    for note in gate.notes:
        parts.append(Text(f"note: {note}", style="yellow"))
    if gate.test:
        test = "paired bootstrap" if gate.test == "bs" else "approximate randomization"
        parts.append(
            Text(
                f"Drops tested against {gate.baseline} with sacrebleu's {test} ({gate.samples} samples, "
                f"alpha {gate.alpha}{', resampling whole documents' if gate.resample == 'documents' else ''}); "
                "a drop fails only when beyond its margin and significant.",
                style="dim",
            )
        )
    parts.append(Text(gate.verdict(), style="bold green" if gate.passed else "bold red"))
    return Panel(
        Group(*parts), title="Quality gate", title_align="left", border_style="green" if gate.passed else "red"
    )


def render_report(report: Report, console: Console) -> None:
    for direction in report.directions:
        console.print(render_direction(direction))
    if report.gate is not None:
        console.print(render_gate(report.gate))


def render_comparison(comparison, console: Console) -> None:
    """One table per direction: each system's score ± CI, its delta and p-value against the baseline."""
    for direction in dict.fromkeys(r.direction for r in comparison.rows):
        rows = [r for r in comparison.rows if r.direction == direction]
        table = Table(
            header_style="bold",
            title_justify="left",
            show_lines=False,
            title=f"{direction}   baseline: {comparison.names[0]}   ({rows[0].segments} paired segments)",
        )
        table.add_column("system", overflow="fold")
        for r in rows:
            table.add_column(f"{label(r.metric)} {'↑' if r.higher_is_better else '↓'}", justify="right")
        for k, name in enumerate(comparison.names):
            cells = []
            for r in rows:
                s = r.systems[k]
                cell = f"{_format_score(r.metric, s.score)} ± {_format_score(r.metric, s.ci[1])}"
                if s.delta is not None:
                    mark = "*" if s.p_value < comparison.alpha else ""
                    cell += f"\nΔ {format_delta(r.metric, s.delta)}  p={s.p_value:.4f}{mark}"
                style = "bold" if name == r.winner and not r.no_difference else ""
                cells.append(Text(cell, style=style))
            table.add_row(name, *cells)
        console.print(table)
        for r in rows:
            console.print(f"  {label(r.metric)}: {r.verdict(comparison.alpha)}")
    test = "paired bootstrap" if comparison.test == "bs" else "approximate randomization"
    console.print(
        Text(
            f"sacrebleu's {test}, {comparison.samples} samples; * p < {comparison.alpha} against the baseline; "
            "± is the half-width of sacrebleu's 95% bootstrap confidence interval.",
            style="dim",
        )
    )
    for note in comparison.notes:
        console.print(Text(f"note: {note}", style="yellow"))
