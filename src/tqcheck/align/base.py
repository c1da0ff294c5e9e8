"""What alignment produces: beads of source and reference lines, and the lines left over."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import ClassVar

from ..documents import Document


def place(
    source_lines: Sequence[int],
    reference_lines: Sequence[int],
    source_sentences: Sequence[str] = (),
    reference_sentences: Sequence[str] = (),
) -> str:
    """Where a scored segment comes from, for people: 3↔4 by paragraph, 3.1,3.2↔4.1 by sentence."""
    if source_sentences or reference_sentences:
        return f"{','.join(source_sentences)}↔{','.join(reference_sentences)}"
    return f"{','.join(map(str, source_lines))}↔{','.join(map(str, reference_lines))}"


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

    # scored as a whole paragraph: no sentence ids (see align.sentences.SentencePair)
    source_sentences: ClassVar[tuple[str, ...]] = ()
    reference_sentences: ClassVar[tuple[str, ...]] = ()


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

    def to_dict(self) -> dict:
        """Plain data (JSON-ready); ``from_dict`` reads it back."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Alignment:
        return cls(
            pairs=[
                AlignedPair(
                    **{**p, "source_lines": tuple(p["source_lines"]), "reference_lines": tuple(p["reference_lines"])}
                )
                for p in data["pairs"]
            ],
            unmatched=[UnmatchedLine(**u) for u in data["unmatched"]],
        )

    def why_nothing_aligned(self) -> str:
        """Why there is no pair: the aligner's one reason for every line when it gave one for the
        whole document (e.g. its pairs were no more than chance), else the general reason."""
        reasons = {u.reason for u in self.unmatched}
        if len(reasons) == 1 and (reason := next(iter(reasons))).startswith("not shown to be a translation"):
            return reason
        return "no line could be aligned"

    def unmatched_on(self, side: str) -> list[UnmatchedLine]:
        return [u for u in self.unmatched if u.side == side]

    def bead_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for pair in self.pairs:
            counts[pair.kind] = counts.get(pair.kind, 0) + 1
        return dict(sorted(counts.items()))

    def rows(self, source_line_count: int, reference_line_count: int) -> list[tuple[tuple[int, ...], tuple[int, ...]]]:
        """Every line of both files exactly once, in document order: (source lines, reference lines).

        Lines in no bead (unmatched or blank) become one-sided rows where they stand: before each
        bead, the source lines it skipped, then the reference lines it skipped."""
        rows: list[tuple[tuple[int, ...], tuple[int, ...]]] = []
        next_source, next_reference = 1, 1
        for pair in self.pairs:
            rows += [((line,), ()) for line in range(next_source, pair.source_lines[0])]
            rows += [((), (line,)) for line in range(next_reference, pair.reference_lines[0])]
            rows.append((pair.source_lines, pair.reference_lines))
            next_source, next_reference = pair.source_lines[-1] + 1, pair.reference_lines[-1] + 1
        rows += [((line,), ()) for line in range(next_source, source_line_count + 1)]
        rows += [((), (line,)) for line in range(next_reference, reference_line_count + 1)]
        return rows


class Aligner(ABC):
    """The Aligner contract: which source lines and reference lines say the same thing."""

    @abstractmethod
    def align(self, source: Document, reference: Document, translations: Sequence[str] | None) -> Alignment:
        """``translations`` holds the MT of each source segment (in the reference language), or None."""

    def check_size(self, source: Document, reference: Document) -> None:
        """Refuse (InputError), before any translation, a pair this aligner cannot finish."""

    def cache_key_parts(self) -> str | None:
        """Everything besides the inputs that determines the alignment (its settings); None when
        the aligner cannot say (its alignments are then never cached)."""
        return "None"


class GivenAlignment(Aligner):
    """Bilingual files (PO, XLIFF, TMX, TSV, JSONL) pair their entries themselves: segment k of the
    source is translated by segment k of the reference. Nothing is guessed, so nothing is cached."""

    def align(self, source: Document, reference: Document, translations: Sequence[str] | None) -> Alignment:
        if len(source.segments) != len(reference.segments):
            raise ValueError("a bilingual file's two sides have one segment per entry each")
        return Alignment(
            pairs=[
                AlignedPair(
                    source_lines=(s.line,),
                    reference_lines=(r.line,),
                    source=s.text,
                    hypothesis=translations[k] if translations is not None else None,
                    reference=r.text,
                    similarity=float("nan"),  # not measured: the file says these belong together
                    margin=float("inf"),
                )
                for k, (s, r) in enumerate(zip(source.segments, reference.segments))
            ]
        )

    def cache_key_parts(self) -> str | None:
        return None
