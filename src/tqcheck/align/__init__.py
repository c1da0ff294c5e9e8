"""Align a source document with its reference: Aligner protocol and the DP aligner."""

from .base import AlignedPair, Aligner, Alignment, GivenAlignment, UnmatchedLine
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
