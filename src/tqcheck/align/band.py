"""Where the aligner looks: the band of candidate cells around a path through the document.

The band is centred on a length-based diagonal; for long documents a cheap first pass
(character-trigram Dice, 1-1 beads) finds the path and the full scoring runs near it.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import TYPE_CHECKING

import numpy as np

from .cells import Band, band_tables
from .similarity import anchors

if TYPE_CHECKING:
    from .dp import AlignmentSettings


def _length_diagonal(src_lengths: list[int], ref_lengths: list[int]) -> list[int]:
    """For each source row (and the end), the reference index at the same fraction of the text:
    a better centre for the band than i*m/n when one side has runs of short lines."""
    import bisect
    from itertools import accumulate

    n, m = len(src_lengths), len(ref_lengths)
    if not n or not m:
        return [0] * (n + 1)
    src_cum = [0, *accumulate(x + 1 for x in src_lengths)]
    ref_cum = [0, *accumulate(x + 1 for x in ref_lengths)]
    scale = ref_cum[-1] / src_cum[-1]
    return [min(m, bisect.bisect_left(ref_cum, c * scale)) for c in src_cum]


def row_windows(centres: list[int], width: int, m: int) -> tuple[list[int], list[int]]:
    """The reference cells [lo[i], hi[i]] the DP visits in row i: the band around the row's centre,
    stretched where the path jumps (a run of one-sided reference lines) so that row i can walk
    to where row i + 1 starts: without that, the path breaks and nothing is matched."""
    lo = [max(0, c - width - 2) for c in centres]
    hi = [min(m, c + width + 2) for c in centres]
    for i in range(len(centres) - 1):
        if hi[i] < lo[i + 1]:
            hi[i] = lo[i + 1]
    return lo, hi


def _trigrams(text: str, source: str) -> Counter:
    """Character trigrams of the text, plus the source's anchors (names, numbers survive MT), as a set."""
    squeezed = "".join(text.casefold().split())
    return Counter(set(squeezed[k : k + 3] for k in range(len(squeezed) - 2)) | set(anchors(source)))


def _coarse_centres(
    hypotheses: list[str],
    sources: list[str],
    references: list[str],
    diagonal: list[int],
    width: int,
    settings: AlignmentSettings,
) -> list[int]:
    """For each source row (and the end), the reference index the cheap 1-1 path passes through."""
    from .scorer import Channel  # the same noise model as the fine pass

    n, m = len(hypotheses), len(references)
    margin = width + 3
    band = Band(start=np.asarray(diagonal[:n], dtype=np.int64) - margin, width=2 * margin + 1, rows=n, cols=m)

    def dice_cells(hyp_totals, ref_totals, matched):
        total = hyp_totals[0] + ref_totals[0]
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(total > 0, 200.0 * matched[0] / total, np.nan)

    dice = band_tables(
        [lambda i: [_trigrams(hypotheses[i], sources[i])]],
        lambda j: [_trigrams(references[j], references[j])],
        1,
        dice_cells,
        band,
        shapes=((1, 1),),
    )[0][(1, 1)]

    def similarity(i0, i1, j0, j1):  # a cell off the bulk tables
        a, b = _trigrams(hypotheses[i0], sources[i0]), _trigrams(references[j0], references[j0])
        return 200.0 * len(a.keys() & b.keys()) / (len(a) + len(b)) if a or b else None

    channel = Channel(
        {(1, 1): dice},
        band,
        np.asarray(diagonal[:n], dtype=np.int64),
        width,
        similarity,
        [len(t) for t in hypotheses],
        [len(t) for t in references],
        floor=2.0,
    )
    z_cells = channel.z_tables()[(1, 1)]
    start = band.start.tolist()
    lo, hi = row_windows(diagonal, width, m)
    best: list[list[float]] = []
    back: list[list[tuple[int, int] | None]] = []
    for i in range(n + 1):
        z_row = z_cells[i - 1].tolist() if i else []
        row_best = [-math.inf] * (hi[i] - lo[i] + 1)
        row_back: list[tuple[int, int] | None] = [None] * len(row_best)
        for j in range(lo[i], hi[i] + 1):
            if i == 0 and j == 0:
                row_best[0] = 0.0
                continue
            top, choice = -math.inf, None
            for a, b in ((1, 1), (1, 0), (0, 1)):
                pi, pj = i - a, j - b
                if pi < 0 or pj < lo[pi] or pj > hi[pi]:
                    continue
                previous = (best[pi] if pi < i else row_best)[pj - lo[pi]]
                if previous == -math.inf:
                    continue
                gain = 0.0
                if a and b:
                    offset = pj - start[pi]
                    value = z_row[offset] if 0 <= offset < band.width else channel.z(pi, i, pj, j)
                    gain = (0.0 if value is None or value != value else value) - settings.match_threshold
                if previous + gain > top:
                    top, choice = previous + gain, (a, b)
            if choice is not None:
                row_best[j - lo[i]] = top
                row_back[j - lo[i]] = choice
        best.append(row_best)
        back.append(row_back)
    if not lo[n] <= m <= hi[n] or back[n][m - lo[n]] is None:
        return diagonal
    centres = [0] * (n + 1)
    i, j = n, m
    centres[n] = m
    while (i, j) != (0, 0):
        step = back[i][j - lo[i]]
        assert step is not None
        a, b = step
        i, j = i - a, j - b
        centres[i] = j if a else centres[i]
    return centres
