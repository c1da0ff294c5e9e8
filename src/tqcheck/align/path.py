"""The best monotone path of beads through a band: the dynamic programme both passes share."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

Bead = tuple[int, int, int, int]  # (first source row, first reference row, source lines, reference lines)


def monotone_path(
    n: int,
    m: int,
    lo: Sequence[int],
    hi: Sequence[int],
    beads: Sequence[tuple[int, int]],
    score: Callable[[int, int, int, int], float],
) -> list[Bead] | None:
    """The highest-scoring path from (0, 0) to (n, m), or None when the band holds none.

    Row i visits reference cells lo[i]..hi[i]; ``score(i, j, a, b)`` is the bead of a source and b
    reference lines starting at (i, j) (-inf: not allowed). A cell no bead reaches stays -inf.
    Ties go to the bead listed first."""
    best: list[list[float]] = []
    back: list[list[tuple[int, int] | None]] = []
    for i in range(n + 1):
        row_best = [-math.inf] * (hi[i] - lo[i] + 1)
        row_back: list[tuple[int, int] | None] = [None] * len(row_best)
        for j in range(lo[i], hi[i] + 1):
            if i == 0 and j == 0:
                row_best[0] = 0.0  # lo[0] is 0
                continue
            top, choice = -math.inf, None
            for a, b in beads:
                pi, pj = i - a, j - b
                if pi < 0 or pj < lo[pi] or pj > hi[pi]:
                    continue
                previous = (best[pi] if pi < i else row_best)[pj - lo[pi]]
                if previous == -math.inf:
                    continue
                value = previous + score(pi, pj, a, b)
                if value > top:
                    top, choice = value, (a, b)
            if choice is not None:
                row_best[j - lo[i]] = top
                row_back[j - lo[i]] = choice
        best.append(row_best)
        back.append(row_back)
    if not lo[n] <= m <= hi[n] or (back[n][m - lo[n]] is None and (n, m) != (0, 0)):
        return None
    path: list[Bead] = []
    i, j = n, m
    while (i, j) != (0, 0):
        step = back[i][j - lo[i]]
        assert step is not None
        a, b = step
        path.append((i - a, j - b, a, b))
        i, j = i - a, j - b
    return path[::-1]
