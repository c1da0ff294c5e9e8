"""Corpus runs: many document pairs (folders, a {lang} layout, a manifest, bilingual files), one
pooled verdict with a report per document."""

from .directions import CorpusDirection, corpus_directions
from .plan import CorpusPlan, PlannedPair, plan_bilingual, plan_folders, plan_manifest, plan_pattern
from .run import check_corpus

__all__ = [
    "CorpusDirection",
    "CorpusPlan",
    "PlannedPair",
    "check_corpus",
    "corpus_directions",
    "plan_bilingual",
    "plan_folders",
    "plan_manifest",
    "plan_pattern",
]
