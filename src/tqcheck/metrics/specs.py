"""What each metric is, said once: the gate, significance tests, reports and the worst-segment
ordering all read this table rather than keep their own lists of names."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MetricSpec:
    name: str
    label: str  # how people write it
    higher_is_better: bool
    decimals: int  # COMET lives on 0-1 and needs four; sacrebleu's 0-100 metrics need two
    scale: tuple[float, float] | None  # fixed range of a segment score (None: none, e.g. COMET)
    scale_is_open: bool  # segment scores can pass the top of the scale (TER: more edits than words)
    needs_reference: bool
    neural: bool  # a model scores it (reads the source too, may need a hub download and a GPU)
    sacrebleu: bool  # sacrebleu computes it, with its own significance tests
    # the gate's default --max-drop margin: Kocmi et al. 2024, the metric delta that agrees with
    # human judgements 80% of the time (None: no published margin; a drop needs an explicit value)
    gate_margin: float | None
    worst_rank: int  # which computed metric orders the "worst segments": the most human-like (lowest)


METRICS: dict[str, MetricSpec] = {
    spec.name: spec
    for spec in (
        MetricSpec("bleu", "BLEU", True, 2, (0.0, 100.0), False, True, False, True, 2.34, 3),
        MetricSpec("chrf", "chrF", True, 2, (0.0, 100.0), False, True, False, True, 1.63, 2),
        MetricSpec("ter", "TER", False, 2, (0.0, 100.0), True, True, False, True, None, 4),
        MetricSpec("comet", "COMET", True, 4, None, False, True, True, False, 0.0056, 0),
        # reference-free quality estimation (source + MT only), any COMET QE checkpoint
        MetricSpec("cometkiwi", "CometKiwi", True, 4, None, False, False, True, False, None, 1),
    )
}
MARGIN_SOURCE = "from Kocmi et al. 2024 (80% agreement with humans)"


def spec(name: str) -> MetricSpec:
    return METRICS[name]
