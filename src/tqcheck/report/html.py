"""A self-contained HTML report: what a translator or MT engineer would otherwise build in a notebook.

One file, no network: inline CSS, a few lines of inline JavaScript to sort the segment table,
inline-SVG histograms. Rendered with jinja2 (autoescaped); everything is computed here, the
template only lays it out.
"""

from __future__ import annotations

import difflib
import html
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..atomic import write_text_atomic
from ..metrics.registry import format_score, label
from ..metrics.specs import METRICS
from .model import DirectionReport, Report, spans_worst_first

_WORD = re.compile(r"\S+")
HISTOGRAM_BINS = 10


@dataclass(frozen=True)
class Mark:
    """A character range of a text to highlight: a word-diff class or an error span."""

    start: int
    end: int
    css: str
    title: str = ""


def word_differences(hypothesis: str, reference: str) -> tuple[list[Mark], list[Mark]]:
    """The words of the MT that are not in the reference, and those of the reference missing from the MT,
    as character ranges, one per run of words (difflib's matching blocks over whitespace-separated words)."""
    mt_words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(hypothesis)]
    ref_words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(reference)]
    matcher = difflib.SequenceMatcher(a=[w for *_, w in mt_words], b=[w for *_, w in ref_words], autojunk=False)
    mt_marks, ref_marks = [], []
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag == "equal":
            continue
        # one mark per run of differing words; the legend says what the shading means
        if a1 > a0:
            mt_marks.append(Mark(mt_words[a0][0], mt_words[a1 - 1][1], "diff-mt"))
        if b1 > b0:
            ref_marks.append(Mark(ref_words[b0][0], ref_words[b1 - 1][1], "diff-ref"))
    return mt_marks, ref_marks


def highlight(text: str, marks: Sequence[Mark]) -> str:
    """``text`` as HTML with each mark wrapped in <span class=...>; overlapping marks (a diff word
    inside an error span) combine their classes over the stretch they share. Adjacent stretches
    with the same marks are written as one span."""
    if not marks:
        return html.escape(text)
    opening: dict[int, list[Mark]] = {}
    closing: dict[int, list[Mark]] = {}
    for mark in marks:
        start, stop = max(0, mark.start), min(len(text), mark.end)
        if start < stop:
            opening.setdefault(start, []).append(mark)
            closing.setdefault(stop, []).append(mark)
    cuts = sorted({0, len(text), *opening, *closing})
    active: list[Mark] = []
    out: list[str] = []
    pending: list[str] = []
    pending_marks: tuple[Mark, ...] | None = None
    for start, stop in zip(cuts, cuts[1:]):
        active = [m for m in active if m not in closing.get(start, ())] + opening.get(start, [])
        key = tuple(active)
        if key != pending_marks:
            out.append(_wrap("".join(pending), pending_marks))
            pending, pending_marks = [], key
        pending.append(text[start:stop])
    out.append(_wrap("".join(pending), pending_marks))
    return "".join(out)


def _wrap(text: str, marks: tuple[Mark, ...] | None) -> str:
    if not text:
        return ""
    if not marks:
        return html.escape(text)
    classes = " ".join(dict.fromkeys(c for m in marks for c in m.css.split()))
    titles = "; ".join(dict.fromkeys(m.title for m in marks if m.title))
    return (
        f'<span class="{classes}"'
        + (f' title="{html.escape(titles)}"' if titles else "")
        + f">{html.escape(text)}</span>"
    )


def error_marks(spans: Sequence[dict], metric: str | None = None) -> list[Mark]:
    """Error spans as marks, styled by severity, with the confidence as a tooltip."""
    return [
        Mark(
            span["start"],
            span["end"],
            f"err err-{span['severity']}",
            f"{metric + ': ' if metric else ''}{span['severity']} error (confidence {span['confidence']:.2f})",
        )
        for span in spans
    ]


@dataclass
class Histogram:
    metric: str
    label: str
    bins: list[tuple[float, float, int]]  # (low, high, count)
    width: int = 360
    height: int = 140

    @property
    def bars(self) -> list[dict]:
        """Bar geometry for the SVG: x, y, width, height, and a tooltip."""
        peak = max((count for *_, count in self.bins), default=0) or 1
        step = (self.width - 40) / len(self.bins)
        plot = self.height - 30
        return [
            {
                "x": 30 + k * step + 1,
                "width": max(step - 2, 1),
                "height": plot * count / peak,
                "y": 10 + plot - plot * count / peak,
                "count": count,
                "title": f"{format_score(self.metric, low)}–{format_score(self.metric, high)}: {count} segment(s)",
            }
            for k, (low, high, count) in enumerate(self.bins)
        ]


def histogram(metric: str, values: Sequence[float]) -> Histogram:
    """Segment scores in equal bins: 0-100 for sacrebleu's metrics (TER may pass 100), the observed range for COMET."""
    finite = [v for v in values if not math.isnan(v)]
    scale = METRICS[metric].scale if metric in METRICS else None
    if scale is not None:
        low, high = scale
        if METRICS[metric].scale_is_open:
            high = max(high, max(finite, default=high))
    else:
        low, high = min(finite, default=0.0), max(finite, default=1.0)
    if high <= low:
        high = low + 1e-6
    width = (high - low) / HISTOGRAM_BINS
    counts = [0] * HISTOGRAM_BINS
    for value in finite:
        counts[min(int((value - low) / width), HISTOGRAM_BINS - 1)] += 1
    return Histogram(
        metric, label(metric), [(low + k * width, low + (k + 1) * width, counts[k]) for k in range(HISTOGRAM_BINS)]
    )


