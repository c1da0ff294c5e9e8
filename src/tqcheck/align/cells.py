"""The similarity of every candidate cell of the alignment band at once: sparse products, not a loop.

chrF and the anchor Dice both rest on the matched count of two multisets, Σ_g min(a_g, b_g). With
the k-th copy of a token as a column of its own, that count is the dot product of two 0/1 rows, so
a block of source rows against its window of reference rows is one scipy sparse product instead of
a dictionary walk per cell. Several kinds (n-gram orders) share one integer product: each kind's
columns carry the weight 2**(bits * field), and the dot product is read back field by field (exact,
as no count can reach 2**bits). Rows exist for single lines and for two adjacent lines summed, the
spans of the 2-1, 1-2 and 2-2 beads. The statistics are sacrebleu's; the F-score is its formula,
vectorised in the same order of operations, so each cell equals ``chrf_from_profiles``.
"""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

SHAPES = ((1, 1), (2, 1), (1, 2), (2, 2))
_BLOCK_ROWS = 32  # rows per sparse product: wider blocks compute more cells outside the band


@dataclass
class Band:
    """The cells scored in bulk: row i's window starts at reference index ``start[i]``, ``width`` wide."""

    start: np.ndarray
    width: int
    rows: int
    cols: int

    def columns(self, rows: np.ndarray | slice = slice(None)) -> np.ndarray:
        """The reference index of each cell of these rows (all rows by default)."""
        return self.start[rows][:, None] + np.arange(self.width)[None, :]


