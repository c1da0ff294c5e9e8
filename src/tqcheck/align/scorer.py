"""How good a bead is: the score the DP maximises, from its evidence channels.

Each channel (MT chrF, source chrF, anchor Dice, and in the last pass the document's own
translation table: glossary.py) scores every candidate cell of the band in bulk
(``cells``) and reads it in noise standard deviations (``channels``); a bead's evidence is their
weighted combination, plus a Gale-Church length term and merge priors. Spans the bulk pass did
not cover (a three-line bead in a gap, a cell off the band) are computed one at a time, with the
same numbers.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from .cells import SHAPES, Band, band_tables, chrf_cells
from .channels import Channel
from .similarity import (
    CHAR_ORDER,
    NgramProfiles,
    anchors,
    chrf_from_profiles,
    dice,
    gale_church_log_prob,
    length_delta_log_prob,
)

if TYPE_CHECKING:
    from .dp import AlignmentSettings


def _chrf_tables(hyp_texts: list[list[str]], ref_texts: list[str], band: Band) -> list[dict]:
    """Bulk chrF (beta=1) of every band cell and shape, for each hypothesis text against the reference."""
    from sacrebleu.metrics.helpers import extract_all_char_ngrams

    def featurize(texts: list[str]):
        return lambda index: extract_all_char_ngrams(texts[index], CHAR_ORDER)

    return band_tables(
        [featurize(texts) for texts in hyp_texts],
        featurize(ref_texts),
        CHAR_ORDER,
        lambda hyp, ref, matched: chrf_cells(hyp, ref, matched),
        band,
    )


def _dice_tables(hyp: list[Counter], ref: list[Counter], band: Band, smoothing: int = 3) -> dict:
    """Bulk anchor Dice (see ``similarity.dice``) of every band cell and shape; NaN where neither side has anchors."""

    def dice_cells(hyp_totals, ref_totals, matched):
        total = hyp_totals[0] + ref_totals[0]
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(total > 0, 200.0 * matched[0] / (total + smoothing), np.nan)

    return band_tables([lambda i: [hyp[i]]], lambda j: [ref[j]], 1, dice_cells, band)[0]


def _span_chrf(hyp: NgramProfiles, ref: NgramProfiles) -> Callable[[int, int, int, int], float]:
    """chrF of two spans, one at a time (what the bulk tables do not hold)."""

    def compute(i0: int, i1: int, j0: int, j1: int) -> float:
        return chrf_from_profiles(hyp.span(i0, i1), ref.span(j0, j1))

    return compute


def _span_counter(items: list[Counter], start: int, stop: int) -> Counter:
    """The multiset of a span of lines: its lines' multisets summed."""
    total = items[start].copy()
    for k in range(start + 1, stop):
        total.update(items[k])
    return total


def _lexical_channels(
    s: AlignmentSettings,
    source: list[str],
    reference: list[str],
    translations: list[str] | None,
    band: Band,
    centre_array: np.ndarray,
    width: int,
    src_lengths: list[int],
    ref_lengths: list[int],
) -> list[tuple[float, Channel]]:
    """MT chrF (when there is MT), source chrF and anchor Dice, each with its base weight."""
    ref_profiles = NgramProfiles(reference, keep=256)
    hyp_texts = ([translations] if translations is not None else []) + [source]
    chrf = _chrf_tables(hyp_texts, reference, band)
    channels: list[tuple[float, Channel]] = []
    for k, texts in enumerate(hyp_texts):
        kind = 1 if k == len(hyp_texts) - 1 else 0  # the source channel comes last, after the MT's
        profiles = NgramProfiles(texts, keep=256)
        channels.append(
            (
                s.channel_weights[kind],
                Channel(
                    chrf[k],
                    band,
                    centre_array,
                    width,
                    _span_chrf(profiles, ref_profiles),
                    src_lengths,
                    ref_lengths,
                    s.noise_floor[kind],
                ),
            )
        )
    src_anchors = [anchors(x) for x in source]
    ref_anchors = [anchors(x) for x in reference]
    channels.append(
        (
            s.channel_weights[2],
            Channel(
                _dice_tables(src_anchors, ref_anchors, band),
                band,
                centre_array,
                width,
                lambda i0, i1, j0, j1: dice(_span_counter(src_anchors, i0, i1), _span_counter(ref_anchors, j0, j1)),
                src_lengths,
                ref_lengths,
                s.noise_floor[2],
            ),
        )
    )
    return channels


