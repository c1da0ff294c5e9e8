"""The Report: plain data that every renderer (terminal, JSON, later HTML/JUnit) reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..align.base import Alignment, UnmatchedLine, place
from ..metrics.base import MetricResult
from ..metrics.specs import METRICS
from ..translate.base import EngineInfo
from .verdict import GateResult

SCHEMA_VERSION = 1

# Which metric orders the "worst segments": the most human-like one that was computed.
WORST_BY = tuple(sorted(METRICS, key=lambda name: METRICS[name].worst_rank))


SEVERITY_RANK = {"critical": 0, "major": 1, "minor": 2}


def spans_worst_first(spans) -> list[dict]:
    """Error spans (XCOMET) in the order a reader should see them: by severity, then confidence."""
    return sorted(spans, key=lambda span: (SEVERITY_RANK.get(span["severity"], 3), -span["confidence"]))


@dataclass(frozen=True)
class SegmentResult:
    source_lines: tuple[int, ...]
    reference_lines: tuple[int, ...]
    source: str
    hypothesis: str
    reference: str | None
    scores: dict[str, float]
    # metric -> the error spans its model marked in the MT (XCOMET): severity, confidence, start, end, text
    error_spans: dict[str, list[dict]] = field(default_factory=dict)
    # --unit sentence: which sentences, as "LINE.K" (sentence K of line LINE, from 1); empty by paragraph
    source_sentences: tuple[str, ...] = ()
    reference_sentences: tuple[str, ...] = ()
    document: str | None = None  # in a corpus run: the name of the document pair it belongs to

    @property
    def key(self) -> tuple:
        """What identifies the segment across runs of the same documents (baselines pair on it)."""
        return self.document, self.source_lines, self.reference_lines, self.source_sentences, self.reference_sentences

    def where(self) -> str:
        """For people: 3↔4 by paragraph, 3.1,3.2↔4.1 by sentence."""
        return place(self.source_lines, self.reference_lines, self.source_sentences, self.reference_sentences)


@dataclass
class DocumentReport:
    """One document pair of a corpus run: where its segments are in the direction's list, how it
    aligned, its own scores (same metrics and signatures as the pooled ones), and what was not scored."""

    name: str
    source_path: str
    reference_path: str | None  # None: a bilingual file holds both sides
    format: str
    first_segment: int  # its segments are direction.segments[first_segment:end_segment]
    end_segment: int
    metrics: list[MetricResult] = field(default_factory=list)
    source_line_count: int = 0
    reference_line_count: int = 0
    source_segments: int = 0
    reference_segments: int = 0
    aligned_pairs: int = 0
    beads: dict[str, int] = field(default_factory=dict)
    unmatched: list[UnmatchedLine] = field(default_factory=list)
    skipped_entries: dict[str, int] = field(default_factory=dict)  # bilingual entries not scored, by reason
    warnings: list[str] = field(default_factory=list)
    not_scored: str | None = None  # why no segment of it was scored (it could not be aligned)

    @property
    def segment_count(self) -> int:
        return self.end_segment - self.first_segment

    def metric(self, name: str) -> MetricResult | None:
        return next((m for m in self.metrics if m.name == name), None)


@dataclass
class DirectionReport:
    src_lang: str
    tgt_lang: str
    source_path: str | None
    reference_path: str | None
    hypothesis_path: str | None
    engine: EngineInfo | None
    metrics: list[MetricResult]
    segments: list[SegmentResult]
    alignment: Alignment | None = None
    source_line_count: int = 0
    reference_line_count: int = 0
    skipped_metrics: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    unit: str = "paragraph"  # what a segment is: an aligned paragraph pair, or a sentence pair within one
    # MT segments served from the cache and translated afresh (and why not cached, if so); None without a cache
    translation_cache: dict[str, Any] | None = None
    # what an API engine spent on this direction: requests, retries, tokens or characters, seconds
    engine_usage: dict[str, Any] | None = None
    # --executor ray: what was sent to the cluster (MT segments, COMET segments, alignment and
    # statistics tasks); None for a local run
    cluster: dict[str, Any] | None = None
    # a corpus run: its document pairs (the direction's metrics are then the pooled scores), and the
    # files found on one side only ({"side": ..., "path": ...}); None for a single pair
    documents: list[DocumentReport] | None = None
    unpaired_files: list[dict[str, str]] = field(default_factory=list)

    @property
    def direction(self) -> str:
        return f"{self.src_lang}-{self.tgt_lang}"

    def metric(self, name: str) -> MetricResult | None:
        return next((m for m in self.metrics if m.name == name), None)

    def worst_segments(self, count: int = 5) -> tuple[str | None, list[int]]:
        """Indices of the ``count`` lowest-scoring segments by the most human-like metric computed."""
        for name in WORST_BY:
            result = self.metric(name)
            if result is not None:
                order = sorted(
                    range(len(self.segments)),
                    key=lambda k: self.segments[k].scores.get(name, 0.0),
                    reverse=not result.higher_is_better,
                )
                return name, order[:count]
        return None, []

    def worst_documents(self, count: int = 5) -> tuple[str | None, list[DocumentReport]]:
        """The ``count`` scored documents with the lowest score by the most human-like metric computed."""
        scored = [doc for doc in self.documents or [] if doc.metrics]
        for name in WORST_BY:
            result = self.metric(name)
            if result is not None:
                ranked = sorted(scored, key=lambda doc: doc.metric(name).score, reverse=not result.higher_is_better)  # type: ignore[union-attr]
                return name, ranked[:count]
        return None, []


@dataclass
class Report:
    command: str
    tqcheck_version: str
    created: str
    directions: list[DirectionReport]
    schema_version: int = SCHEMA_VERSION
    gate: GateResult | None = None
