"""Compare several scored runs of the same documents: scores with CIs, deltas, significance, winners.

The first report is the baseline every other is tested against (as in sacrebleu's paired
tests). All runs are compared on the segments they all share; the winner of a metric is the
best score, and it is called clear only when it is significantly better than the runner-up.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from .errors import InputError
from .report.model import DirectionReport, Report
from .significance import DEFAULT_SAMPLES, Pairing, check_signatures, pair_segments, paired_tests


@dataclass(frozen=True)
class SystemScore:
    name: str
    score: float
    ci: tuple[float, float]
    delta: float | None = None  # against the baseline (the first report)
    p_value: float | None = None  # against the baseline


@dataclass(frozen=True)
class MetricComparison:
    direction: str
    metric: str
    higher_is_better: bool
    systems: list[SystemScore]
    winner: str
    runner_up: str
    winner_p_value: float
    segments: int

    @property
    def no_difference(self) -> bool:
        """The best two scores are equal: nobody won."""
        by_name = {s.name: s.score for s in self.systems}
        return by_name[self.winner] == by_name[self.runner_up]

    def clear_winner(self, alpha: float) -> bool:
        return not self.no_difference and self.winner_p_value < alpha

    def verdict(self, alpha: float) -> str:
        if self.no_difference:
            return f"no difference between {self.winner} and {self.runner_up}"
        if self.clear_winner(alpha):
            return f"{self.winner} (clear winner, p={self.winner_p_value:.4f})"
        return f"{self.winner} (not significantly better than {self.runner_up}, p={self.winner_p_value:.4f})"


@dataclass
class Comparison:
    names: list[str]
    rows: list[MetricComparison]
    test: str
    samples: int
    alpha: float
    notes: list[str] = field(default_factory=list)


def _shared_pairings(directions: Sequence[DirectionReport], names: Sequence[str]) -> list[Pairing]:
    """Pairings of the baseline with each other run, restricted to the segments all runs share."""
    baseline = directions[0]
    pairings = [pair_segments(baseline, d, baseline_name=names[0]) for d in directions[1:]]
    shared = set(range(len(baseline.segments)))
    for p in pairings:
        shared &= set(p.baseline_indices)
    if not shared:
        raise InputError(f"the reports share no segment in {baseline.direction}; compare runs on the same documents")
    restricted = []
    for p in pairings:
        keep = [(b, s) for b, s in zip(p.baseline_indices, p.system_indices) if b in shared]
        restricted.append(Pairing([b for b, _ in keep], [s for _, s in keep], p.baseline_total, p.system_total))
    return restricted


def _between(a: DirectionReport, a_pairing: Pairing, b: DirectionReport, b_pairing: Pairing) -> Pairing:
    """Pairing of two non-baseline runs through their (identically ordered) pairings with the baseline."""
    return Pairing(a_pairing.system_indices, b_pairing.system_indices, len(a.segments), len(b.segments))


def compare_reports(
    reports: Sequence[tuple[str, Report]],
    *,
    metrics: Sequence[str] | None = None,
    test: str = "bs",
    samples: int = 0,
    alpha: float = 0.05,
) -> Comparison:
    if len(reports) < 2:
        raise InputError("compare needs at least two reports: BASELINE.json OTHER.json [...]")
    names = [name for name, _ in reports]
    samples = samples or DEFAULT_SAMPLES.get(test, 0)
    comparison = Comparison(names=names, rows=[], test=test, samples=samples, alpha=alpha)
    first = reports[0][1]
    for base in first.directions:
        directions = [base]
        for name, report in reports[1:]:
            match = next((d for d in report.directions if d.direction == base.direction), None)
            if match is None:
                comparison.notes.append(f"{base.direction}: not in {name}; left out")
                break
            directions.append(match)
        if len(directions) < len(reports):
            continue
        shared = [m.name for m in base.metrics if all(d.metric(m.name) is not None for d in directions[1:])]
        chosen = [m for m in shared if metrics is None or m in metrics]
        comparison.notes.extend(
            f"{base.direction}: {m.name} is not in every report; left out"
            for m in base.metrics
            if m.name not in shared and (metrics is None or m.name in metrics)
        )
        if not chosen:
            continue
        for d in directions[1:]:
            check_signatures(base, d, chosen, baseline_name=names[0])
        pairings = _shared_pairings(directions, names)
        if any(not p.complete for p in pairings):
            comparison.notes.append(
                f"{base.direction}: compared on the {len(pairings[0].system_indices)} segments all runs aligned the same way"
            )
        against_baseline = [
            paired_tests(base, d, chosen, p, test=test, samples=samples) for d, p in zip(directions[1:], pairings)
        ]
        for metric in chosen:
            base_result = base.metric(metric)
            assert base_result is not None  # ``chosen`` holds metrics every report has
            higher = base_result.higher_is_better
            first_result = against_baseline[0][metric]
            systems = [SystemScore(names[0], first_result.baseline, first_result.baseline_ci)]
            systems += [
                SystemScore(n, r[metric].system, r[metric].system_ci, r[metric].delta, r[metric].p_value)
                for n, r in zip(names[1:], against_baseline)
            ]
            order = sorted(range(len(systems)), key=lambda k: systems[k].score, reverse=higher)
            best, second = order[0], order[1]
            if best == 0 or second == 0:
                p_value = systems[max(best, second)].p_value  # the one that is not the baseline has one
            else:
                pairing = _between(directions[best], pairings[best - 1], directions[second], pairings[second - 1])
                p_value = paired_tests(
                    directions[second], directions[best], [metric], pairing, test=test, samples=samples
                )[metric].p_value
            comparison.rows.append(
                MetricComparison(
                    direction=base.direction,
                    metric=metric,
                    higher_is_better=higher,
                    systems=systems,
                    winner=names[best],
                    runner_up=names[second],
                    winner_p_value=float(p_value if p_value is not None else "nan"),
                    segments=len(pairings[0].system_indices),
                )
            )
    if not comparison.rows:
        raise InputError(
            "the reports have no direction and metric in common to compare; "
            "compare reports of the same documents scored with the same metrics"
        )
    return comparison
