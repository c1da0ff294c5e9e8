"""Where the aligner looks: the band of candidate cells around a path through the document.

The band is centred on a length-based diagonal; for long documents a cheap first pass
(character-trigram Dice, 1-1 beads) finds the path and the full scoring runs near it.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

import numpy as np

from .cells import Band, band_tables
from .path import monotone_path
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


def _trigram_channel(
    hypotheses: list[str], sources: list[str], references: list[str], band: Band, centres: list[int], width: int
):
    """The coarse pass's one channel: character-trigram Dice (plus anchors) of every band cell."""
    from .scorer import Channel  # the same noise model as the fine pass

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

    return Channel(
        {(1, 1): dice},
        band,
        np.asarray(centres[: band.rows], dtype=np.int64),
        width,
        similarity,
        [len(t) for t in hypotheses],
        [len(t) for t in references],
        floor=2.0,
    )


def _coarse_centres(
    hypotheses: list[str],
    sources: list[str],
    references: list[str],
    diagonal: list[int],
    width: int,
    settings: AlignmentSettings,
) -> list[int]:
    """For each source row (and the end), the reference index the cheap 1-1 path passes through."""
    n, m = len(hypotheses), len(references)
    margin = width + 3
    band = Band(start=np.asarray(diagonal[:n], dtype=np.int64) - margin, width=2 * margin + 1, rows=n, cols=m)
    channel = _trigram_channel(hypotheses, sources, references, band, diagonal, width)
    z_cells = channel.z_tables()[(1, 1)]
    start = band.start.tolist()
    rows: dict[int, list[float]] = {}

    def gain(i: int, j: int, a: int, b: int) -> float:
        """A 1-1 bead gains its evidence above the threshold; a skipped line gains nothing."""
        if not (a and b):
            return 0.0
        if i not in rows:
            rows.pop(i - 2, None)
            rows[i] = z_cells[i].tolist()
        offset = j - start[i]
        value = rows[i][offset] if 0 <= offset < band.width else channel.z(i, i + 1, j, j + 1)
        return (0.0 if value is None or value != value else value) - settings.match_threshold

    lo, hi = row_windows(diagonal, width, m)
    path = monotone_path(n, m, lo, hi, ((1, 1), (1, 0), (0, 1)), gain)
    if path is None:
        return diagonal
    centres = [0] * (n + 1)
    centres[n] = m
    for i, j, a, _ in reversed(path):
        if a:
            centres[i] = j
    return centres
