"""Render a Report for people, with rich."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from .model import DirectionReport, Report

LABELS = {"bleu": "BLEU", "chrf": "chrF", "ter": "TER", "comet": "COMET"}


def _format_score(name: str, value: float) -> str:
    return f"{value:.4f}" if name == "comet" else f"{value:.2f}"


def _short(text: str | None, width: int = 90) -> str:
    if text is None:
        return ""
    return text if len(text) <= width else text[: width - 1] + "…"


def _lines(lines: tuple[int, ...]) -> str:
    return ",".join(map(str, lines))


def render_direction(d: DirectionReport) -> Panel:
    parts: list = []
    if d.engine is not None:
        parts.append(Text.assemble(("MT engine ", "bold"), d.engine.describe()))
    scores = Table(box=None, show_header=True, header_style="bold", pad_edge=False)
    scores.add_column("metric")
    scores.add_column("score", justify="right")
    scores.add_column("signature", overflow="fold")
    for m in d.metrics:
        arrow = "↑" if m.higher_is_better else "↓"
        scores.add_row(f"{LABELS.get(m.name, m.name)} {arrow}", _format_score(m.name, m.score), m.signature)
    parts.append(scores)
    for name, reason in d.skipped_metrics.items():
        parts.append(Text(f"{LABELS.get(name, name)} skipped: {reason}", style="yellow"))

    if d.alignment is not None:
        a = d.alignment
        beads = ", ".join(f"{count}×{kind}" for kind, count in a.bead_counts().items())
        parts.append(Text.assemble(("Alignment ", "bold"), f"{len(a.pairs)} aligned pairs ({beads}); "
                                   f"{len(a.unmatched_on('source'))} source and {len(a.unmatched_on('reference'))} "
                                   "reference lines unmatched (not scored)"))
        for u in a.unmatched:
            parts.append(Text(f"  {u.side} line {u.line}: “{_short(u.text, 60)}” — {u.reason}", style="dim"))

    worst_by, worst = d.worst_segments(5)
    if worst:
        table = Table(title=f"Worst {len(worst)} segments by {LABELS.get(worst_by, worst_by)}", title_justify="left",
                      show_lines=True, header_style="bold")
        table.add_column("src↔ref lines", no_wrap=True)
        for name in [m.name for m in d.metrics]:
            table.add_column(LABELS.get(name, name), justify="right")
        table.add_column("MT / reference", overflow="fold")
        for s in (d.segments[k] for k in worst):
            table.add_row(
                f"{_lines(s.source_lines)}↔{_lines(s.reference_lines)}",
                *[_format_score(m.name, s.scores[m.name]) for m in d.metrics],
                Text.assemble(("MT  ", "cyan"), _short(s.hypothesis, 160), "\n", ("REF ", "green"), _short(s.reference, 160)),
            )
        parts.append(table)
    for warning in d.warnings:
        parts.append(Text(f"warning: {warning}", style="yellow"))
    title = f"{d.src_lang} → {d.tgt_lang}"
    if d.source_path or d.reference_path:
        names = [Path(p).name for p in (d.source_path, d.hypothesis_path, d.reference_path) if p]
        title += f"   [dim]{escape(' · '.join(names))}[/dim]"
    return Panel(Group(*parts), title=title, title_align="left")


def render_report(report: Report, console: Console) -> None:
    for direction in report.directions:
        console.print(render_direction(direction))
