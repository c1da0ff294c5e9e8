"""Paired significance tests between two scored runs on the same segments, through sacrebleu.

BLEU, chrF and TER go through ``sacrebleu.significance.PairedTest`` on their sufficient
statistics. COMET goes through the very same ``PairedTest``: a small sacrebleu ``Metric`` whose
statistics are the segment scores (system score = their mean, as COMET's own system score),
so resampling, p-values and confidence intervals are sacrebleu's code for every metric.

Both runs are paired on their segments' (source lines, reference lines): for ``check`` the
alignment can move when the MT changes, so only the segments both runs aligned the same way
are compared, and the comparison says how many that was.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from .errors import InputError
from .metrics.specs import METRICS
from .report.model import DirectionReport

TESTS = {"bs": "paired bootstrap resampling", "ar": "approximate randomization"}
DEFAULT_SAMPLES = {"bs": 1000, "ar": 10000}
SACREBLEU_METRICS = tuple(name for name, s in METRICS.items() if s.sacrebleu)


@dataclass(frozen=True)
class PairedResult:
    """One metric, baseline vs system, on the same segments.

    ``*_ci`` are sacrebleu's (bootstrap mean, half-width of the 95% interval);
    ``p_value`` is sacrebleu's two-sided p-value for "the difference is chance"."""

    metric: str
    baseline: float
    system: float
    p_value: float
    baseline_ci: tuple[float, float]
    system_ci: tuple[float, float]
    test: str
    samples: int
    seed: str
    segments: int

    @property
    def delta(self) -> float:
        return self.system - self.baseline


@dataclass(frozen=True)
class Pairing:
    """The segments two runs share, as index lists into each run's segments."""

    baseline_indices: list[int]
    system_indices: list[int]
    baseline_total: int
    system_total: int

    @property
    def complete(self) -> bool:
        n = len(self.system_indices)
        return n == self.baseline_total == self.system_total

    def describe(self) -> str:
        return (
            f"paired on {len(self.system_indices)} segments aligned the same way in both runs "
            f"(baseline {self.baseline_total}, this run {self.system_total})"
        )


def pair_segments(baseline: DirectionReport, system: DirectionReport, baseline_name: str = "baseline") -> Pairing:
    """Match segments by their line (and sentence) numbers; refuse a baseline scored against another
    reference, or cut into other units."""
    if baseline.unit != system.unit:
        raise InputError(
            f"{baseline_name} was scored by {baseline.unit} and this run by {system.unit} ({system.direction}); "
            f"pass --unit {baseline.unit}, or write a new baseline with --json"
        )
    by_key = {s.key: k for k, s in enumerate(baseline.segments)}
    baseline_indices, system_indices = [], []
    for k, segment in enumerate(system.segments):
        j = by_key.get(segment.key)
        if j is None:
            continue
        if (baseline.segments[j].reference or "") != (segment.reference or ""):
            lines = ",".join(map(str, segment.reference_lines))
            raise InputError(
                f"{baseline_name} was scored against a different reference ({system.direction}, reference line {lines} "
                "differs); compare runs on the same reference, or write a new baseline with --json"
            )
        baseline_indices.append(j)
        system_indices.append(k)
    if not system_indices:
        raise InputError(
            f"{baseline_name} and this run share no segment in {system.direction} (no source/reference lines in common); "
            "compare runs on the same documents"
        )
    return Pairing(baseline_indices, system_indices, len(baseline.segments), len(system.segments))


def _signature_fields(signature: str) -> dict[str, str]:
    fields = {}
    for part in signature.split("|"):
        key, _, value = part.partition(":")
        fields[key] = value
    return fields


def signature_difference(baseline_signature: str, signature: str) -> str | None:
    """Which parts of two signatures differ, in words; None when they are equal."""
    if baseline_signature == signature:
        return None
    old, new = _signature_fields(baseline_signature), _signature_fields(signature)
    parts = [
        f"{key} {old.get(key, '(absent)')} → {new.get(key, '(absent)')}"
        for key in dict.fromkeys([*old, *new])
        if old.get(key) != new.get(key)
    ]
    return "; ".join(parts) or f"{baseline_signature!r} → {signature!r}"


