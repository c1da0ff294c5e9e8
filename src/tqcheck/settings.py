"""Run settings merged once: a flag wins over the settings file, which wins over the defaults.

The CLI parses flags and hands them here; the library takes the frozen result. Which metrics run
is decided here too (a rule of the product, not of the command line)."""

from __future__ import annotations

from collections.abc import Sequence

from .config import Config
from .errors import InputError
from .metrics.registry import ScoringSettings, parse_metric_names


def select_metrics(
    spec: str | None,
    comet_model: str | None,
    required: Sequence[str] = (),
    qe_model: str | None = None,
    *,
    have_reference: bool = True,
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The metrics to run and those asked for explicitly (which must not be skipped silently).

    ``required``: metrics a gate check names; they count as asked for. Naming a QE model without
    --metrics adds cometkiwi to the defaults; with no reference at all (tqcheck score without
    --ref) quality estimation is what there is to score."""
    if spec is None and not have_reference:
        spec = "cometkiwi"
    names = parse_metric_names(spec)
    if spec is None and qe_model and "cometkiwi" not in names:
        names = (*names, "cometkiwi")
    if spec is None:
        names = (*names, *[m for m in required if m not in names])  # a gate on cometkiwi asks for it
    missing = [m for m in required if m not in names]
    if missing:
        raise InputError(
            f"the quality gate checks {', '.join(missing)}, which --metrics {spec} leaves out; "
            f"add {', '.join(missing)} to --metrics or drop those checks"
        )
    explicit = (
        names if spec is not None else ((("comet",) if comet_model else ()) + (("cometkiwi",) if qe_model else ()))
    )
    return names, tuple(dict.fromkeys([*explicit, *required]))


def scoring_settings(
    config: Config,
    *,
    metrics: str | None = None,
    comet_model: str | None = None,
    qe_model: str | None = None,
    comet_batch_size: int | None = None,
    comet_gpus: int | None = None,
    comet_precision: str | None = None,
    required: Sequence[str] = (),
    have_reference: bool = True,
    only: Sequence[str] | None = None,
    executor: str | None = None,
    ray_address: str | None = None,
) -> ScoringSettings:
    """Flags (None: not given) over the settings file over the defaults; ``only`` fixes the
    metrics (tqcheck audit scores with cometkiwi alone)."""
    comet_model = config.pick("comet_model", comet_model)
    qe_model = config.pick("qe_model", qe_model)
    if only is not None:
        names, explicit = tuple(only), tuple(only)
    else:
        names, explicit = select_metrics(
            config.pick("metrics", metrics), comet_model, required, qe_model, have_reference=have_reference
        )
    return ScoringSettings(
        metrics=names,
        explicit=explicit,
        comet_model=comet_model,
        qe_model=qe_model,
        comet_batch_size=config.pick("comet_batch_size", comet_batch_size, 16),
        comet_gpus=config.pick("comet_gpus", comet_gpus),
        comet_precision=config.pick("comet_precision", comet_precision, "fp32"),
        executor=_executor(config.pick("executor", executor, "local")),
        ray_address=config.pick("ray_address", ray_address),
    )


def preflight_checkpoints(settings: ScoringSettings) -> None:
    """Check local COMET/QE checkpoints before any translation (a wrong one fails in a second)."""
    if not any(name in ("comet", "cometkiwi") for name in settings.metrics):
        return
    from .metrics.checkpoints import preflight_local_checkpoint

    if "comet" in settings.metrics:
        preflight_local_checkpoint(settings.comet_model, flag="--comet-model", reference_free=False)
    if "cometkiwi" in settings.metrics:
        preflight_local_checkpoint(settings.qe_model, flag="--qe-model", reference_free=True)


def _executor(value) -> str:
    chosen = str(value).lower()
    if chosen not in ("local", "ray"):
        raise InputError(f"--executor {chosen}: choose local or ray")
    if chosen == "ray":
        from .translate.ray_executor import require_ray

        require_ray()
    return chosen