@dataclass
class SegmentRow:
    index: int
    where: str
    source: str
    mt_html: str
    reference_html: str
    scores: dict[str, str]  # metric -> shown value
    sort_keys: dict[str, float]  # metric -> value to sort by
    errors: list[dict] = field(default_factory=list)


def segment_rows(direction: DirectionReport, indices: Sequence[int] | None = None) -> list[SegmentRow]:
    """Table rows for the direction's segments (or those at ``indices``), numbered from 1 in the direction."""
    rows = []
    chosen = range(len(direction.segments)) if indices is None else indices
    for index, segment in ((k + 1, direction.segments[k]) for k in chosen):
        if segment.reference is not None:
            mt_diff, ref_diff = word_differences(segment.hypothesis, segment.reference)
        else:
            mt_diff, ref_diff = [], []
        rows.append(
            SegmentRow(
                index=index,
                where=segment.where(),
                source=segment.source,
                mt_html=highlight(
                    segment.hypothesis,
                    mt_diff
                    + [mark for metric, spans in segment.error_spans.items() for mark in error_marks(spans, metric)],
                ),
                reference_html=highlight(segment.reference, ref_diff) if segment.reference is not None else "",
                scores={m.name: format_score(m.name, segment.scores.get(m.name)) for m in direction.metrics},
                sort_keys={m.name: segment.scores.get(m.name, float("nan")) for m in direction.metrics},
                errors=spans_worst_first(
                    {**span, "metric": metric} for metric, spans in segment.error_spans.items() for span in spans
                ),
            )
        )
    return rows


def _environment():
    from jinja2 import Environment, PackageLoader, select_autoescape

    environment = Environment(
        loader=PackageLoader("tqcheck.report", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["score"] = lambda value, metric: format_score(metric, value)
    environment.filters["label"] = label
    return environment


# A corpus direction with more segments than this lists only each document's worst segments.
HTML_FULL_LIMIT = 20_000
HTML_WORST_PER_DOCUMENT = 25


def document_views(d: DirectionReport) -> tuple[list[dict], int | None]:
    """A corpus direction's documents, worst first (those not scored last), each with its segment rows;
    the second value is how many rows each lists when the direction is too large to list them all."""
    worst_by = d.worst_segments(1)[0]
    documents = list(d.documents or [])
    cut = HTML_WORST_PER_DOCUMENT if len(d.segments) > HTML_FULL_LIMIT else None
    higher = next((m.higher_is_better for m in d.metrics if m.name == worst_by), True)

    def rank(doc) -> tuple:
        result = doc.metric(worst_by) if worst_by else None
        return (result is None, 0.0 if result is None else (result.score if higher else -result.score))

    views = []
    for k, doc in enumerate(sorted(documents, key=rank)):
        indices = list(range(doc.first_segment, doc.end_segment))
        if cut is not None and worst_by is not None:
            indices = sorted(indices, key=lambda i: d.segments[i].scores.get(worst_by, 0.0), reverse=not higher)[:cut]
        views.append(
            {
                "report": doc,
                "anchor": f"doc-{d.direction}-{k + 1}",
                "scores": {m.name: format_score(m.name, m.score) for m in doc.metrics},
                "rows": segment_rows(d, indices),
            }
        )
    return views, cut


def render_html(report: Report) -> str:
    """The whole report as one HTML document (a string). A corpus gets an index of its documents,
    worst first, each linking to its own segment table in the same file."""
    directions = []
    for d in report.directions:
        views, cut = document_views(d) if d.documents is not None else (None, None)
        directions.append(
            {
                "report": d,
                "id": d.direction,
                "rows": segment_rows(d) if views is None else [],
                "documents": views,
                "cut": cut,
                "segment_total": len(d.segments),
                "full_limit": HTML_FULL_LIMIT,
                "histograms": [histogram(m.name, m.segment_scores) for m in d.metrics],
                "worst_by": d.worst_segments(1)[0],
                "has_reference": any(s.reference is not None for s in d.segments),
                "has_errors": any(s.error_spans for s in d.segments),
            }
        )
    return (
        _environment()
        .get_template("report.html")
        .render(report=report, directions=directions, gate_rows=gate_rows(report.gate))
    )


def gate_rows(gate) -> list[dict]:
    """The gate's checks as table rows; per-document checks that passed are one row per limit with
    their count (a corpus of 1,000 documents would otherwise bury its failures)."""
    if gate is None:
        return []
    rows: list[dict] = []
    passing: dict[tuple[str, str], int] = {}
    for c in gate.checks:
        check = f"{c.kind.replace('_', ' ')} {label(c.metric)} {format_score(c.metric, c.limit)}"
        if c.document is not None and c.passed:
            passing[(c.direction, check)] = passing.get((c.direction, check), 0) + 1
        else:
            rows.append({"passed": c.passed, "direction": c.direction, "check": check, "detail": c.reason})
    rows += [
        {"passed": True, "direction": d, "check": f"{check} (each document)", "detail": f"{n} document(s) pass"}
        for (d, check), n in passing.items()
    ]
    return rows


def write_html_report(report: Report, path: str) -> None:
    write_text_atomic(path, render_html(report))


def render_audit_html(audit, created: str) -> str:
    """The reference audit as one HTML document: reference segments ranked by suspicion."""
    from .._version import __version__

    rows = []
    for rank, k in enumerate(audit.most_suspicious(len(audit.segments)), start=1):
        segment = audit.segments[k]
        marks = error_marks(segment.error_spans)
        if segment.mt is not None:
            marks += word_differences(segment.mt, segment.reference)[1]
        rows.append({"rank": rank, "segment": segment, "reference_html": highlight(segment.reference, marks)})
    return (
        _environment().get_template("audit.html").render(audit=audit, rows=rows, version=__version__, created=created)
    )