def check_signatures(
    baseline: DirectionReport, system: DirectionReport, metrics: Sequence[str], baseline_name: str = "baseline"
) -> None:
    """Refuse to compare scores made differently (tokeniser, model, version...), naming what differs."""
    for name in metrics:
        old, new = baseline.metric(name), system.metric(name)
        if old is None:
            raise InputError(
                f"{baseline_name} has no {name} score for {system.direction}; "
                f"it has {', '.join(m.name for m in baseline.metrics) or 'none'}; "
                "rerun the baseline with that metric or leave it out of the comparison"
            )
        difference = signature_difference(old.signature, new.signature) if new is not None else None
        if difference:
            raise InputError(
                f"{baseline_name}'s {name} signature differs from this run's ({system.direction}: {difference}); "
                "scores made differently are not comparable: rerun the baseline with the same settings"
            )


def _sacrebleu_metric(name: str, tgt_lang: str):
    from .metrics.sacrebleu_metrics import SacrebleuMetric

    return SacrebleuMetric(name, tgt_lang=tgt_lang).corpus_metric()


def _segment_mean_metric(label: str, values: dict[str, float]):
    """A sacrebleu Metric whose statistics are precomputed segment scores (keyed by a token)."""
    import numpy as np
    from sacrebleu.metrics.base import Metric, Score

    class SegmentMean(Metric):
        def _preprocess_segment(self, sent: str) -> str:
            return sent

        def _extract_reference_info(self, refs):
            return {}

        def _compute_segment_statistics(self, hypothesis: str, ref_kwargs) -> list[float]:
            return [values[hypothesis], 1.0]

        def _compute_score_from_stats(self, stats) -> Score:
            return Score(label, float(stats[0]) / float(stats[1]))

        def _aggregate_and_compute(self, stats) -> Score:
            return self._compute_score_from_stats(np.sum(np.asarray(stats, dtype="float64"), axis=0))

    return SegmentMean()


def _by_cluster(metric, named_systems, references, clusters: Sequence[str]):
    """The same test with whole clusters (documents) as the units resampled: each cluster's row is the
    sum of its segments' sufficient statistics (every metric here aggregates by summing them), so
    sacrebleu's own resampling then draws documents instead of segments."""
    import numpy as np
    from sacrebleu.metrics.base import Metric

    order = list(dict.fromkeys(clusters))
    where = {name: k for k, name in enumerate(order)}
    rows: dict[str, list] = {}
    systems = []
    for system, hypotheses in named_systems:
        stats = np.asarray(metric._extract_corpus_statistics(list(hypotheses), references), dtype="float64")
        summed = np.zeros((len(order), stats.shape[1]))
        np.add.at(summed, [where[c] for c in clusters], stats)
        tokens = [f"{system}\x00{k}" for k in range(len(order))]
        rows.update(zip(tokens, summed.tolist()))
        systems.append((system, tokens))

    class ByCluster(Metric):
        def _preprocess_segment(self, sent: str) -> str:
            return sent

        def _extract_reference_info(self, refs):
            return {}

        def _extract_corpus_statistics(self, hypotheses, references):
            return [rows[h] for h in hypotheses]

        def _compute_segment_statistics(self, hypothesis: str, ref_kwargs) -> list[float]:
            return rows[hypothesis]

        def _compute_score_from_stats(self, stats):
            return metric._compute_score_from_stats(stats)

        def _aggregate_and_compute(self, stats):
            return metric._compute_score_from_stats(np.sum(np.asarray(stats, dtype="float64"), axis=0))

        def get_signature(self):
            return metric.get_signature()

    return ByCluster(), systems, [[f"cluster {k}" for k in range(len(order))]]


