"""The Metric contract: triples in, a system score with its signature and per-segment scores out."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol, Sequence, runtime_checkable


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


@runtime_checkable
class Metric(Protocol):
    name: str
    higher_is_better: bool

    def score(self, triples: Sequence[TranslationTriple]) -> MetricResult: ...
