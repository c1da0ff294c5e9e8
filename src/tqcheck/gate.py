"""The quality gate: thresholds on system scores and significant drops against a baseline.

A threshold fails when a score is on the wrong side of it (equal passes). A drop against the
baseline fails only when it is larger than its margin *and* significant (p < alpha in
sacrebleu's paired test), so that noise does not fail a build. Without explicit margins the
defaults are the metric deltas at which Kocmi et al. (2024, "Navigating the Metrics Maze")
found 80% agreement with human judgements of which system is better.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from .errors import InputError
from .metrics.registry import format_delta as _delta
from .metrics.registry import format_score as _fmt
from .metrics.registry import label as _label
from .metrics.specs import MARGIN_SOURCE, METRICS
from .report.model import DirectionReport, DocumentReport, Report
from .report.verdict import GateCheck, GateResult, Kind
from .significance import (
    DEFAULT_SAMPLES,
    TESTS,
    PairedResult,
    Pairing,
    check_signatures,
    pair_segments,
    paired_tests,
)

# Kocmi et al. 2024, metric delta for 80% pairwise accuracy against humans (COMET-22 on its 0-1 scale).
KOCMI_2024_MARGINS = {name: s.gate_margin for name, s in METRICS.items() if s.gate_margin is not None}
KOCMI_2024 = MARGIN_SOURCE
GATE_METRICS = tuple(METRICS)
LOWER_IS_BETTER = frozenset(name for name, s in METRICS.items() if not s.higher_is_better)

FLAGS = {"fail_under": "--fail-under", "fail_over": "--fail-over", "max_drop": "--max-drop"}


@dataclass(frozen=True)
class Limit:
    """One line of gate policy: ``kind`` of ``metric`` at ``value``, for one direction or all (None).

    For max_drop a value of None means the published default margin."""

    kind: Kind
    metric: str
    value: float | None
    direction: str | None = None
    scope: str = "corpus"  # "document": every document of a corpus run on its own

    def applies_to(self, direction: str) -> bool:
        return self.direction is None or self.direction == direction

    @property
    def spelled(self) -> str:
        """As written on the command line, without the value."""
        prefix = (self.direction + ":" if self.direction else "") + ("doc:" if self.scope == "document" else "")
        return f"{FLAGS[self.kind]} {prefix}{self.metric}"


def parse_limit(kind: Kind, text: str) -> Limit:
    """``[DIRECTION:][doc:]METRIC=VALUE`` (for --max-drop the ``=VALUE`` may be left out), checked;
    ``doc:`` applies it to every document of a corpus instead of the pooled score."""
    flag = FLAGS[kind]
    spec = text.strip()
    *prefixes, rest = spec.partition("=")[0].split(":")
    rest += spec[len(spec.partition("=")[0]) :]
    scope = "document" if any(p.strip().lower() in ("doc", "document") for p in prefixes) else "corpus"
    direction = ":".join(p for p in prefixes if p.strip().lower() not in ("doc", "document"))
    metric, sep, raw = rest.partition("=")
    metric = metric.strip().lower()
    value: float | None = None
    if sep:
        try:
            value = float(raw)
        except ValueError:
            raise InputError(
                f"{flag} {text}: {raw.strip()!r} is not a number; write {flag} {metric or 'bleu'}=30"
            ) from None
    elif kind != "max_drop":
        raise InputError(f"{flag} {text}: give a value, e.g. {flag} {metric or 'bleu'}=30")
    return make_limit(kind, metric, value, direction.strip().lower() or None, flag=f"{flag} {text}", scope=scope)


def make_limit(
    kind: Kind, metric: str, value: float | None, direction: str | None, *, flag: str, scope: str = "corpus"
) -> Limit:
    if value is not None and not math.isfinite(value):
        raise InputError(f"{flag}: {value} is not a finite number; give a threshold such as {metric or 'bleu'}=30")
    if metric not in GATE_METRICS:
        raise InputError(f"{flag}: unknown metric {metric!r}; choose from {', '.join(GATE_METRICS)}")
    if kind == "fail_under" and metric in LOWER_IS_BETTER:
        raise InputError(f"{flag}: {_label(metric)} is lower-is-better; use --fail-over {metric}=VALUE")
    if kind == "fail_over" and metric not in LOWER_IS_BETTER:
        raise InputError(f"{flag}: {_label(metric)} is higher-is-better; use --fail-under {metric}=VALUE")
    if kind == "max_drop":
        if value is None and metric not in KOCMI_2024_MARGINS:
            raise InputError(
                f"{flag}: there is no published margin for {_label(metric)}; give one, e.g. --max-drop {metric}=2"
            )
        if value is not None and value < 0:
            raise InputError(f"{flag}: a drop margin cannot be negative")
    if direction is not None:
        src, sep, tgt = direction.partition("-")
        if not (sep and src and tgt):
            raise InputError(f"{flag}: {direction!r} is not a direction like sv-en")
    if scope == "document" and kind == "max_drop" and value is None:
        raise InputError(f"{flag}: give a per-document drop margin, e.g. --max-drop doc:{metric}=5")
    return Limit(kind, metric, value, direction, scope)


def merge_limits(base: Iterable[Limit], overrides: Iterable[Limit]) -> list[Limit]:
    """Overrides (CLI flags) replace base limits (configuration) with the same kind, metric and direction."""
    merged = {(limit.kind, limit.metric, limit.direction, limit.scope): limit for limit in base}
    merged.update({(limit.kind, limit.metric, limit.direction, limit.scope): limit for limit in overrides})
    return list(merged.values())


def check_significance_settings(test: str, samples: int | None, alpha: float) -> None:
    """The paired test's settings, checked where they enter (gate and compare alike)."""
    if test not in TESTS:
        raise InputError(f"--significance {test}: choose bs (paired bootstrap) or ar (approximate randomization)")
    if not (isinstance(alpha, (int, float)) and 0 < alpha < 1):
        raise InputError(f"--alpha {alpha}: a significance level is between 0 and 1 (exclusive), e.g. 0.05")
    if samples is not None and samples < 1:
        raise InputError(f"--samples {samples}: give a positive number of resamples, e.g. 1000")


