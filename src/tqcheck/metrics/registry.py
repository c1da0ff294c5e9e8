"""Metric names -> lazily built metrics. Only COMET imports torch, and only when it scores."""

from __future__ import annotations

from typing import Sequence

from ..errors import InputError
from .base import Metric

SACREBLEU_METRICS = ("bleu", "chrf", "ter")
# cometkiwi: reference-free quality estimation (source + MT only), any COMET QE checkpoint.
NEURAL_METRICS = ("comet", "cometkiwi")
REFERENCE_FREE_METRICS = ("cometkiwi",)
ALL_METRICS = SACREBLEU_METRICS + NEURAL_METRICS
DEFAULT_METRICS = ("bleu", "chrf", "ter", "comet")
LABELS = {"bleu": "BLEU", "chrf": "chrF", "ter": "TER", "comet": "COMET", "cometkiwi": "CometKiwi"}


def label(name: str) -> str:
    """How a metric is written for people: BLEU, chrF, TER, COMET, CometKiwi."""
    return LABELS.get(name, name)


def format_score(name: str, value: float | None) -> str:
    """COMET lives on 0-1 and needs four decimals; sacrebleu's metrics on 0-100 need two."""
    if value is None or value != value:
        return "–"
    return f"{value:.4f}" if name in NEURAL_METRICS else f"{value:.2f}"


def format_delta(name: str, value: float | None) -> str:
    """A signed difference at the same precision as the score (a real minus sign)."""
    if value is None:
        return ""
    return format_score(name, abs(value)).join(("+" if value >= 0 else "−", ""))


def parse_metric_names(spec: str | Sequence[str] | None) -> tuple[str, ...]:
    """``"bleu,chrf"`` -> ("bleu", "chrf"), checked, order kept, duplicates dropped."""
    if spec is None:
        return DEFAULT_METRICS
    parts = spec.split(",") if isinstance(spec, str) else list(spec)
    names = tuple(dict.fromkeys(p.strip().lower() for p in parts if p.strip()))
    unknown = [n for n in names if n not in ALL_METRICS]
    if unknown or not names:
        raise InputError(f"unknown metric {', '.join(unknown) or '(none given)'}; choose from: {', '.join(ALL_METRICS)}")
    return names


def create_metric(name: str, *, tgt_lang: str | None = None, comet_model: str | None = None,
                  comet_batch_size: int = 16, comet_gpus: int | None = None, cache=None,
                  comet_precision: str = "fp32", qe_model: str | None = None) -> Metric:
    if name in SACREBLEU_METRICS:
        from .sacrebleu_metrics import SacrebleuMetric

        return SacrebleuMetric(name, tgt_lang=tgt_lang)
    if name == "comet":
        from .comet_metric import CometMetric

        return CometMetric(model=comet_model, batch_size=comet_batch_size, gpus=comet_gpus, cache=cache,
                           precision=comet_precision)
    if name == "cometkiwi":
        from .comet_metric import CometMetric

        return CometMetric(model=qe_model, batch_size=comet_batch_size, gpus=comet_gpus, cache=cache,
                           precision=comet_precision, reference_free=True)
    raise InputError(f"unknown metric {name!r}; choose from: {', '.join(ALL_METRICS)}")