class Multisets:
    """One kind of token multiset (one n-gram order, or anchors) for every line of one text, as
    token ids and counts, with ids from a vocabulary shared by all texts of that kind."""

    def __init__(self, ids: array, counts: array, lengths: array) -> None:
        self.ids = np.frombuffer(ids, dtype=np.int32) if len(ids) else np.zeros(0, np.int32)
        self.counts = np.frombuffer(counts, dtype=np.int32) if len(counts) else np.zeros(0, np.int32)
        line_lengths = np.frombuffer(lengths, dtype=np.int32) if len(lengths) else np.zeros(0, np.int32)
        self.indptr = np.concatenate([[0], np.cumsum(line_lengths, dtype=np.int64)])
        self.totals = np.bincount(
            np.repeat(np.arange(len(line_lengths)), line_lengths), weights=self.counts, minlength=len(line_lengths)
        ).astype(np.int64)

    @classmethod
    def of_lines(cls, per_line: Iterable[list[Counter]], vocabularies: list[dict]) -> list[Multisets]:
        """One Multisets per kind from each line's Counters (one per kind), read in one pass: only
        ids and counts are kept (4 bytes each), never every line's Counters at once."""
        ids = [array("i") for _ in vocabularies]
        counts = [array("i") for _ in vocabularies]
        lengths = [array("i") for _ in vocabularies]
        for counters in per_line:
            for kind, (counter, vocabulary) in enumerate(zip(counters, vocabularies)):
                new = set(counter).difference(vocabulary)  # walks the counter, not the vocabulary
                if new:
                    vocabulary.update(zip(new, range(len(vocabulary), len(vocabulary) + len(new))))
                ids[kind].extend(map(vocabulary.__getitem__, counter))
                counts[kind].extend(counter.values())
                lengths[kind].append(len(counter))
        return [cls(*parts) for parts in zip(ids, counts, lengths)]

    def span_totals(self, size: int) -> np.ndarray:
        """Token count of each span of ``size`` lines starting at each line (0 past the end)."""
        out = self.totals.astype(np.int64).copy()
        for extra in range(1, size):
            out[:-extra] += self.totals[extra:]
            out[len(out) - extra :] = 0
        return out

    def span_items(self, starts: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(row, token id, count) of the spans ``starts[r] .. starts[r] + size``, counts summed per token."""
        rows_list, ids_list, counts_list = [], [], []
        for offset in range(size):
            lines = starts + offset
            lo, hi = self.indptr[lines], self.indptr[lines + 1]
            lens = hi - lo
            rows_list.append(np.repeat(np.arange(len(starts)), lens))
            index = np.repeat(lo - np.cumsum(np.concatenate([[0], lens[:-1]])), lens) + np.arange(lens.sum())
            ids_list.append(self.ids[index].astype(np.int64))
            counts_list.append(self.counts[index].astype(np.int64))
        rows, ids, counts = (np.concatenate(x) for x in (rows_list, ids_list, counts_list))
        if size > 1 and len(rows):
            base = int(ids.max()) + 1
            unique, inverse = np.unique(rows * base + ids, return_inverse=True)
            counts = np.bincount(inverse, weights=counts).astype(np.int64)
            rows, ids = unique // base, unique % base
        return rows, ids, counts


class _Layout:
    """Columns of one kind in the packed product: token id -> first column of its copies."""

    def __init__(self, texts: list[Multisets]) -> None:
        vocabulary = 1 + max([int(m.ids.max()) if len(m.ids) else 0 for m in texts])
        most = np.zeros(vocabulary, dtype=np.int64)
        for m in texts:
            if len(m.ids):
                np.maximum.at(most, m.ids, m.counts)
        # two lines summed hold at most twice the copies one line holds
        self.offsets = np.concatenate([[0], np.cumsum(2 * most)])
        self.columns = int(self.offsets[-1])
        self.max_total = max([int(m.span_totals(2).max()) if len(m.totals) else 0 for m in texts] + [1])


def _matrix(
    kinds: list[Multisets],
    layouts: list[_Layout],
    bases: list[int],
    weights: list[int],
    starts: np.ndarray,
    size: int,
    width: int,
):
    """Sparse rows (one per span start) holding one entry per copy of each token of each kind."""
    from scipy import sparse

    all_rows, all_cols, all_data = [], [], []
    for kind, layout, base, weight in zip(kinds, layouts, bases, weights):
        rows, ids, counts = kind.span_items(starts, size)
        first = np.repeat(layout.offsets[ids] + base, counts)
        copy = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
        all_rows.append(np.repeat(rows, counts))
        all_cols.append(first + copy)
        all_data.append(np.full(len(first), weight, dtype=np.int64))
    rows, cols, data = (np.concatenate(x) for x in (all_rows, all_cols, all_data))
    return sparse.csr_matrix((data, (rows, cols)), shape=(len(starts), width))


Featurize = Callable[[int], "list[Counter]"]  # line index -> its multiset of each kind
Score = Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]  # (hyp totals, ref totals, matched) -> values


def band_tables(
    hyps: list[Featurize],
    reference: Featurize,
    kinds: int,
    score: Score,
    band: Band,
    shapes: tuple[tuple[int, int], ...] = SHAPES,
) -> list[dict[tuple[int, int], np.ndarray]]:
    """For each hypothesis text, {bead shape: (rows, band width) array} of ``score`` over every band
    cell (NaN past either document's end). Blocks of rows are featurised with a vocabulary of their
    own and dropped, so memory holds one block's multisets, not the document's; the reference
    lines of one block's window are kept for the next, whose window mostly overlaps it (each line
    is featurised about once, not once per block that sees it)."""
    tables = [{shape: np.full((band.rows, band.width), np.nan) for shape in shapes} for _ in hyps]
    a_sizes = sorted({a for a, _ in shapes})
    b_sizes = sorted({b for _, b in shapes})
    window: dict[int, list[Counter]] = {}  # the last block's reference lines: the next block's mostly
    for block in range(0, band.rows, _BLOCK_ROWS):
        rows_here = np.arange(block, min(band.rows, block + _BLOCK_ROWS))
        lo = max(0, int(band.start[rows_here].min()))
        hi = min(band.cols, int(band.start[rows_here].max()) + band.width)
        if hi <= lo:
            continue
        vocabularies: list[dict] = [{} for _ in range(kinds)]
        lines = range(lo, min(band.cols, hi + 1))
        window = {j: window[j] if j in window else reference(j) for j in lines}
        ref = Multisets.of_lines((window[j] for j in lines), vocabularies)
        local = [
            Multisets.of_lines(
                (featurize(i) for i in range(block, min(band.rows, int(rows_here[-1]) + 2))), vocabularies
            )
            for featurize in hyps
        ]
        del vocabularies
        matched = _matched(local, ref, rows_here - block, hi - lo, band.cols - lo, shapes)
        columns = band.columns(rows_here) - lo
        for t, hyp in enumerate(local):
            for a in a_sizes:
                starts = rows_here[rows_here + a <= band.rows]
                hyp_totals = np.stack([m.span_totals(a)[starts - block] for m in hyp])[:, :, None]
                for b in b_sizes:
                    if (a, b) not in shapes:
                        continue
                    cols = columns[: len(starts)]
                    full = matched[(t, a, b)]  # (kinds, rows, reference starts in the block)
                    valid = (cols >= 0) & (cols < full.shape[2])
                    safe = np.clip(cols, 0, max(full.shape[2] - 1, 0))
                    counts = (
                        full[:, np.arange(len(starts))[:, None], safe]
                        if full.shape[2]
                        else np.zeros((kinds, *cols.shape), np.int64)
                    )
                    ref_totals = np.stack([m.span_totals(b) for m in ref])[:, safe]
                    values = score(hyp_totals, ref_totals, counts)
                    tables[t][(a, b)][starts] = np.where(valid, values, np.nan)
    return tables


def _matched(
    hyps: list[list[Multisets]], ref: list[Multisets], rows: np.ndarray, ref_lines: int, ref_left: int, shapes
) -> dict[tuple[int, int, int], np.ndarray]:
    """One block's matched counts: {(text, a, b): (kinds, rows, band width)}, by packed sparse products."""
    kinds = len(ref)
    layouts = [_Layout([m[k] for m in hyps] + [ref[k]]) for k in range(kinds)]
    bits = max(layout.max_total for layout in layouts).bit_length()
    per_product = max(1, 62 // bits)
    out: dict[tuple[int, int, int], np.ndarray] = {}
    for first_kind in range(0, kinds, per_product):
        group = list(range(first_kind, min(kinds, first_kind + per_product)))
        sizes = [layouts[k].columns for k in group]
        bases = [int(x) for x in np.concatenate([[0], np.cumsum(sizes)])[:-1]]
        width = int(sum(sizes))
        weights = [1 << (bits * field) for field in range(len(group))]
        refs = {}
        for b in sorted({b for _, b in shapes}):
            ref_starts = np.arange(max(0, min(ref_lines, ref_left - b + 1)))
            refs[b] = _matrix(
                [ref[k] for k in group], [layouts[k] for k in group], bases, [1] * len(group), ref_starts, b, width
            )
        for t, hyp in enumerate(hyps):
            for a in sorted({a for a, _ in shapes}):
                starts = rows[rows + a <= len(hyp[0].totals)]
                matrix = _matrix([hyp[k] for k in group], [layouts[k] for k in group], bases, weights, starts, a, width)
                for b in sorted({b for x, b in shapes if x == a}):
                    product = (matrix @ refs[b].T).toarray()
                    for field, k in enumerate(group):
                        counts = out.setdefault((t, a, b), np.zeros((kinds, len(starts), product.shape[1]), np.int64))
                        counts[k] = (product >> (bits * field)) & ((1 << bits) - 1)
    return out


def chrf_cells(hyp: np.ndarray, ref: np.ndarray, matched: np.ndarray) -> np.ndarray:
    """sacrebleu's CHRF(beta=1)._compute_f_score over arrays: hyp/ref/matched counts (orders, ...)."""
    eps = 1e-16
    avg_prec = np.zeros(matched.shape[1:])
    avg_rec = np.zeros(matched.shape[1:])
    effective = np.zeros(matched.shape[1:], dtype=np.int64)
    for order in range(matched.shape[0]):
        h, r, m = hyp[order], ref[order], matched[order].astype(np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            prec = np.where(h > 0, m / h, eps)
            rec = np.where(r > 0, m / r, eps)
        both = (h > 0) & (r > 0)
        avg_prec = np.where(both, avg_prec + prec, avg_prec)
        avg_rec = np.where(both, avg_rec + rec, avg_rec)
        effective += both
    with np.errstate(divide="ignore", invalid="ignore"):
        avg_prec = np.where(effective > 0, avg_prec / effective, 0.0)
        avg_rec = np.where(effective > 0, avg_rec / effective, 0.0)
        score = 2.0 * avg_prec * avg_rec
        score = score / (avg_prec + avg_rec)
        return np.where(avg_prec + avg_rec > 0, 100 * score, 0.0)