@dataclass
class GatePolicy:
    limits: list[Limit] = field(default_factory=list)
    baseline: str | None = None
    test: str = "bs"
    samples: int | None = None  # None: the test's default
    alpha: float = 0.05
    baseline_origin: str | None = None  # where the baseline path came from, for messages
    update_baseline: str | None = None  # write this run's report here as the new baseline (no drop checks)
    # corpus baselines: what the paired test resamples. Segments by default: sacrebleu's test as it is,
    # the same as for a single document, and meaningful with a handful of documents; documents on request,
    # stricter when a document's segments are alike (one translator, one topic) but coarse with few documents.
    resample: str = "segments"

    def __post_init__(self) -> None:
        check_significance_settings(self.test, self.samples, self.alpha)
        if self.resample not in ("segments", "documents"):
            raise InputError(f"--resample {self.resample}: choose segments or documents")
        if any(limit.kind == "max_drop" for limit in self.limits) and not self.baseline:
            raise InputError(
                "--max-drop compares against a baseline: add --baseline REPORT.json (a JSON report written by tqcheck --json)"
            )

    @property
    def active(self) -> bool:
        return bool(self.limits or self.baseline)

    def check_applies(self, directions: Iterable[str], metrics: Iterable[str], corpus: bool = False) -> None:
        """Refuse (before any work) a limit this run cannot check: a direction it does not run, a
        metric it does not compute, a per-document limit without documents. Dropping it silently
        would pass a gate with nothing checked."""
        directions, metrics = list(directions), list(metrics)
        for limit in self.limits:
            what = limit.spelled
            if limit.scope == "document" and not corpus:
                raise InputError(
                    f"{what} applies to every document of a corpus, and this run checks one document pair; "
                    "drop doc: (the pair's score is checked as it is)"
                )
            if limit.direction is not None and limit.direction not in directions:
                raise InputError(
                    f"{what} (from the flags or the settings file) names direction {limit.direction}, but "
                    f"this run checks {', '.join(directions)}; drop the limit or run that direction (--direction)"
                )
            if limit.metric not in metrics:
                raise InputError(
                    f"{what} (from the flags or the settings file) names {_label(limit.metric)}, which this "
                    f"run does not compute ({', '.join(metrics)}); add it to --metrics or drop the limit"
                )

    def metrics_needed(self) -> list[str]:
        """The metrics a gate check names (they must be computed, and not skipped silently)."""
        return list(dict.fromkeys(limit.metric for limit in self.limits))

    def for_direction(self, direction: str, kind: Kind, scope: str = "corpus") -> list[Limit]:
        """Limits of ``kind`` for a direction; a direction-specific limit replaces the general one."""
        chosen: dict[str, Limit] = {}
        for limit in self.limits:
            if (
                limit.kind == kind
                and limit.scope == scope
                and limit.applies_to(direction)
                and (limit.metric not in chosen or limit.direction is not None)
            ):
                chosen[limit.metric] = limit
        return list(chosen.values())


