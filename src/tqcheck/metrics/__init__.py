"""Metrics behind one protocol: sacrebleu's BLEU/chrF/TER and unbabel-comet's COMET."""

from .base import Metric, MetricResult, TranslationTriple
from .registry import ALL_METRICS, DEFAULT_METRICS, ScoringSettings, create_metric, parse_metric_names

__all__ = [
    "ALL_METRICS",
    "DEFAULT_METRICS",
    "Metric",
    "MetricResult",
    "ScoringSettings",
    "TranslationTriple",
    "create_metric",
    "parse_metric_names",
]