class BeadScorer:
    """The score of every bead the DP may take: weighted channel evidence (z) above the match
    threshold, a Gale-Church length term, and merge priors. Channels are built once; ``reweight``
    changes how they combine (the second pass) without recomputing any similarity."""

    def __init__(
        self,
        settings: AlignmentSettings,
        source: list[str],
        reference: list[str],
        translations: list[str] | None,
        centres: list[int],
        width: int,
        embeddings: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> None:
        self.settings = s = settings
        n, m = len(source), len(reference)
        margin = width + 3  # the DP reaches cells up to width + 2 from a row's centre
        self.band = band = Band(
            start=np.asarray(centres[:n], dtype=np.int64) - margin, width=2 * margin + 1, rows=n, cols=m
        )
        self.src_lengths = [len(x) for x in source]
        self.ref_lengths = [len(x) for x in reference]
        centre_array = np.asarray(centres[:n], dtype=np.int64)
        self.channels = _lexical_channels(
            s, source, reference, translations, band, centre_array, width, self.src_lengths, self.ref_lengths
        )
        self._texts, self._centres, self._width = (source, reference), centre_array, width
        self._translations = translations
        if embeddings is not None:  # optional: cosine of sentence embeddings (align/embedding.py)
            from .embedding import centred, cosine_tables, span_cosine

            embeddings = centred(*embeddings)
            self.channels.append(
                (
                    s.embedding_weight,
                    Channel(
                        cosine_tables(*embeddings, band),
                        band,
                        centre_array,
                        width,
                        span_cosine(*embeddings),
                        self.src_lengths,
                        self.ref_lengths,
                        s.embedding_noise_floor,
                    ),
                )
            )
        # Gale-Church on source lengths scaled by the document's own length ratio: unlike MT
        # lengths, this holds whatever the MT quality.
        self.set_length_ratio(sum(self.ref_lengths) / max(sum(self.src_lengths), 1))
        # First-pass weights: how far each channel's best candidates stand out from noise.
        weights = [base * channel.signal for base, channel in self.channels]
        self.reweight(weights if any(weights) else [1.0] * len(self.channels))

    def add_glossary(self, beads) -> bool:
        """Add the channel of the document's own translation table (glossary.py), learned from the
        matched ``beads``, with a first weight like the others' (how far its best candidates stand
        out); False (nothing added) when too few beads or word pairs were there to learn from. The
        evidence tables are not recomputed here: the caller reweights next (once, not twice)."""
        from .glossary import glossed, learn_links, linked_words

        s = self.settings
        source, reference = self._texts
        matched = [bead for bead in beads if bead[2] and bead[3]]
        if len(matched) < s.glossary_min_pairs:
            return False
        links = learn_links(source, reference, matched, s.glossary_min_count, s.glossary_min_dice)
        if len(links) < s.glossary_min_links:
            return False
        src_glossed, ref_linked = glossed(source, links, self._translations), linked_words(reference, links)
        channel = Channel(
            _dice_tables(src_glossed, ref_linked, self.band),
            self.band,
            self._centres,
            self._width,
            lambda i0, i1, j0, j1: dice(_span_counter(src_glossed, i0, i1), _span_counter(ref_linked, j0, j1)),
            self.src_lengths,
            self.ref_lengths,
            s.noise_floor[2],
        )
        self.channels.append((s.glossary_weight, channel))
        self.weights.append(s.glossary_weight * channel.signal)
        return True

    def set_length_ratio(self, ratio: float) -> None:
        self.expected_lengths = [length * ratio for length in self.src_lengths]

    def reweight(self, weights: list[float]) -> None:
        self.weights = list(weights)
        tables = [channel.z_tables() for _, channel in self.channels]
        self._evidence = {}
        for shape in SHAPES:
            total = np.zeros((self.band.rows, self.band.width))
            norm = np.zeros_like(total)
            for weight, z_tables in zip(self.weights, tables):
                if not weight:
                    continue
                z = z_tables[shape]
                present = ~np.isnan(z)
                total = np.where(present, total + weight * np.nan_to_num(z), total)
                norm = np.where(present, norm + weight * weight, norm)
            with np.errstate(divide="ignore", invalid="ignore"):
                self._evidence[shape] = np.where(norm > 0, total / np.sqrt(norm), 0.0)
        self._start = self.band.start.tolist()

    def evidence(self, i0: int, i1: int, j0: int, j1: int) -> float:
        """Weighted z of a span pair over the channels that have something to say about it."""
        table = self._evidence.get((i1 - i0, j1 - j0))
        if table is not None and i0 < self.band.rows:
            offset = j0 - self._start[i0]
            if 0 <= offset < self.band.width:
                return float(table[i0, offset])
        total, norm = 0.0, 0.0
        for weight, (_, channel) in zip(self.weights, self.channels):
            if not weight:
                continue
            z = channel.z(i0, i1, j0, j1)
            if z is not None:
                total += weight * z
                norm += weight * weight
        return total / math.sqrt(norm) if norm else 0.0

    def length_log_prob(self, i0: int, i1: int, j0: int, j1: int) -> float:
        return gale_church_log_prob(
            sum(self.expected_lengths[i0:i1]), sum(self.ref_lengths[j0:j1]), self.settings.length_variance
        )

    def bead_score(self, i: int, j: int, a: int, b: int) -> float:
        s = self.settings
        if a == 0 or b == 0:
            return s.skip_score
        evidence = self.evidence
        combined = evidence(i, i + a, j, j + b)
        if (a, b) != (1, 1):
            best_part = max(evidence(i + x, i + x + 1, j + y, j + y + 1) for x in range(a) for y in range(b))
            if best_part < s.merge_min_part_evidence:
                return -math.inf  # a true merge or split shows in at least one of its parts
            if combined < best_part:
                return -math.inf  # and the other part adds to it: a one-sided title glued on takes away
        prior = 0.0 if (a, b) == (1, 1) else (s.merge_2x2_prior if (a, b) == (2, 2) else s.merge_prior)
        return (combined - s.match_threshold) + prior + s.length_weight * self.length_log_prob(i, i + a, j, j + b)

    def similarity(self, i0: int, i1: int, j0: int, j1: int) -> float:
        """The chrF reported for a pair: the MT's against the reference (the source's without MT)."""
        return self.channels[0][1].similarity(i0, i1, j0, j1) or 0.0

    def bead_tables(self) -> dict[tuple[int, int], np.ndarray]:
        """``bead_score`` of every bulk cell per matched shape, computed in bulk with the same
        arithmetic; NaN marks a cell whose merge parts fall off the band (scored one at a time)."""
        s, band = self.settings, self.band
        evidence = self._evidence
        columns = band.columns()
        rows = np.arange(band.rows)
        gale_church = np.frompyfunc(
            length_delta_log_prob, 1, 1
        )  # math.erf per cell: the very numbers of the scalar path
        expected = np.asarray(self.expected_lengths, dtype=np.float64)
        ref_lengths = np.asarray(self.ref_lengths, dtype=np.int64)
        out = {}
        for a, b in SHAPES:
            combined = evidence[(a, b)]
            score = combined.copy()
            if (a, b) != (1, 1):
                best_part = np.full(combined.shape, -np.inf)
                for x in range(a):
                    for y in range(b):
                        part_rows = np.minimum(rows + x, band.rows - 1)
                        offsets = (columns + y) - band.start[part_rows][:, None]
                        inside = (rows + x < band.rows)[:, None] & (offsets >= 0) & (offsets < band.width)
                        part = np.where(
                            inside, evidence[(1, 1)][part_rows[:, None], np.clip(offsets, 0, band.width - 1)], np.nan
                        )
                        best_part = np.where(np.isnan(part) | (part > best_part), part, best_part)  # NaN sticks
                ruled_out = (best_part < s.merge_min_part_evidence) | (combined < best_part)
                score = np.where(ruled_out, -np.inf, score)
                score = np.where(np.isnan(best_part), np.nan, score)
            prior = 0.0 if (a, b) == (1, 1) else (s.merge_2x2_prior if (a, b) == (2, 2) else s.merge_prior)
            l1 = expected[np.minimum(rows, band.rows - 1)].copy()
            if a == 2:
                l1[:-1] = l1[:-1] + expected[1:]
            safe_cols = np.clip(columns, 0, max(band.cols - 1, 0))
            l2 = ref_lengths[safe_cols] if band.cols else np.zeros(columns.shape, np.int64)
            if b == 2 and band.cols:
                l2 = l2 + ref_lengths[np.clip(columns + 1, 0, band.cols - 1)]
            mean = np.maximum((l1[:, None] + l2) / 2, 1.0)
            delta = (l2 - l1[:, None]) / np.sqrt(s.length_variance * mean)
            length = gale_church(delta).astype(np.float64) if delta.size else delta
            finite = np.isfinite(score)
            score = np.where(finite, (score - s.match_threshold) + prior + s.length_weight * length, score)
            out[(a, b)] = score
        return out