def _threshold_check(d: DirectionReport, limit: Limit, document: DocumentReport | None = None) -> GateCheck:
    """The pooled score (or one document's) against a threshold; no score at all fails."""
    assert limit.value is not None  # a threshold always has a value (only --max-drop may take the default)
    result = (document or d).metric(limit.metric)
    label = _label(limit.metric)
    where = f"{document.name}: " if document is not None else ""
    name = document.name if document is not None else None
    if result is None:
        reason = (document.not_scored if document is not None else None) or d.skipped_metrics.get(
            limit.metric, "it was not computed"
        )
        return GateCheck(
            d.direction,
            limit.metric,
            limit.kind,
            False,
            float("nan"),
            limit.value,
            f"{where}{label} has no score ({reason})",
            document=name,
        )
    value, threshold = result.score, float(limit.value)
    if limit.kind == "fail_under":
        passed = value >= threshold
        relation = "≥" if passed else "is under the threshold"
    else:
        passed = value <= threshold
        relation = "≤" if passed else "is over the threshold"
    return GateCheck(
        d.direction,
        limit.metric,
        limit.kind,
        passed,
        value,
        threshold,
        f"{where}{label} {_fmt(limit.metric, value)} {relation} {_fmt(limit.metric, threshold)}",
        document=name,
    )


def _drop_check(
    d: DirectionReport,
    limit: Limit,
    paired: PairedResult,
    alpha: float,
    margin_source: str,
    document: str | None = None,
) -> GateCheck:
    label, m = _label(limit.metric), limit.metric
    margin = float(limit.value if limit.value is not None else KOCMI_2024_MARGINS[m])
    worse_by = paired.delta if m in LOWER_IS_BETTER else -paired.delta
    where = f"{document}: " if document is not None else ""
    change = f"{where}{label} {_fmt(m, paired.baseline)} → {_fmt(m, paired.system)} ({_delta(m, paired.delta)} against the baseline)"
    evidence = f"p={paired.p_value:.4f}"
    if worse_by <= 0:
        passed, verdict = True, "no drop"
    elif worse_by <= margin:
        passed, verdict = True, f"worse, but within the margin {_fmt(m, margin)}"
    elif paired.p_value >= alpha:
        passed, verdict = (
            True,
            f"worse by more than the margin {_fmt(m, margin)}, but not significant ({evidence} ≥ {alpha}): noise",
        )
    else:
        passed, verdict = (
            False,
            f"worse by more than the margin {_fmt(m, margin)} and significant ({evidence} < {alpha})",
        )
    return GateCheck(
        d.direction,
        m,
        "max_drop",
        passed,
        paired.system,
        margin,
        f"{change}: {verdict}",
        baseline=paired.baseline,
        p_value=paired.p_value,
        ci=paired.system_ci,
        baseline_ci=paired.baseline_ci,
        margin_source=margin_source,
        segments=paired.segments,
        document=document,
    )


