"""Scoring: the metrics of a run over its units (aligned pairs, sentence pairs or plain lines),
with what each metric could not do said as a warning or a skip reason."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from .errors import ModelUnavailableError
from .metrics import Metric, MetricResult, ScoringSettings, TranslationTriple, create_metric
from .metrics.registry import NEURAL_METRICS, label
from .report.model import SegmentResult
from .translation import Progress, announce


class ScoringUnit(Protocol):
    """What a scored segment came from: lines of both files (and, in sentence mode, sentence ids)."""

    @property
    def source_lines(self) -> tuple[int, ...]: ...
    @property
    def reference_lines(self) -> tuple[int, ...]: ...
    @property
    def source_sentences(self) -> tuple[str, ...]: ...
    @property
    def reference_sentences(self) -> tuple[str, ...]: ...


@dataclass(frozen=True)
class LinePair:
    """Line k of line-parallel files (tqcheck score)."""

    source_lines: tuple[int, ...]
    reference_lines: tuple[int, ...]
    source_sentences: tuple[str, ...] = ()
    reference_sentences: tuple[str, ...] = ()


def load_libraries_while_engine_runs(translator, settings: ScoringSettings) -> None:
    """``start_loading_libraries`` once the engine actually runs: an out-of-process engine leaves
    this process idle, but a cached re-run never runs it and must not pay for importing comet when
    its COMET scores are cached too."""
    if translator is not None and not translator.runs_out_of_process:
        return
    if translator is not None and hasattr(translator, "when_engine_runs"):
        translator.when_engine_runs = lambda: start_loading_libraries(settings)
    else:
        start_loading_libraries(settings)


def start_loading_libraries(settings: ScoringSettings) -> None:
    """Import comet (and with it torch and Lightning, ~2.5 s) in a background thread while the MT
    engine and the aligner work, when a neural metric will run in this process. numpy is imported
    here first, so the two threads never wait on each other's half-imported modules."""
    if settings.executor != "local" or not any(name in NEURAL_METRICS for name in settings.metrics):
        return
    import importlib.util
    import threading

    import numpy  # noqa: F401

    if importlib.util.find_spec("comet") is None:
        return

    def load() -> None:
        import contextlib
        import warnings

        with warnings.catch_warnings(), contextlib.suppress(ImportError):
            warnings.simplefilter("ignore")
            import comet  # noqa: F401

    threading.Thread(target=load, name="tqcheck-import-comet", daemon=True).start()


def score_triples(
    triples: Sequence[TranslationTriple],
    settings: ScoringSettings,
    *,
    tgt_lang: str,
    progress: Progress | None = None,
    cache=None,
    on_scored: Callable[[Metric, MetricResult], None] | None = None,
) -> tuple[list[MetricResult], dict[str, str], dict[str, float]]:
    """Score with each metric of ``settings``. A neural metric that was not asked for explicitly and
    cannot be loaded is skipped with its reason instead of failing the run. ``on_scored`` sees each
    metric with its result (a corpus run takes its documents' scores from it)."""
    results: list[MetricResult] = []
    skipped: dict[str, str] = {}
    seconds: dict[str, float] = {}
    for name in settings.metrics:
        metric = create_metric(name, settings, tgt_lang=tgt_lang, cache=cache)
        announce(
            progress,
            f"{label(name)}: loading the model (unless every segment is cached) and scoring {len(triples)} segments"
            if name in NEURAL_METRICS
            else f"scoring {name} on {len(triples)} segments",
        )
        started = time.perf_counter()
        if progress is not None and hasattr(metric, "progress"):
            metric.progress = _counted(progress, f"{label(name)}: scoring with the model", started)
        try:
            result = metric.score(triples)
            results.append(result)
            if on_scored is not None:
                on_scored(metric, result)
        except ModelUnavailableError as error:
            if name in settings.explicit:
                raise
            skipped[name] = str(error)
        seconds[name] = round(time.perf_counter() - started, 3)
    return results, skipped, seconds


def _counted(progress, what: str, started: float) -> Callable[[int, int], None]:
    """A metric's (done, total) as a status line with the rate, like the MT's."""

    def report(done: int, total: int) -> None:
        rate = done / max(time.perf_counter() - started, 1e-9)
        progress(f"{what}: {done}/{total} segments ({rate:.1f}/s)")

    return report


def metric_warnings(results: list[MetricResult], segments: list[SegmentResult]) -> list[str]:
    """Say which segments a neural metric saw only in part (its encoder takes 512 tokens), and
    which model may not be used commercially."""
    warnings = [r.details["licence_note"] for r in results if r.details.get("licence_note")]
    for result in results:
        truncated = result.details.get("truncated_segments") or []
        if truncated:
            lines = ", ".join(",".join(map(str, segments[k].reference_lines)) for k in truncated[:10])
            warnings.append(
                f"{result.name}: {len(truncated)} segment(s) are longer than its encoder's 512 tokens and were "
                f"scored on their first 512 tokens only (reference lines {lines}{', ...' if len(truncated) > 10 else ''})"
            )
    return warnings


def segment_results(
    triples: Sequence[TranslationTriple],
    results: list[MetricResult],
    units: Sequence[ScoringUnit],
    documents: Sequence[str] | None = None,
) -> list[SegmentResult]:
    """Segment results; ``units`` say where each triple came from (aligned pairs or sentence pairs)
    and, in a corpus, ``documents`` which document pair."""
    return [
        SegmentResult(
            source_lines=unit.source_lines,
            reference_lines=unit.reference_lines,
            source_sentences=unit.source_sentences,
            reference_sentences=unit.reference_sentences,
            source=triple.source,
            hypothesis=triple.hypothesis,
            reference=triple.reference,
            scores={r.name: r.segment_scores[index] for r in results},
            error_spans={
                r.name: r.details["error_spans"][index]
                for r in results
                if r.details.get("error_spans") and r.details["error_spans"][index]
            },
            document=documents[index] if documents is not None else None,
        )
        for index, (triple, unit) in enumerate(zip(triples, units))
    ]