def _run_paired_test(
    named_systems, metrics: dict, references, test: str, samples: int, clusters: Sequence[str] | None = None
) -> dict[str, tuple]:
    from sacrebleu.significance import PairedTest

    if clusters is not None:
        results = {}
        for name, metric in metrics.items():
            by_cluster, systems, cluster_refs = _by_cluster(metric, named_systems, references, clusters)
            results.update(_run_paired_test(systems, {name: by_cluster}, cluster_refs, test, samples))
        return results

    # sacrebleu narrates each step at INFO; COMET's import leaves the root logger at INFO.
    logging.getLogger("sacrebleu").setLevel(logging.WARNING)
    paired = PairedTest(
        named_systems,
        metrics,
        references,
        test_type=test,
        n_samples=samples,
        n_ar_confidence=DEFAULT_SAMPLES["bs"] if test == "ar" else -1,
    )
    signatures, scores = paired()
    # PairedTest re-keys metrics by their score names (BLEU, chrF2, TER); its dict keeps our order.
    results = {}
    for ours, theirs in zip(metrics, paired.metrics):
        seed = str(signatures[theirs].info.get("seed"))
        results[ours] = (scores[theirs][0], scores[theirs][1], seed)
    return results


def paired_tests(
    baseline: DirectionReport,
    system: DirectionReport,
    metrics: Sequence[str],
    pairing: Pairing,
    *,
    test: str = "bs",
    samples: int | None = 0,
    by_document: bool = False,
) -> dict[str, PairedResult]:
    """Paired test of ``system`` against ``baseline`` for each metric, on the paired segments;
    ``by_document`` resamples whole documents of a corpus instead of segments."""
    if test not in TESTS:
        raise InputError(
            f"unknown significance test {test!r}; choose bs (paired bootstrap) or ar (approximate randomization)"
        )
    samples = samples or DEFAULT_SAMPLES[test]
    references = [[system.segments[k].reference or "" for k in pairing.system_indices]]
    clusters = [str(system.segments[k].document) for k in pairing.system_indices] if by_document else None
    if clusters is not None and len(set(clusters)) < 2:
        raise InputError(
            f"--resample documents needs at least 2 documents in common with the baseline ({system.direction} has "
            f"{len(set(clusters))}); resample segments instead"
        )
    raw: dict[str, tuple] = {}
    lexical = {name: _sacrebleu_metric(name, system.tgt_lang) for name in metrics if name in SACREBLEU_METRICS}
    if lexical:
        systems = [
            ("baseline", [baseline.segments[j].hypothesis for j in pairing.baseline_indices]),
            ("system", [system.segments[k].hypothesis for k in pairing.system_indices]),
        ]
        raw.update(_run_paired_test(systems, lexical, references, test, samples, clusters))
    for name in metrics:
        if name in SACREBLEU_METRICS:
            continue
        values: dict[str, float] = {}
        tokens: dict[str, list[str]] = {"baseline": [], "system": []}
        for side, report, indices in (
            ("baseline", baseline, pairing.baseline_indices),
            ("system", system, pairing.system_indices),
        ):
            for position, index in enumerate(indices):
                token = f"{side}\x00{position}"
                values[token] = float(report.segments[index].scores[name])
                tokens[side].append(token)
        metric = _segment_mean_metric(name, values)
        raw.update(_run_paired_test(list(tokens.items()), {name: metric}, references, test, samples, clusters))
    results = {}
    for name in metrics:
        old, new, seed = raw[name]
        # Identical scores are no difference at all; sacrebleu's resampling would still report a p-value.
        p_value = 1.0 if float(new.score) == float(old.score) else float(new.p_value)
        results[name] = PairedResult(
            metric=name,
            baseline=float(old.score),
            system=float(new.score),
            p_value=p_value,
            baseline_ci=(float(old.mean), float(old.ci)),
            system_ci=(float(new.mean), float(new.ci)),
            test=test,
            samples=samples,
            seed=seed,
            segments=len(pairing.system_indices),
        )
    return results
