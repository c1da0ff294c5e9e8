"""The Metric contract: triples in, a system score with its signature and per-segment scores out."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class TranslationTriple:
    source: str
    hypothesis: str
    reference: str | None


@dataclass(frozen=True)
class MetricResult:
    """A system-level score, the signature that makes it reproducible, and segment scores."""

    name: str
    score: float
    signature: str
    segment_scores: list[float]
    higher_is_better: bool = True
    details: dict[str, Any] = field(default_factory=dict)


class Metric(ABC):
    """The Metric contract: score every triple, return the system score with the signature that
    makes it reproducible and one score per segment. A new metric also gets a row in
    ``metrics/specs.py`` (label, direction, scale, gate margin) and a line in ``create_metric``."""

    name: str = ""
    higher_is_better: bool = True

    @abstractmethod
    def score(self, triples: Sequence[TranslationTriple]) -> MetricResult:
        """Score ``triples`` (hypothesis against reference, and source for neural metrics)."""

    def group_scores(self, result: MetricResult, bounds: Sequence[tuple[int, int]]) -> list[float]:
        """The system score of each group of segments (``result``'s segments ``start:end``, the
        documents of a corpus), as ``score`` gives for that group alone. By default the mean of its
        segment scores, which is what COMET's system score is."""
        return [sum(result.segment_scores[start:end]) / (end - start) for start, end in bounds]
