"""One kind of alignment evidence (a channel): the similarity of every candidate cell, each line's
background (its median similarity to its neighbours) and the noise around it, so that evidence is
read in standard deviations above chance, whatever the MT quality."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from .cells import Band

Similarity = Callable[[int, int, int, int], "float | None"]


def _weighted(values: list[float], weights: list[int], start: int, stop: int) -> float:
    """A span's background: its lines' backgrounds weighted by length, so that a short junk
    line merged onto a paragraph does not lower the bar that paragraph has to clear."""
    if stop - start == 1:
        return values[start]
    total = sum(weights[start:stop])
    return sum(v * w for v, w in zip(values[start:stop], weights[start:stop])) / total


def _medians(groups: np.ndarray, values: np.ndarray, count: int) -> np.ndarray:
    """Median of ``values`` per group id (0.0 for an empty group), as statistics.median computes it."""
    order = np.lexsort((values, groups))
    groups, values = groups[order], values[order]
    sizes = np.bincount(groups, minlength=count)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    out = np.zeros(count)
    odd = sizes % 2 == 1
    even = (sizes > 0) & ~odd
    out[odd] = values[starts[odd] + sizes[odd] // 2]
    out[even] = (values[starts[even] + sizes[even] // 2 - 1] + values[starts[even] + sizes[even] // 2]) / 2
    return out


def _median(values: np.ndarray) -> float:
    return float(_medians(np.zeros(len(values), dtype=np.int64), values, 1)[0])


class Channel:
    """One kind of evidence: the similarity of spans, a per-line background, and a noise level.

    ``tables`` hold the bulk similarities of the band's cells per bead shape (NaN: no evidence,
    e.g. no anchors on either side); ``compute`` gives any other span's similarity."""

    def __init__(
        self,
        tables: dict[tuple[int, int], np.ndarray],
        band: Band,
        centres: np.ndarray,
        width: int,
        compute: Similarity,
        row_lengths: list[int],
        col_lengths: list[int],
        floor: float,
    ) -> None:
        self._tables = tables
        self._band = band
        self._start = band.start.tolist()
        self._compute = compute
        self.row_lengths = [max(n, 1) for n in row_lengths]
        self.col_lengths = [max(n, 1) for n in col_lengths]
        rows, cols = band.rows, band.cols
        values = tables[(1, 1)][:rows]
        columns = band.columns()
        in_band = (
            (np.abs(columns - centres[:rows, None]) <= width) & (columns >= 0) & (columns < cols) & ~np.isnan(values)
        )
        row_ids = np.broadcast_to(np.arange(rows)[:, None], values.shape)[in_band]
        col_ids, cell_values = columns[in_band], values[in_band]
        row_bg = _medians(row_ids, cell_values, rows)
        col_bg = _medians(col_ids, cell_values, cols)
        self.row_background, self.col_background = row_bg.tolist(), col_bg.tolist()
        margins = cell_values - (row_bg[row_ids] + col_bg[col_ids]) / 2
        centre = _median(margins) if len(margins) else 0.0
        spread = 1.4826 * _median(np.abs(margins - centre)) if len(margins) else 0.0
        self.noise = max(spread, floor)
        self._backgrounds = {
            1: (row_bg, col_bg),
            2: (self._pair_background(row_bg, self.row_lengths), self._pair_background(col_bg, self.col_lengths)),
        }
        # Signal: how far each line's best candidate stands out, beyond what the max of that
        # many noise draws would give. A channel without structure (MT from a broken model) gets ~0.
        zs = (cell_values - (row_bg[row_ids] + col_bg[col_ids]) / 2) / self.noise
        tops = np.full(rows, -np.inf)
        np.maximum.at(tops, row_ids, zs)
        sizes = np.bincount(row_ids, minlength=rows)
        if sizes.any():
            expected_noise_max = math.sqrt(2 * math.log(max(_median(sizes[sizes > 0].astype(float)), 2)))
            self.signal = max(0.0, _median(tops[sizes > 0]) - expected_noise_max)
        else:
            self.signal = 0.0

    @staticmethod
    def _pair_background(values: np.ndarray, lengths: list[int]) -> np.ndarray:
        weights = np.asarray(lengths, dtype=np.float64)
        out = values.copy()
        out[:-1] = (values[:-1] * weights[:-1] + values[1:] * weights[1:]) / (weights[:-1] + weights[1:])
        return out

    def _cell(self, i0: int, i1: int, j0: int, j1: int) -> int | None:
        """Index of the span in the bulk tables, or None when they do not hold it."""
        if (i1 - i0, j1 - j0) not in self._tables or i0 >= self._band.rows:
            return None
        offset = j0 - self._start[i0]
        return offset if 0 <= offset < self._band.width else None

    def similarity(self, i0: int, i1: int, j0: int, j1: int) -> float | None:
        offset = self._cell(i0, i1, j0, j1)
        if offset is None:
            return self._compute(i0, i1, j0, j1)
        value = float(self._tables[(i1 - i0, j1 - j0)][i0, offset])
        return None if value != value else value  # NaN: no evidence

    def z(self, i0: int, i1: int, j0: int, j1: int) -> float | None:
        value = self.similarity(i0, i1, j0, j1)
        if value is None:
            return None
        background = (
            _weighted(self.row_background, self.row_lengths, i0, i1)
            + _weighted(self.col_background, self.col_lengths, j0, j1)
        ) / 2
        return (value - background) / self.noise

    def z_tables(self) -> dict[tuple[int, int], np.ndarray]:
        """z of every bulk cell per shape, the same arithmetic as ``z``."""
        columns = np.clip(self._band.columns(), 0, self._band.cols - 1)
        out = {}
        for (a, b), table in self._tables.items():
            rows_bg, _ = self._backgrounds[a]
            _, cols_bg = self._backgrounds[b]
            out[(a, b)] = (table - (rows_bg[:, None] + cols_bg[columns]) / 2) / self.noise
        return out
