"""Paired tests go through sacrebleu's PairedTest: same numbers as calling it directly, and the
COMET path (segment-score means) equals sacrebleu's bootstrap algorithm written out by hand."""

import numpy as np
import pytest
from gate_data import DEGRADED, HYPOTHESES, NOISY, REFERENCES, SOURCES
from sacrebleu.metrics import BLEU, CHRF, TER
from sacrebleu.significance import PairedTest

from tqcheck.errors import InputError
from tqcheck.metrics.base import MetricResult
from tqcheck.pipeline import score_lines
from tqcheck.significance import pair_segments, paired_tests, signature_difference


def scored(hypotheses, metrics=("bleu", "chrf", "ter")):
    return score_lines(hypotheses, REFERENCES, SOURCES, list(metrics), src_lang="sv", tgt_lang="en")


def with_segment_metric(report, name, values):
    """Attach a segment-level metric (as COMET's: system score = mean of segment scores)."""
    report.metrics.append(MetricResult(name, float(np.mean(values)), "model:test|comet:2.2.7", list(values)))
    for segment, value in zip(report.segments, values):
        segment.scores[name] = float(value)
    return report


@pytest.mark.parametrize("test", ["bs", "ar"])
@pytest.mark.parametrize("system", [NOISY, DEGRADED], ids=["noisy", "degraded"])
def test_lexical_metrics_equal_sacrebleu_paired_test(test, system):
    baseline, candidate = scored(HYPOTHESES), scored(system)
    ours = paired_tests(baseline, candidate, ["bleu", "chrf", "ter"], pair_segments(baseline, candidate), test=test)
    metrics = {"BLEU": BLEU(trg_lang="en"), "chrF2": CHRF(), "TER": TER()}
    _, theirs = PairedTest(
        [("baseline", HYPOTHESES), ("system", system)],
        metrics,
        [REFERENCES],
        test_type=test,
        n_ar_confidence=1000 if test == "ar" else -1,
    )()
    for name, key in (("bleu", "BLEU"), ("chrf", "chrF2"), ("ter", "TER")):
        old, new = theirs[key]
        assert ours[name].p_value == pytest.approx(new.p_value)
        assert ours[name].system == pytest.approx(new.score) and ours[name].baseline == pytest.approx(old.score)
        assert ours[name].system_ci == pytest.approx((new.mean, new.ci))
        assert ours[name].baseline_ci == pytest.approx((old.mean, old.ci))
        assert ours[name].segments == 20


def sacrebleu_bootstrap_by_hand(baseline_values, system_values, n_samples=1000, seed=12345):
    """sacrebleu's _paired_bs_test and estimate_ci, for a metric whose score is the mean of segment scores."""
    b, s = np.asarray(baseline_values), np.asarray(system_values)
    idxs = np.random.default_rng(seed).choice(len(s), size=(n_samples, len(s)), replace=True)
    scores_b, scores_s = b[idxs].mean(axis=1), s[idxs].mean(axis=1)
    diffs = np.abs(scores_s - scores_b)
    p = (np.sum((diffs - diffs.mean()) > abs(s.mean() - b.mean())) + 1) / (n_samples + 1)
    ordered = np.sort(scores_s)
    lower, upper = ordered[n_samples // 40], ordered[n_samples - n_samples // 40 - 1]
    return p, scores_s.mean(), 0.5 * (upper - lower)


@pytest.mark.parametrize("shift", [0.0, 0.01, 0.2])
def test_segment_metric_bootstrap_is_sacrebleus_algorithm(shift):
    rng = np.random.default_rng(7)
    base_values = rng.uniform(0.5, 0.9, 20)
    noise = rng.normal(0, 0.05, 20)
    system_values = base_values - shift + (noise - noise.mean())  # the system means differ by exactly ``shift``
    baseline = with_segment_metric(scored(HYPOTHESES, ["bleu"]), "comet", base_values)
    candidate = with_segment_metric(scored(HYPOTHESES, ["bleu"]), "comet", system_values)
    result = paired_tests(baseline, candidate, ["comet"], pair_segments(baseline, candidate))["comet"]
    p, mean, half = sacrebleu_bootstrap_by_hand(base_values, system_values)
    assert result.p_value == pytest.approx(p)
    assert result.system == pytest.approx(system_values.mean()) and result.baseline == pytest.approx(base_values.mean())
    assert result.system_ci == pytest.approx((mean, half), rel=1e-5)
    if shift == 0.2:
        assert result.p_value < 0.01
    if shift == 0.0:
        assert result.p_value > 0.05


def test_pairing_uses_shared_segments_only():
    baseline, candidate = scored(HYPOTHESES), scored(NOISY)
    candidate.segments = candidate.segments[2:]  # as if the alignment no longer matched the first two
    pairing = pair_segments(baseline, candidate)
    assert pairing.baseline_indices == list(range(2, 20)) and not pairing.complete


def test_other_reference_is_refused():
    baseline, candidate = scored(HYPOTHESES), scored(NOISY)
    object.__setattr__(baseline.segments[5], "reference", "Something else entirely.")
    with pytest.raises(InputError, match="different reference.*reference line 6"):
        pair_segments(baseline, candidate)


@pytest.mark.parametrize(
    "old,new,expected",
    [
        ("nrefs:1|tok:13a|version:2.6.0", "nrefs:1|tok:13a|version:2.6.0", None),
        ("nrefs:1|tok:13a|version:2.6.0", "nrefs:1|tok:intl|version:2.6.0", "tok 13a → intl"),
        ("nrefs:1|tok:13a|version:2.5.1", "nrefs:1|tok:13a|version:2.6.0", "version 2.5.1 → 2.6.0"),
        ("model:a|comet:2.2.7", "model:b|rev:1234|comet:2.2.7", "model a → b; rev (absent) → 1234"),
    ],
)
def test_signature_difference_names_the_part(old, new, expected):
    assert signature_difference(old, new) == expected


def test_sacrebleu_narration_is_kept_off_stderr():
    import logging

    logging.getLogger("sacrebleu").setLevel(logging.INFO)
    baseline, candidate = scored(HYPOTHESES, ["bleu"]), scored(NOISY, ["bleu"])
    paired_tests(baseline, candidate, ["bleu"], pair_segments(baseline, candidate))
    assert logging.getLogger("sacrebleu").getEffectiveLevel() >= logging.WARNING
