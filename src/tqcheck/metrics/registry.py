"""Metric names -> lazily built metrics. Only COMET imports torch, and only when it scores."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from ..errors import InputError
from .base import Metric
from .specs import METRICS

SACREBLEU_METRICS = tuple(name for name, s in METRICS.items() if s.sacrebleu)
NEURAL_METRICS = tuple(name for name, s in METRICS.items() if s.neural)
REFERENCE_FREE_METRICS = tuple(name for name, s in METRICS.items() if not s.needs_reference)
ALL_METRICS = tuple(METRICS)
DEFAULT_METRICS = ("bleu", "chrf", "ter", "comet")


def label(name: str) -> str:
    """How a metric is written for people: BLEU, chrF, TER, COMET, CometKiwi."""
    return METRICS[name].label if name in METRICS else name


def format_score(name: str, value: float | None) -> str:
    """At the metric's own precision (four decimals on COMET's 0-1, two on sacrebleu's 0-100)."""
    if value is None or value != value:
        return "–"
    return f"{value:.{METRICS[name].decimals if name in METRICS else 2}f}"


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
        raise InputError(
            f"unknown metric {', '.join(unknown) or '(none given)'}; choose from: {', '.join(ALL_METRICS)}"
        )
    return names


@dataclass(frozen=True)
class ScoringSettings:
    """Which metrics run and how the neural ones load: merged once (flags over the settings file
    over these defaults) and handed to the library whole."""

    metrics: tuple[str, ...] = DEFAULT_METRICS
    explicit: tuple[str, ...] = ()  # asked for by name (or by a gate check): never skipped silently
    comet_model: str | None = None  # None: Unbabel/wmt22-comet-da
    qe_model: str | None = None  # None: Unbabel/wmt22-cometkiwi-da
    comet_batch_size: int = 16
    comet_gpus: int | None = None  # None: every GPU there is (or the CPU)
    comet_precision: str = "fp32"
    executor: str = "local"  # "ray": the neural metrics' model runs on a Ray cluster
    ray_address: str | None = None

    @classmethod
    def of(cls, value: ScoringSettings | Sequence[str]) -> ScoringSettings:
        """Settings as given, or the defaults with just these metric names."""
        return value if isinstance(value, ScoringSettings) else cls(metrics=parse_metric_names(list(value)))

    def but(self, **changes) -> ScoringSettings:
        return replace(self, **changes)


def create_metric(
    name: str, settings: ScoringSettings | None = None, *, tgt_lang: str | None = None, cache=None
) -> Metric:
    settings = settings or ScoringSettings()
    if name in SACREBLEU_METRICS:
        from .sacrebleu_metrics import SacrebleuMetric

        return SacrebleuMetric(
            name, tgt_lang=tgt_lang, executor=settings.executor, ray_address=settings.ray_address, cache=cache
        )
    if name in NEURAL_METRICS:
        from .comet_metric import CometMetric

        reference_free = not METRICS[name].needs_reference
        common: dict[str, Any] = {}
        kind: type[CometMetric] = CometMetric
        if settings.executor == "ray":
            from .comet_ray import RayCometMetric

            kind, common = RayCometMetric, {"address": settings.ray_address}
        return kind(
            model=settings.qe_model if reference_free else settings.comet_model,
            batch_size=settings.comet_batch_size,
            gpus=settings.comet_gpus,
            cache=cache,
            precision=settings.comet_precision,
            reference_free=reference_free,
            **common,
        )
    raise InputError(f"unknown metric {name!r}; choose from: {', '.join(ALL_METRICS)}")
