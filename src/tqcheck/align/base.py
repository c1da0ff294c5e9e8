"""What alignment produces: beads of source and reference lines, and the lines left over."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, Sequence

from ..documents import Document


@dataclass(frozen=True)
class AlignedPair:
    """One bead: source lines (with their MT) aligned to reference lines. Line numbers are 1-based."""

    source_lines: tuple[int, ...]
    reference_lines: tuple[int, ...]
    source: str
    hypothesis: str | None
    reference: str
    similarity: float  # chrF (beta=1) of the MT, or the source, against the reference, 0-100
    margin: float  # how far above chance the match is, in noise standard deviations

    @property
    def kind(self) -> str:
        return f"{len(self.source_lines)}-{len(self.reference_lines)}"


@dataclass(frozen=True)
class UnmatchedLine:
    side: str  # "source" or "reference"
    line: int
    text: str
    reason: str


@dataclass(frozen=True)
class Alignment:
    pairs: list[AlignedPair]
    unmatched: list[UnmatchedLine] = field(default_factory=list)

    def unmatched_on(self, side: str) -> list[UnmatchedLine]:
        return [u for u in self.unmatched if u.side == side]

    def bead_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for pair in self.pairs:
            counts[pair.kind] = counts.get(pair.kind, 0) + 1
        return dict(sorted(counts.items()))

    def rows(self) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
        """Every non-blank line exactly once, in document order: (source lines, reference lines)."""
        rows = [(p.source_lines, p.reference_lines) for p in self.pairs]
        rows += [((u.line,), ()) if u.side == "source" else ((), (u.line,)) for u in self.unmatched]
        return _merge_in_order(rows)


def _merge_in_order(rows):
    """Order rows by position in both documents (alignments are monotonic)."""
    def position(row):
        src, ref = row
        return (min(src) if src else None, min(ref) if ref else None)

    matched = sorted((r for r in rows if r[0] and r[1]), key=lambda r: position(r))
    only_src = sorted((r for r in rows if r[0] and not r[1]), key=lambda r: r[0][0])
    only_ref = sorted((r for r in rows if r[1] and not r[0]), key=lambda r: r[1][0])
    ordered = []
    for row in matched:
        while only_src and only_src[0][0][0] < row[0][0]:
            ordered.append(only_src.pop(0))
        while only_ref and only_ref[0][1][0] < row[1][0]:
            ordered.append(only_ref.pop(0))
        ordered.append(row)
    ordered += only_src + only_ref
    return ordered


class Aligner(Protocol):
    def align(self, source: Document, reference: Document, translations: Sequence[str] | None) -> Alignment:
        """``translations`` holds the MT of each source segment (in the reference language), or None."""
        ...