def _drop_limits(policy: GatePolicy, d: DirectionReport) -> tuple[list[Limit], list[str]]:
    """Explicit --max-drop limits, or the published defaults for every metric that has one."""
    if any(limit.kind == "max_drop" and limit.scope == "corpus" for limit in policy.limits):
        return policy.for_direction(d.direction, "max_drop"), []
    computed = [m.name for m in d.metrics]
    limits = [Limit("max_drop", name, None, None) for name in computed if name in KOCMI_2024_MARGINS]
    notes = [
        f"{_label(name)} is not compared with the baseline: there is no published margin; add --max-drop {name}=VALUE"
        for name in computed
        if name not in KOCMI_2024_MARGINS
    ]
    return limits, notes


def evaluate_gate(report: Report, policy: GatePolicy, baseline: Report | None = None) -> GateResult:
    """Apply the policy to every direction of ``report`` (and, for ``doc:`` limits, to every
    document of a corpus). Raises InputError for a baseline that cannot be compared (another
    reference, other signatures, a missing direction)."""
    result = GateResult(checks=[], baseline=policy.baseline, alpha=policy.alpha)
    if policy.baseline:
        result.test = policy.test
        result.samples = policy.samples or DEFAULT_SAMPLES[policy.test]
        if any(d.documents is not None for d in report.directions):
            result.resample = policy.resample
    for d in report.directions:
        for kind in ("fail_under", "fail_over"):
            result.checks.extend(_threshold_check(d, limit) for limit in policy.for_direction(d.direction, kind))
            for limit in policy.for_direction(d.direction, kind, scope="document"):
                result.checks.extend(_threshold_check(d, limit, doc) for doc in d.documents or [])
        if baseline is not None:
            _drop_checks(result, d, policy, baseline)
    return result


def _drop_checks(result: GateResult, d: DirectionReport, policy: GatePolicy, baseline: Report) -> None:
    """The pooled score against the baseline's, and with ``doc:`` limits each document against its own."""
    old = next((b for b in baseline.directions if b.direction == d.direction), None)
    if old is None:
        raise InputError(
            f"baseline {policy.baseline} has no {d.direction} direction (it has "
            f"{', '.join(b.direction for b in baseline.directions) or 'none'}); "
            "write the baseline from a run with the same --direction"
        )
    limits, notes = _drop_limits(policy, d)
    result.notes.extend(f"{d.direction}: {n}" for n in notes)
    document_limits = policy.for_direction(d.direction, "max_drop", scope="document")
    names = list(dict.fromkeys(limit.metric for limit in [*limits, *document_limits]))
    if not names:
        return
    check_signatures(old, d, names, baseline_name=f"baseline {policy.baseline}")
    pairing = pair_segments(old, d, baseline_name=f"baseline {policy.baseline}")
    if not pairing.complete:
        result.notes.append(f"{d.direction}: {pairing.describe()}")
    by_document = policy.resample == "documents" and d.documents is not None
    if limits:
        tests = paired_tests(
            old,
            d,
            [limit.metric for limit in limits],
            pairing,
            test=policy.test,
            samples=policy.samples,
            by_document=by_document,
        )
        for limit in limits:
            source = "set explicitly" if limit.value is not None else KOCMI_2024
            result.checks.append(_drop_check(d, limit, tests[limit.metric], policy.alpha, source))
    for doc in (d.documents or []) if document_limits else []:
        keep = [k for k, index in enumerate(pairing.system_indices) if d.segments[index].document == doc.name]
        if not keep:
            result.notes.append(f"{d.direction}: {doc.name} has no segment in common with the baseline; not compared")
            continue
        mine = Pairing(
            [pairing.baseline_indices[k] for k in keep],
            [pairing.system_indices[k] for k in keep],
            pairing.baseline_total,
            pairing.system_total,
        )
        tests = paired_tests(
            old, d, [limit.metric for limit in document_limits], mine, test=policy.test, samples=policy.samples
        )
        for limit in document_limits:
            result.checks.append(
                _drop_check(d, limit, tests[limit.metric], policy.alpha, "set explicitly", document=doc.name)
            )
