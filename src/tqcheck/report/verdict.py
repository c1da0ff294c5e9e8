"""What a quality gate decided, as data: the renderers (terminal, Markdown, JUnit, JSON) read it
without importing the gate that computed it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["fail_under", "fail_over", "max_drop"]


@dataclass(frozen=True)
class GateCheck:
    """One check's verdict with the numbers behind it."""

    direction: str
    metric: str
    kind: Kind
    passed: bool
    value: float
    limit: float
    reason: str
    baseline: float | None = None
    p_value: float | None = None
    ci: tuple[float, float] | None = None
    baseline_ci: tuple[float, float] | None = None
    margin_source: str | None = None
    segments: int | None = None
    document: str | None = None  # a per-document check of a corpus run (doc: limits)

    @property
    def delta(self) -> float | None:
        return None if self.baseline is None else self.value - self.baseline


@dataclass
class GateResult:
    checks: list[GateCheck]
    baseline: str | None = None
    test: str | None = None
    samples: int | None = None
    alpha: float | None = None
    notes: list[str] = field(default_factory=list)
    resample: str | None = None  # a corpus baseline's paired test resampled segments or whole documents

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks)

    @property
    def failures(self) -> list[GateCheck]:
        return [c for c in self.checks if not c.passed]

    def verdict(self) -> str:
        if self.passed:
            return f"quality gate passed: {len(self.checks)} check(s)"
        first = self.failures[0]
        more = f" (and {len(self.failures) - 1} more)" if len(self.failures) > 1 else ""
        return f"quality gate failed: {first.direction} {first.reason}{more}"
