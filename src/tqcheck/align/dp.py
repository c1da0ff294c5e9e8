"""Monotonic document alignment by dynamic programming over beads, then a path-level second look.

Beads 0-1, 1-0, 1-1, 1-2, 2-1 and 2-2. A matched bead scores its evidence z (how many noise
standard deviations its similarity stands above the background of its lines) minus a match
threshold, plus a Gale-Church length term and a small prior against merges. A skipped line
scores 0, so a line is matched only when the evidence says so: one-sided titles and
"read more" links come out unmatched instead of being glued onto a neighbour.

Short lines (table cells, headings) rarely carry 2σ of evidence on their own, so each gap the DP
leaves between two matches is aligned again with the order fixed by its anchors (gaps.py), and
a skipped line next to a match joins it when its MT is inside the partner (joins.py). Then the
word pairs that keep turning up together in the matched lines become one more channel (the
document's own translation table, glossary.py) and the path is found and filled again. The band
around a length-based diagonal (or a cheap first pass, band.py) is capped, and every bead of the
band is scored in bulk (scorer.py), so time and memory are linear in the number of lines.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import median

from ..documents import Document
from ..errors import InputError
from .band import _coarse_centres, _length_diagonal, row_windows
from .base import AlignedPair, Aligner, Alignment, UnmatchedLine
from .embedding import Embedder
from .gaps import fill_gaps
from .path import Bead, monotone_path
from .scorer import BeadScorer

BEADS = ((1, 1), (1, 0), (0, 1), (2, 1), (1, 2), (2, 2))


@dataclass(frozen=True)
class AlignmentSettings:
    match_threshold: float = 2.0  # z above background that a matched bead must beat
    merge_prior: float = -1.0  # log-prior of a 1-2 / 2-1 bead relative to 1-1
    merge_2x2_prior: float = -1.5
    merge_min_part_evidence: float = 1.0  # merged beads are scored only when a part already matches
    length_weight: float = 0.5  # weight of the Gale-Church log-probability
    length_variance: float = 6.8  # Gale & Church's s^2, characters
    channel_weights: tuple[float, float, float] = (1.0, 0.5, 0.5)  # MT chrF, source chrF, anchors
    noise_floor: tuple[float, float, float] = (2.0, 2.0, 10.0)  # minimum noise std per channel
    embedding_weight: float = 1.0  # the optional sentence-embedding channel (100 x cosine)
    embedding_noise_floor: float = 0.5
    skip_score: float = 0.0  # a line left unmatched, per line
    # The last pass adds a channel from the document's own translation table (glossary.py), learned
    # from what the earlier passes matched when they matched at least glossary_min_pairs beads:
    # word pairs seen together in glossary_min_count beads with Dice glossary_min_dice or more.
    glossary_weight: float = 0.5
    glossary_min_pairs: int = 8
    glossary_min_count: int = 2
    glossary_min_dice: float = 0.6
    glossary_min_links: int = 3
    glossary_max_lines: int = 20_000  # longer documents skip it: it adds ~15% to the time (a third
    # pass), where the 200,000-line budget has none to spare
    # Lines the DP left unmatched between two matches are re-aligned at a lower bar (see _fill_gaps).
    gap_threshold: float = 0.5  # evidence (z) a pair in a gap must beat (at least)
    gap_equal_bonus: float = 1.0  # a gap with as many lines on both sides: its lines most likely pair up
    # ... and more so between two confident matches (or a confident match and an edge): there a run
    # of short cells pairs in order unless a shifted pair stands this much above the in-order ones.
    gap_equal_bonus_confident: float = 3.0
    confident_evidence: float = 5.0  # z of a match that fixes the order around it (weaker ones may be re-read)
    gap_min_length_log_prob: float = math.log(0.05)  # lengths that disagree more never pair in a gap
    gap_clear_margin: float = 1.0  # in a small unequal gap between confident matches, a pair this far ahead of the rest
    gap_clear_margin_weak: float = 2.0  # ... and this far where a match beside the gap is not confident
    # (a gap at the document's edge takes gap_clear_margin: the edge fixes the order on its side)
    gap_band: int = 6
    gap_run_max_lines: int = 5  # a gap of unequal counts up to this long a side may pair as a run
    gap_run_min_pair: float = -0.5  # ... whose every pair scores this much (evidence and length) or more
    gap_short_line: float = 30.0  # characters: below this, counter-evidence is shrunk in proportion
    # A skipped line joins a matched neighbour when this share of its trigrams (its MT's) is inside
    # the neighbour's partner; length alone never glues a line on (a one-sided title would fit too).
    absorb_containment: float = 0.5
    absorb_min_grams: int = 3  # ... counting the trigrams its matched neighbour lacks, of which it needs this many
    # ... or when joining it (a line of gap_short_line characters or more) raises the bead's z this much
    absorb_evidence_gain: float = 0.5
    # ... or when its text is at the facing edge of the partner (joins._edge_evidence): the matched
    # line's chrF may drop this much without that edge, and the skipped line's chrF against it must reach this
    absorb_edge_tolerance: float = 1.0
    absorb_edge_floor: float = 10.0
    absorb_edge_min_excess: float = 0.5  # and the partner outgrows its matched line by half the skipped line
    # ... and the skipped line is closer to that edge than to the same edge of every nearby line but
    # this many (a help page's template phrase opens another line too; two rivals: refused)
    absorb_edge_rivals: int = 1
    min_band: int = 12
    # Above this many candidate cells, a cheap first pass (character-trigram Dice, 1-1 beads)
    # finds the path and the full scoring runs within fine_width of it.
    coarse_cells: int = 4000
    max_band: int = 40  # the coarse band's half-width never exceeds this: cost stays linear in the lines
    fine_width: int = 8
    # A short document (this many lines a side) on which few lines reach the match bar takes its
    # in-order mutual best matches (by this much chrF over every rival in row and column) as matches.
    dominant_min_lines: int = 3
    dominant_max_lines: int = 12
    dominant_margin: float = 2.0
    dominant_min_chars: int = 15  # ... lines this long, unless the whole diagonal of equal documents is
    dominant_pair_margin: float = 8.0  # ... and a chain of two only when both pairs stand out by this much
    # Fewer matched lines than this share of the shorter side: check them against shuffled references.
    chance_check_below: float = 0.5
    chance_shuffles: int = 5
    chance_check_max_lines: int = 20_000  # longer documents get one shuffle, not five


# The aligner's time and memory grow linearly with the line count (2 cores: 200,000 lines in
# about 9 minutes and 3 GB, bench/ALIGNMENT.md); above this a pair is refused up front.
DEFAULT_MAX_ALIGN_LINES = 200_000


def max_align_lines() -> int:
    raw = os.environ.get("TQCHECK_MAX_ALIGN_LINES", "")
    try:
        value = int(raw) if raw else DEFAULT_MAX_ALIGN_LINES
    except ValueError:
        value = 0
    if value < 1:
        raise InputError(
            f"TQCHECK_MAX_ALIGN_LINES={raw!r} is not a positive whole number of lines; "
            f"set e.g. TQCHECK_MAX_ALIGN_LINES=8000, or unset it for the default {DEFAULT_MAX_ALIGN_LINES}"
        )
    return value


def _best_path(n: int, m: int, centres: list[int], width: int, scorer: BeadScorer) -> list[Bead] | None:
    """The best path within the band, bead scores read from the scorer's bulk tables (a few rows
    at a time, as lists: fast to index) and computed one at a time only off them."""
    tables = scorer.bead_tables()
    rows: dict[int, dict[tuple[int, int], list[float]]] = {}
    start = scorer.band.start.tolist()
    window = scorer.band.width
    skip = scorer.settings.skip_score

    def score(i: int, j: int, a: int, b: int) -> float:
        if not (a and b):
            return skip
        if i not in rows:
            rows.pop(i - 3, None)
            rows[i] = {shape: table[i].tolist() for shape, table in tables.items()}
        offset = j - start[i]
        value = rows[i][(a, b)][offset] if 0 <= offset < window else math.nan
        return value if value == value else scorer.bead_score(i, j, a, b)

    lo, hi = row_windows(centres, width, m)
    return monotone_path(n, m, lo, hi, BEADS, score)


def _refine(scorer: BeadScorer, beads: list[tuple[int, int, int, int]]) -> bool:
    """Second pass: take the length ratio of the pairs the first pass matched (one-sided lines
    skew a whole-document ratio), and re-weight each channel by its mean z over those pairs (mostly
    true matches, so weak but real evidence gets credit). True when the weights changed, so the
    path should be found again."""
    src_lengths, ref_lengths = scorer.src_lengths, scorer.ref_lengths
    matched = [(i, j) for i, j, a, b in beads if (a, b) == (1, 1)]
    ratios = [ref_lengths[j] / src_lengths[i] for i, j in matched if src_lengths[i] >= 20 and ref_lengths[j] >= 20]
    if len(ratios) >= 3:
        scorer.set_length_ratio(median(ratios))
    if len(matched) < 3:
        return False
    refined = []
    for base, channel in scorer.channels:
        zs = [z for i, j in matched if (z := channel.z(i, i + 1, j, j + 1)) is not None]
        refined.append(base * max(0.0, sum(zs) / len(zs)) if zs else 0.0)
    if not any(refined):
        return False
    scorer.reweight(refined)
    return True


class DynamicProgrammingAligner(Aligner):
    """MT-guided paragraph aligner (works without MT too, on source/reference evidence alone)."""

    def __init__(self, settings: AlignmentSettings | None = None, embedder: Embedder | None = None) -> None:
        self.settings = settings or AlignmentSettings()
        self.embedder = embedder  # optional sentence-embedding evidence (align/embedding.py)

    def cache_key_parts(self) -> str | None:
        if self.embedder is None:
            return repr(self.settings)
        name = getattr(self.embedder, "name", None)  # an embedder that does not name itself is not cached
        return None if name is None else f"{self.settings!r}|embedder:{name}"

    def check_size(self, source: Document, reference: Document) -> None:
        """Refuse (before any translation) a pair this aligner cannot finish in bounded memory."""
        limit = max_align_lines()
        for document in (source, reference):
            if len(document.segments) > limit:
                raise InputError(
                    f"{document.path}: has {len(document.segments)} lines, over the {limit}-line limit of the aligner "
                    f"(it needs about 15 KB of memory and 2.5 ms per line: ~3 GB and 9 minutes at 200,000 lines); split the "
                    f"documents into matching parts, or raise the limit with TQCHECK_MAX_ALIGN_LINES="
                    f"{len(document.segments)} if the machine has the memory"
                )

    def align(self, source: Document, reference: Document, translations: Sequence[str] | None) -> Alignment:
        src = list(source.segments)
        ref = list(reference.segments)
        n = len(src)
        if translations is not None and len(translations) != n:
            raise ValueError(f"{len(translations)} translations for {n} source segments")
        mt = list(translations) if translations is not None else None
        embeddings = None
        if self.embedder is not None:
            embeddings = (self.embedder([x.text for x in src]), self.embedder([x.text for x in ref]))
        src_texts, ref_texts = [x.text for x in src], [x.text for x in ref]
        found = self._beads(src_texts, ref_texts, mt, embeddings)
        if found is None:  # band too narrow for a pathological input: everything unmatched
            return self._all_unmatched(src, ref)
        beads, scorer, centres, width, counted = found
        chance = self._chance_pairs(counted, src_texts, ref_texts, mt, embeddings)
        if chance is not None:
            return self._all_unmatched(
                src,
                ref,
                f"not shown to be a translation of the other side: {_matched(beads)} line pair(s) align, and as many "
                f"({chance}) align when the reference's lines are shuffled",
            )
        return self._alignment(beads, src, ref, mt, scorer, centres, width)

    def _beads(self, src_texts: list[str], ref_texts: list[str], mt: list[str] | None, embeddings):
        """The DP's path, refined, with its gaps filled, then found and filled again with the
        document's own translation table as evidence: (beads, scorer, band centres, band width,
        matched source lines that count as evidence of a translation: not those paired only
        because a run between confident matches pairs in order, since on unrelated pages those
        matches are chance, and the run must not make a chance alignment look full)."""
        n, m = len(src_texts), len(ref_texts)
        centres, width = self._band(src_texts, ref_texts, mt)
        scorer = BeadScorer(self.settings, src_texts, ref_texts, mt, centres, width, embeddings)
        beads = _best_path(n, m, centres, width, scorer)
        if beads is None:
            return None
        if _refine(scorer, beads):
            beads = _best_path(n, m, centres, width, scorer) or beads
        first = beads
        beads, on_confidence = self._filled(beads, scorer, mt, src_texts, ref_texts)
        # the last pass: what the document's matched lines teach about its own terms
        if (
            max(n, m) <= self.settings.glossary_max_lines
            and self.settings.glossary_weight
            and scorer.add_glossary(beads)
        ):
            if not _refine(scorer, beads):  # too few 1-1 pairs to re-weigh: the first weights
                scorer.reweight(scorer.weights)
            beads = _best_path(n, m, centres, width, scorer) or first
            beads, on_confidence = self._filled(beads, scorer, mt, src_texts, ref_texts)
        return beads, scorer, centres, width, _matched(beads) - on_confidence

    def _filled(self, beads, scorer: BeadScorer, mt, src_texts, ref_texts):
        """The path with its gaps filled (gaps.py): (beads, lines paired on confidence)."""
        return fill_gaps(
            self.settings,
            beads,
            scorer.evidence,
            scorer.length_log_prob,
            scorer.src_lengths,
            scorer.ref_lengths,
            mt if mt is not None else src_texts,
            ref_texts,
            similarity=scorer.similarity,
            machine_translated=mt is not None,
        )

    def _chance_pairs(self, matched: int, src_texts, ref_texts, mt, embeddings) -> int | None:
        """When few lines align, whether they are more than chance finds: the same source aligned
        against the reference with its lines shuffled (a document that is no translation of it, of
        the same lines and lengths) a few times. If a shuffle aligns as many lines, the pairs say
        nothing about these documents (unrelated pages pair a line or two by chance: bench/
        ALIGNMENT.md), and the largest such count is returned; None when the pairs stand out."""
        s = self.settings
        shorter = min(len(src_texts), len(ref_texts))
        if not matched or matched >= s.chance_check_below * shorter:
            return None
        import random

        rng = random.Random(len(src_texts) * 100_003 + len(ref_texts))  # the same verdict on every run
        # a long document aligns for minutes: one shuffle there (chance pairs are then a tiny share)
        shuffles = s.chance_shuffles if max(len(src_texts), len(ref_texts)) <= s.chance_check_max_lines else 1
        most = 0
        for _ in range(shuffles):
            order = list(range(len(ref_texts)))
            rng.shuffle(order)
            shuffled = [ref_texts[k] for k in order]
            shuffled_embeddings = (embeddings[0], embeddings[1][order]) if embeddings is not None else None
            found = self._beads(src_texts, shuffled, mt, shuffled_embeddings)
            most = max(most, found[4] if found is not None else 0)
            if most >= matched:
                return most
        return None

    def _band(self, src: list[str], ref: list[str], mt: list[str] | None) -> tuple[list[int], int]:
        """Each row's centre and the band's half-width: a length-based diagonal, or for a long
        document the path of a cheap first pass (then a narrow band around it)."""
        s, n, m = self.settings, len(src), len(ref)
        width = min(max(s.min_band, 2 * abs(n - m) + int(0.1 * max(n, m))), s.max_band)
        diagonal = _length_diagonal([len(x) for x in src], [len(x) for x in ref])
        if n * (2 * width + 1) <= s.coarse_cells:
            return diagonal, width
        return _coarse_centres(mt if mt is not None else src, src, ref, diagonal, width, s), s.fine_width

    def _alignment(self, beads, src, ref, mt: list[str] | None, scorer: BeadScorer, centres, width) -> Alignment:
        """The beads as aligned pairs, and every line left out with the reason."""
        n, m = len(src), len(ref)

        def band(i: int) -> range:
            return range(max(0, centres[i] - width), min(m, centres[i] + width + 1))

        pairs: list[AlignedPair] = []
        unmatched: list[UnmatchedLine] = []
        for i, j, a, b in beads:
            if a and b:
                src_span, ref_span = src[i : i + a], ref[j : j + b]
                pairs.append(
                    AlignedPair(
                        source_lines=tuple(x.line for x in src_span),
                        reference_lines=tuple(x.line for x in ref_span),
                        source=" ".join(x.text for x in src_span),
                        hypothesis=" ".join(mt[i : i + a]) if mt is not None else None,
                        reference=" ".join(x.text for x in ref_span),
                        similarity=round(scorer.similarity(i, i + a, j, j + b), 2),
                        margin=round(scorer.evidence(i, i + a, j, j + b), 2),
                    )
                )
            elif a:
                unmatched.append(self._why(src[i], "source", [(i, i + 1, k, k + 1) for k in band(i)], ref, scorer))
            else:  # rows whose band holds j lie around i (centres are monotone): never a scan of all n
                rows = range(max(0, i - 3 * width - 2), min(n, i + 3 * width + 3))
                candidates = [(k, k + 1, j, j + 1) for k in rows if j in band(k)]
                unmatched.append(self._why(ref[j], "reference", candidates, src, scorer))
        return Alignment(pairs=pairs, unmatched=unmatched)

    def _why(self, segment, side, candidates, others, scorer: BeadScorer) -> UnmatchedLine:
        """Explain an unmatched line by its closest candidate on the other side."""
        other_side = "reference" if side == "source" else "source"
        if not candidates:
            return UnmatchedLine(
                side, segment.line, segment.text, f"only in the {side}: no {other_side} line is near it"
            )
        scored = [(scorer.evidence(*c), c) for c in candidates]
        z, (i0, i1, j0, j1) = max(scored)
        partner = others[j0] if side == "source" else others[i0]
        chrf = scorer.similarity(i0, i1, j0, j1)
        closest = f"closest is {other_side} line {partner.line} (chrF {chrf:.1f}, {z:.1f}σ above chance"
        if z >= self.settings.match_threshold:
            return UnmatchedLine(
                side,
                segment.line,
                segment.text,
                f"only in the {side}: {closest}), but that line fits better elsewhere in the document order",
            )
        return UnmatchedLine(
            side,
            segment.line,
            segment.text,
            f"only in the {side}: {closest}, needs {self.settings.match_threshold:g}σ)",
        )

    @staticmethod
    def _all_unmatched(src, ref, reason: str = "no alignment path found") -> Alignment:
        lines = [UnmatchedLine("source", x.line, x.text, reason) for x in src]
        lines += [UnmatchedLine("reference", x.line, x.text, reason) for x in ref]
        return Alignment(pairs=[], unmatched=lines)


def _matched(beads) -> int:
    """Source lines in matched beads."""
    return sum(a for _, _, a, b in beads if a and b)
