"""The reference audit for people (rich) and for programs (versioned JSON)."""

from __future__ import annotations

import json
from dataclasses import asdict

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from .._version import __version__
from ..atomic import write_text_atomic
from .model import SCHEMA_VERSION, spans_worst_first
from .terminal import SEVERITY_STYLES, shorten


def render_audit(audit, console: Console, top: int) -> None:
    parts: list = []
    if audit.engine is not None:
        parts.append(Text.assemble(("MT engine ", "bold"), audit.engine.describe()))
    scores = Table(box=None, header_style="bold", pad_edge=False)
    scores.add_column("QE of")
    scores.add_column("mean", justify="right")
    scores.add_column("signature", overflow="fold")
    scores.add_row("reference", f"{audit.reference_qe.score:.4f}", audit.reference_qe.signature)
    if audit.mt_qe is not None:
        scores.add_row("MT", f"{audit.mt_qe.score:.4f}", audit.mt_qe.signature)
    parts.append(scores)
    parts.append(
        Text(f"{len(audit.alignment.pairs)} aligned pairs audited; {len(audit.alignment.unmatched)} lines unmatched")
    )
    for u in audit.alignment.unmatched_on("reference"):  # a reference line with no source is worth a look too
        parts.append(
            Text(f"  reference line {u.line} has no source: “{shorten(u.text, 70)}” — {u.reason}", style="dim")
        )
    chosen = audit.most_suspicious(top)
    table = Table(
        title=f"The {len(chosen)} most suspicious reference segments",
        title_justify="left",
        show_lines=True,
        header_style="bold",
    )
    table.add_column("src↔ref sentences" if audit.unit == "sentence" else "src↔ref lines", no_wrap=True)
    table.add_column("suspicion", justify="right")
    table.add_column("QE ref", justify="right")
    if audit.mt_qe is not None:
        table.add_column("QE MT", justify="right")
        table.add_column("chrF vs MT", justify="right")
    table.add_column("reference / why", overflow="fold")
    for k in chosen:
        s = audit.segments[k]
        text = Text.assemble(("REF ", "green"), shorten(s.reference, 160))
        if s.mt is not None:
            text.append("\n")
            text.append("MT  ", style="cyan")
            text.append(shorten(s.mt, 160))
        for span in spans_worst_first(s.error_spans)[:3]:
            text.append(
                f"\nERR {span['severity']} ({span['confidence']:.2f}) “{shorten(span['text'], 60)}”",
                style=SEVERITY_STYLES.get(span["severity"], "red"),
            )
        for reason in s.reasons:
            text.append(f"\n• {reason}", style="yellow")
        extra = [f"{s.mt_qe:.4f}", f"{s.chrf_vs_mt:.1f}"] if audit.mt_qe is not None else []
        table.add_row(s.where(), f"{s.suspicion:.2f}", f"{s.reference_qe:.4f}", *extra, text)
    parts.append(table)
    for warning in audit.warnings:
        parts.append(Text(f"warning: {warning}", style="yellow"))
    console.print(
        Panel(Group(*parts), title=f"reference audit {audit.src_lang} → {audit.tgt_lang}", title_align="left")
    )


def audit_to_dict(audit, created: str) -> dict:
    """The same top-level shape as a check/score report (``tool``, ``command``, ``directions``), with
    ``kind: "audit"`` so that no reader takes it for one."""
    return {
        "schema_version": SCHEMA_VERSION,
        "kind": "audit",
        "tool": {"name": "tqcheck", "version": __version__},
        "command": "audit",
        "created": created,
        "directions": [
            {
                "direction": audit.direction,
                "unit": audit.unit,
                "src_lang": audit.src_lang,
                "tgt_lang": audit.tgt_lang,
                "source": audit.source_path,
                "reference": audit.reference_path,
                "engine": asdict(audit.engine) if audit.engine is not None else None,
                "reference_qe": {"score": audit.reference_qe.score, "signature": audit.reference_qe.signature},
                "mt_qe": {"score": audit.mt_qe.score, "signature": audit.mt_qe.signature} if audit.mt_qe else None,
                "chrf_signature": audit.chrf_signature,
                "unmatched": [asdict(u) for u in audit.alignment.unmatched],
                "most_suspicious": audit.most_suspicious(len(audit.segments)),
                "segments": [
                    {
                        **asdict(s),
                        "source_lines": list(s.source_lines),
                        "reference_lines": list(s.reference_lines),
                        "reasons": list(s.reasons),
                        "error_spans": list(s.error_spans),
                        "source_sentences": list(s.source_sentences),
                        "reference_sentences": list(s.reference_sentences),
                    }
                    for s in audit.segments
                ],
                "warnings": audit.warnings,
                "seconds": audit.seconds,
            }
        ],
    }


def write_audit_json(audit, path: str, created: str) -> None:
    write_text_atomic(path, json.dumps(audit_to_dict(audit, created), ensure_ascii=False, indent=2) + "\n")


def write_audit_outputs(result, *, json_path: str | None, html: str | None) -> None:
    """The audit's files (JSON, HTML), written atomically, with one creation time."""
    from datetime import datetime, timezone

    created = datetime.now(timezone.utc).isoformat(timespec="seconds")
    if json_path is not None:
        write_audit_json(result, json_path, created)
    if html is not None:
        from ..atomic import write_text_atomic
        from .html import render_audit_html

        write_text_atomic(html, render_audit_html(result, created))
