"""Where the aligner looks: the band of candidate cells around a path through the document.

The band is centred on a length-based diagonal; for long documents a cheap first pass
(character-trigram Dice, 1-1 beads) finds the path and the full scoring runs near it.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

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


def _trigrams(text: str, source: str) -> frozenset[str]:
    """Character trigrams of the text, plus the source's anchors (names, numbers survive MT)."""
    squeezed = "".join(text.casefold().split())
    return frozenset(squeezed[k : k + 3] for k in range(len(squeezed) - 2)) | frozenset(anchors(source))


def _coarse_centres(hypotheses: list[str], sources: list[str], references: list[str], diagonal: list[int],
                    width: int, settings: AlignmentSettings) -> list[int]:
    """For each source row (and the end), the reference index the cheap 1-1 path passes through."""
    from .dp import _Channel  # the same noise model as the fine pass (dp imports this module)

    n, m = len(hypotheses), len(references)
    hyp_sets = [_trigrams(t, s) for t, s in zip(hypotheses, sources)]
    ref_sets = [_trigrams(t, t) for t in references]

    def band(i: int) -> range:
        return range(max(0, diagonal[i] - width), min(m, diagonal[i] + width + 1))

    def similarity(i0, i1, j0, j1):
        a, b = hyp_sets[i0], ref_sets[j0]
        return 200.0 * len(a & b) / (len(a) + len(b)) if a or b else None

    channel = _Channel(similarity, [len(t) for t in hypotheses], [len(t) for t in references], band, floor=2.0)
    best = {(0, 0): 0.0}
    back: dict[tuple[int, int], tuple[int, int]] = {}
    for i in range(n + 1):
        for j in range(max(0, diagonal[i] - width - 2), min(m, diagonal[i] + width + 2) + 1):
            top, choice = -math.inf, None
            for a, b in ((1, 1), (1, 0), (0, 1)):
                pi, pj = i - a, j - b
                if (pi, pj) in best:
                    gain = 0.0 if not (a and b) else ((channel.z(pi, i, pj, j) or 0.0) - settings.match_threshold)
                    if best[(pi, pj)] + gain > top:
                        top, choice = best[(pi, pj)] + gain, (a, b)
            if choice is not None and (i, j) != (0, 0):
                best[(i, j)] = top
                back[(i, j)] = choice
    if (n, m) not in back:
        return diagonal
    centres = [0] * (n + 1)
    i, j = n, m
    centres[n] = m
    while (i, j) != (0, 0):
        a, b = back[(i, j)]
        i, j = i - a, j - b
        centres[i] = j if a else centres[i]
    return centres
