"""Align a source document with its reference: Aligner protocol and the DP aligner.

The DP aligner (numpy, scipy) is imported on first use, so code that only needs the data types
(the report model, the CLI's help) does not pay for it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .base import AlignedPair, Aligner, Alignment, GivenAlignment, UnmatchedLine

if TYPE_CHECKING:
    from .dp import AlignmentSettings, DynamicProgrammingAligner

__all__ = [
    "AlignedPair",
    "Aligner",
    "Alignment",
    "GivenAlignment",
    "AlignmentSettings",
    "DynamicProgrammingAligner",
    "UnmatchedLine",
]


def __getattr__(name: str) -> Any:
    if name in ("AlignmentSettings", "DynamicProgrammingAligner"):
        from . import dp

        return getattr(dp, name)
    raise AttributeError(f"module 'tqcheck.align' has no attribute {name!r}")
