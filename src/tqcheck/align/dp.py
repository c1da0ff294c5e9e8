"""Monotonic document alignment by dynamic programming over beads, then a path-level second look.

Beads 0-1, 1-0, 1-1, 1-2, 2-1 and 2-2. A matched bead scores its evidence z (how many noise
standard deviations its similarity stands above the background of its lines) minus a match
threshold, plus a Gale-Church length term and a small prior against merges. A skipped line
scores 0, so a line is matched only when the evidence says so: one-sided titles and
"read more" links come out unmatched instead of being glued onto a neighbour.

Short lines (table cells, headings) rarely carry 2σ of evidence on their own, so each gap the DP
leaves between two matches is aligned again with the order fixed by its anchors (_fill_gaps), and
a skipped line next to a match joins it when its MT is inside the partner (_absorb). The band
around a length-based diagonal is capped, so the cost is linear in the number of lines.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from statistics import median
from typing import Sequence

from ..documents import Document
from ..errors import InputError
from .base import AlignedPair, Alignment, UnmatchedLine
from .band import _coarse_centres, _length_diagonal
from .gaps import fill_gaps
from .similarity import NgramProfiles, anchors, chrf_from_profiles, dice

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
    skip_score: float = 0.0  # a line left unmatched, per line
    # Lines the DP left unmatched between two matches are re-aligned at a lower bar (see _fill_gaps).
    gap_threshold: float = 0.5  # evidence (z) a pair in a gap must beat (at least)
    gap_equal_bonus: float = 1.0  # a gap with as many lines on both sides: its lines most likely pair up
    gap_min_length_log_prob: float = math.log(0.05)  # lengths that disagree more never pair in a gap
    gap_band: int = 6
    gap_short_line: float = 30.0  # characters: below this, counter-evidence is shrunk in proportion
    # A skipped line joins a matched neighbour when this share of its trigrams (its MT's) is inside
    # the neighbour's partner; length alone never glues a line on (a one-sided title would fit too).
    absorb_containment: float = 0.5
    absorb_evidence_gain: float = 0.5  # ... or when joining it raises the bead's evidence by this much (z)
    min_band: int = 12
    # Above this many candidate cells, a cheap first pass (character-trigram Dice, 1-1 beads)
    # finds the path and the full scoring runs within fine_width of it.
    coarse_cells: int = 4000
    max_band: int = 40  # the coarse band's half-width never exceeds this: cost stays linear in the lines
    fine_width: int = 8


def _phi(x: float) -> float:
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


def _weighted(values: list[float], weights: list[int], start: int, stop: int) -> float:
    """A span's background: its lines' backgrounds weighted by length, so that a short junk
    line merged onto a paragraph does not lower the bar that paragraph has to clear."""
    if stop - start == 1:
        return values[start]
    total = sum(weights[start:stop])
    return sum(v * w for v, w in zip(values[start:stop], weights[start:stop])) / total


class _Channel:
    """One kind of evidence: similarity of spans, a per-line background, and a noise level."""

    def __init__(self, similarity, row_lengths: list[int], col_lengths: list[int], band, floor: float) -> None:
        self._compute = similarity  # (i0, i1, j0, j1) -> float | None
        self._cache: dict[tuple[int, int, int, int], float | None] = {}
        self.row_lengths = [max(n, 1) for n in row_lengths]
        self.col_lengths = [max(n, 1) for n in col_lengths]
        rows, cols = len(row_lengths), len(col_lengths)
        row_values: list[list[float]] = [[] for _ in range(rows)]
        col_values: list[list[float]] = [[] for _ in range(cols)]
        for i in range(rows):
            for j in band(i):
                value = similarity(i, i + 1, j, j + 1)
                if value is not None:
                    row_values[i].append(value)
                    col_values[j].append(value)
        self.row_background = [median(v) if v else 0.0 for v in row_values]
        self.col_background = [median(v) if v else 0.0 for v in col_values]
        margins = []
        for i in range(rows):
            for j in band(i):
                value = similarity(i, i + 1, j, j + 1)
                if value is not None:
                    margins.append(value - (self.row_background[i] + self.col_background[j]) / 2)
        centre = median(margins) if margins else 0.0
        spread = 1.4826 * median([abs(m - centre) for m in margins]) if margins else 0.0
        self.noise = max(spread, floor)
        # Signal: how far each line's best candidate stands out, beyond what the max of that
        # many noise draws would give. A channel without structure (MT from a broken model) gets ~0.
        tops, sizes = [], []
        for i in range(rows):
            zs = [z for j in band(i) if (z := self.z(i, i + 1, j, j + 1)) is not None]
            if zs:
                tops.append(max(zs))
                sizes.append(len(zs))
        expected_noise_max = math.sqrt(2 * math.log(max(median(sizes), 2))) if sizes else 0.0
        self.signal = max(0.0, median(tops) - expected_noise_max) if tops else 0.0

    def similarity(self, i0: int, i1: int, j0: int, j1: int) -> float | None:
        key = (i0, i1, j0, j1)
        if key not in self._cache:
            self._cache[key] = self._compute(i0, i1, j0, j1)
        return self._cache[key]

    def z(self, i0: int, i1: int, j0: int, j1: int) -> float | None:
        value = self.similarity(i0, i1, j0, j1)
        if value is None:
            return None
        background = (_weighted(self.row_background, self.row_lengths, i0, i1)
                      + _weighted(self.col_background, self.col_lengths, j0, j1)) / 2
        return (value - background) / self.noise


# The aligner's time and memory grow linearly with the line count, but steeply (2 cores: 5,000
# lines ~36 s and 1.1 GB); above this a pair is refused up front rather than run out of memory.
DEFAULT_MAX_ALIGN_LINES = 10000


def max_align_lines() -> int:
    raw = os.environ.get("TQCHECK_MAX_ALIGN_LINES", "")
    try:
        value = int(raw) if raw else DEFAULT_MAX_ALIGN_LINES
    except ValueError:
        value = 0
    if value < 1:
        raise InputError(f"TQCHECK_MAX_ALIGN_LINES={raw!r} is not a positive whole number of lines; "
                         f"set e.g. TQCHECK_MAX_ALIGN_LINES=8000, or unset it for the default {DEFAULT_MAX_ALIGN_LINES}")
    return value


class DynamicProgrammingAligner:
    """MT-guided paragraph aligner (works without MT too, on source/reference evidence alone)."""

    def __init__(self, settings: AlignmentSettings | None = None) -> None:
        self.settings = settings or AlignmentSettings()

    def check_size(self, source: Document, reference: Document) -> None:
        """Refuse (before any translation) a pair this aligner cannot finish in bounded memory."""
        limit = max_align_lines()
        for document in (source, reference):
            if len(document.segments) > limit:
                raise InputError(
                    f"{document.path}: has {len(document.segments)} lines, over the {limit}-line limit of the aligner "
                    f"(it needs about 220 KB of memory per line: ~1.1 GB at 5,000 lines); split the "
                    f"documents into matching parts, or raise the limit with TQCHECK_MAX_ALIGN_LINES="
                    f"{len(document.segments)} if the machine has the memory"
                )

    def align(self, source: Document, reference: Document, translations: Sequence[str] | None) -> Alignment:
        src = list(source.segments)
        ref = list(reference.segments)
        n, m = len(src), len(ref)
        if translations is not None and len(translations) != n:
            raise ValueError(f"{len(translations)} translations for {n} source segments")
        s = self.settings
        width = min(max(s.min_band, 2 * abs(n - m) + int(0.1 * max(n, m))), s.max_band)
        diagonal = _length_diagonal([len(x.text) for x in src], [len(x.text) for x in ref])
        if n * (2 * width + 1) > s.coarse_cells:
            # Long document: find the path cheaply first, then score finely around it.
            centres = _coarse_centres([x.text for x in src] if translations is None else list(translations),
                                      [x.text for x in src], [x.text for x in ref], diagonal, width, s)
            width = s.fine_width
        else:
            centres = diagonal

        def band(i: int) -> range:
            return range(max(0, centres[i] - width), min(m, centres[i] + width + 1))

        src_profiles = NgramProfiles([x.text for x in src])
        ref_profiles = NgramProfiles([x.text for x in ref])
        mt_texts = list(translations) if translations is not None else None
        mt_profiles = NgramProfiles(mt_texts) if mt_texts is not None else None
        src_anchors = [anchors(x.text) for x in src]
        ref_anchors = [anchors(x.text) for x in ref]

        def span_anchors(items, start, stop):
            total = items[start].copy()
            for k in range(start + 1, stop):
                total.update(items[k])
            return total

        src_lengths = [len(x.text) for x in src]
        ref_lengths = [len(x.text) for x in ref]
        channels: list[tuple[float, _Channel]] = []
        base_weights = s.channel_weights
        if mt_profiles is not None:
            channels.append((base_weights[0], _Channel(
                lambda i0, i1, j0, j1: chrf_from_profiles(mt_profiles.span(i0, i1), ref_profiles.span(j0, j1)),
                src_lengths, ref_lengths, band, s.noise_floor[0])))
        channels.append((base_weights[1], _Channel(
            lambda i0, i1, j0, j1: chrf_from_profiles(src_profiles.span(i0, i1), ref_profiles.span(j0, j1)),
            src_lengths, ref_lengths, band, s.noise_floor[1])))
        channels.append((base_weights[2], _Channel(
            lambda i0, i1, j0, j1: dice(span_anchors(src_anchors, i0, i1), span_anchors(ref_anchors, j0, j1)),
            src_lengths, ref_lengths, band, s.noise_floor[2])))

        # Gale-Church on source lengths scaled by the document's own length ratio: unlike MT
        # lengths, this holds whatever the MT quality.
        ratio = sum(ref_lengths) / max(sum(src_lengths), 1)
        expected_lengths = [length * ratio for length in src_lengths]

        # First-pass weights: how far each channel's best candidates stand out from noise.
        weights = [base * channel.signal for base, channel in channels]
        if not any(weights):
            weights = [1.0] * len(channels)

        def evidence(i0, i1, j0, j1) -> float:
            total, norm = 0.0, 0.0
            for weight, (_, channel) in zip(weights, channels):
                if not weight:
                    continue
                z = channel.z(i0, i1, j0, j1)
                if z is not None:
                    total += weight * z
                    norm += weight * weight
            return total / math.sqrt(norm) if norm else 0.0

        def length_log_prob(i0, i1, j0, j1) -> float:
            l1 = sum(expected_lengths[i0:i1])
            l2 = sum(ref_lengths[j0:j1])
            mean = max((l1 + l2) / 2, 1.0)
            delta = (l2 - l1) / math.sqrt(s.length_variance * mean)
            return math.log(max(2.0 * (1.0 - _phi(abs(delta))), 1e-12))

        def bead_score(i, j, a, b) -> float:
            if a == 0 or b == 0:
                return s.skip_score
            if (a, b) != (1, 1):
                best_part = max(evidence(i + x, i + x + 1, j + y, j + y + 1) for x in range(a) for y in range(b))
                if best_part < s.merge_min_part_evidence:
                    return -math.inf  # a true merge or split shows in at least one of its parts
                if evidence(i, i + a, j, j + b) < best_part:
                    return -math.inf  # and the other part adds to it: a one-sided title glued on takes away
            prior = 0.0 if (a, b) == (1, 1) else (s.merge_2x2_prior if (a, b) == (2, 2) else s.merge_prior)
            return (evidence(i, i + a, j, j + b) - s.match_threshold) + prior \
                + s.length_weight * length_log_prob(i, i + a, j, j + b)

        def solve() -> list[tuple[int, int, int, int]] | None:
            best = {(0, 0): 0.0}
            back: dict[tuple[int, int], tuple[int, int]] = {}
            for i in range(n + 1):
                for j in range(max(0, centres[i] - width - 2), min(m, centres[i] + width + 2) + 1):
                    if (i, j) == (0, 0):
                        continue
                    top, choice = -math.inf, None
                    for a, b in BEADS:
                        pi, pj = i - a, j - b
                        if pi < 0 or pj < 0 or (pi, pj) not in best:
                            continue
                        value = best[(pi, pj)] + bead_score(pi, pj, a, b)
                        if value > top:
                            top, choice = value, (a, b)
                    if choice is not None:
                        best[(i, j)] = top
                        back[(i, j)] = choice
            if (n, m) not in best:
                return None
            path = []
            i, j = n, m
            while (i, j) != (0, 0):
                a, b = back[(i, j)]
                path.append((i - a, j - b, a, b))
                i, j = i - a, j - b
            return path[::-1]

        beads = solve()
        if beads is None:  # band too narrow for a pathological input: everything unmatched
            return self._all_unmatched(src, ref)
        # Second pass: re-weight each channel by its mean z over the pairs the first pass matched
        # (mostly true matches), which also credits weak but real evidence, then align again.
        matched = [(i, j) for i, j, a, b in beads if (a, b) == (1, 1)]
        ratios = [ref_lengths[j] / src_lengths[i] for i, j in matched if src_lengths[i] >= 20 and ref_lengths[j] >= 20]
        if len(ratios) >= 3:
            # the length ratio of matched pairs, not of whole documents: one-sided lines (a deleted
            # paragraph, an added title) would skew that, and with it every Gale-Church term
            ratio = median(ratios)
            expected_lengths[:] = [length * ratio for length in src_lengths]
        if len(matched) >= 3:
            refined = []
            for (base, channel) in channels:
                zs = [z for i, j in matched if (z := channel.z(i, i + 1, j, j + 1)) is not None]
                refined.append(base * max(0.0, sum(zs) / len(zs)) if zs else 0.0)
            if any(refined):
                weights[:] = refined
                beads = solve() or beads
        beads = fill_gaps(self.settings, beads, evidence, length_log_prob, src_lengths, ref_lengths,
                                mt_texts if mt_texts is not None else [x.text for x in src], [x.text for x in ref])

        pairs: list[AlignedPair] = []
        unmatched: list[UnmatchedLine] = []
        for i, j, a, b in beads:
            if a and b:
                src_span, ref_span = src[i : i + a], ref[j : j + b]
                hyp_profile = (mt_profiles or src_profiles).span(i, i + a)
                pairs.append(AlignedPair(
                    source_lines=tuple(x.line for x in src_span),
                    reference_lines=tuple(x.line for x in ref_span),
                    source=" ".join(x.text for x in src_span),
                    hypothesis=" ".join(mt_texts[i : i + a]) if mt_texts is not None else None,
                    reference=" ".join(x.text for x in ref_span),
                    similarity=round(chrf_from_profiles(hyp_profile, ref_profiles.span(j, j + b)), 2),
                    margin=round(evidence(i, i + a, j, j + b), 2),
                ))
            elif a:
                unmatched.append(self._why(src[i], "source", i, [(i, i + 1, k, k + 1) for k in band(i)],
                                           ref, evidence, mt_profiles or src_profiles, ref_profiles))
            else:  # rows whose band holds j lie around i (centres are monotone): never a scan of all n
                candidates = [(k, k + 1, j, j + 1) for k in range(max(0, i - 3 * width - 2), min(n, i + 3 * width + 3))
                              if j in band(k)]
                unmatched.append(self._why(ref[j], "reference", j, candidates, src, evidence,
                                           mt_profiles or src_profiles, ref_profiles))
        return Alignment(pairs=pairs, unmatched=unmatched)

    def _why(self, segment, side, index, candidates, others, evidence, hyp_profiles, ref_profiles) -> UnmatchedLine:
        """Explain an unmatched line by its closest candidate on the other side."""
        other_side = "reference" if side == "source" else "source"
        if not candidates:
            return UnmatchedLine(side, segment.line, segment.text, f"only in the {side}: no {other_side} line is near it")
        scored = [(evidence(*c), c) for c in candidates]
        z, (i0, i1, j0, j1) = max(scored)
        partner = others[j0] if side == "source" else others[i0]
        chrf = chrf_from_profiles(hyp_profiles.span(i0, i1), ref_profiles.span(j0, j1))
        closest = f"closest is {other_side} line {partner.line} (chrF {chrf:.1f}, {z:.1f}σ above chance"
        if z >= self.settings.match_threshold:
            return UnmatchedLine(side, segment.line, segment.text,
                                 f"only in the {side}: {closest}), but that line fits better elsewhere in the document order")
        return UnmatchedLine(side, segment.line, segment.text,
                             f"only in the {side}: {closest}, needs {self.settings.match_threshold:g}σ)")

    @staticmethod
    def _all_unmatched(src, ref) -> Alignment:
        lines = [UnmatchedLine("source", x.line, x.text, "no alignment path found") for x in src]
        lines += [UnmatchedLine("reference", x.line, x.text, "no alignment path found") for x in ref]
        return Alignment(pairs=[], unmatched=lines)
