"""Gate logic, table-driven: thresholds met, missed and equal; baselines better, worse but noise,
worse and significant; limits parsed and refused with a message that names the fix."""

import dataclasses

import pytest
from gate_data import DEGRADED, HYPOTHESES, NOISY, REFERENCES, SOURCES

from tqcheck.errors import InputError
from tqcheck.gate import GatePolicy, Limit, evaluate_gate, merge_limits, parse_limit
from tqcheck.pipeline import new_report, score_lines


def report_of(hypotheses, metrics=("bleu", "chrf", "ter")):
    return new_report(
        "score", [score_lines(hypotheses, REFERENCES, SOURCES, list(metrics), src_lang="sv", tgt_lang="en")]
    )


APERTIUM = report_of(HYPOTHESES)
SCORES = {m.name: m.score for m in APERTIUM.directions[0].metrics}

THRESHOLDS = [
    # flag kind, metric, threshold as offset from the real score, passes
    ("fail_under", "bleu", -1.0, True),
    ("fail_under", "bleu", +1.0, False),
    ("fail_under", "bleu", 0.0, True),  # equal passes
    ("fail_under", "chrf", +0.01, False),
    ("fail_over", "ter", +1.0, True),
    ("fail_over", "ter", -1.0, False),
    ("fail_over", "ter", 0.0, True),  # equal passes
]


@pytest.mark.parametrize("kind,metric,offset,passes", THRESHOLDS)
def test_thresholds(kind, metric, offset, passes):
    limit = Limit(kind, metric, SCORES[metric] + offset)
    result = evaluate_gate(APERTIUM, GatePolicy([limit]))
    (check,) = result.checks
    assert check.passed is passes and result.passed is passes
    assert check.value == SCORES[metric] and check.limit == SCORES[metric] + offset
    assert ("threshold" in check.reason) is (not passes)


BASELINES = [
    # new system, max-drop flags, expected passed per metric
    (HYPOTHESES, [], {"bleu": True, "chrf": True}),  # same system: no drop
    (NOISY, [], {"bleu": True, "chrf": True}),  # noise: within the default margins
    (
        NOISY,
        ["bleu=0.01", "chrf=0.01", "ter=0.01"],
        {"bleu": True, "chrf": True, "ter": True},
    ),  # beyond margin, not significant
    (DEGRADED, [], {"bleu": False, "chrf": False}),  # real drop: beyond margin and significant
    (DEGRADED, ["bleu=20", "ter=2"], {"bleu": True, "ter": False}),  # within a wide margin / TER rose significantly
]


@pytest.mark.parametrize("system,flags,expected", BASELINES)
def test_baselines(system, flags, expected, tmp_path):
    policy = GatePolicy([parse_limit("max_drop", f) for f in flags], baseline="base.json")
    result = evaluate_gate(report_of(system), policy, APERTIUM)
    assert {c.metric: c.passed for c in result.checks} == expected
    for check in result.checks:
        assert check.kind == "max_drop" and check.p_value is not None and check.segments == 20
        assert check.ci is not None and check.baseline_ci is not None
        if not check.passed:
            assert check.p_value < 0.05 and "significant" in check.reason
    if not flags:
        assert any("TER is not compared" in note for note in result.notes)


def test_improvement_against_a_worse_baseline_passes():
    result = evaluate_gate(APERTIUM, GatePolicy([], baseline="old.json"), report_of(DEGRADED))
    assert result.passed and all(c.delta > 0 and "no drop" in c.reason for c in result.checks)


def test_mismatched_signature_is_refused_naming_the_part():
    baseline = report_of(HYPOTHESES)
    bleu = baseline.directions[0].metrics[0]
    baseline.directions[0].metrics[0] = dataclasses.replace(
        bleu, signature=bleu.signature.replace("tok:13a", "tok:intl")
    )
    with pytest.raises(InputError, match=r"bleu signature differs .*sv-en: tok intl → 13a"):
        evaluate_gate(report_of(NOISY), GatePolicy([], baseline="base.json"), baseline)


def test_missing_direction_is_refused():
    baseline = report_of(HYPOTHESES)
    baseline.directions[0].src_lang = "de"
    with pytest.raises(InputError, match="has no sv-en direction.*de-en"):
        evaluate_gate(report_of(NOISY), GatePolicy([], baseline="base.json"), baseline)


def test_direction_specific_limit_replaces_the_general_one():
    policy = GatePolicy([Limit("fail_under", "bleu", 99.0), Limit("fail_under", "bleu", 1.0, "sv-en")])
    (check,) = evaluate_gate(APERTIUM, policy).checks
    assert check.passed and check.limit == 1.0
    assert evaluate_gate(APERTIUM, GatePolicy([Limit("fail_under", "bleu", 99.0, "en-sv")])).checks == []


def test_metric_not_computed_fails_its_check():
    report = report_of(HYPOTHESES, ["bleu"])
    (check,) = evaluate_gate(report, GatePolicy([Limit("fail_under", "chrf", 1.0)])).checks
    assert not check.passed and "no score" in check.reason


@pytest.mark.parametrize(
    "kind,text,expected",
    [
        ("fail_under", "bleu=30", Limit("fail_under", "bleu", 30.0)),
        ("fail_under", " COMET = 0.8 ", Limit("fail_under", "comet", 0.8)),
        ("fail_under", "sv-en:chrf=50", Limit("fail_under", "chrf", 50.0, "sv-en")),
        ("fail_over", "ter=60", Limit("fail_over", "ter", 60.0)),
        ("max_drop", "comet", Limit("max_drop", "comet", None)),
        ("max_drop", "en-sv:bleu=1.5", Limit("max_drop", "bleu", 1.5, "en-sv")),
    ],
)
def test_parse_limit(kind, text, expected):
    assert parse_limit(kind, text) == expected


@pytest.mark.parametrize(
    "kind,text,message",
    [
        ("fail_under", "ter=60", "lower-is-better; use --fail-over ter=VALUE"),
        ("fail_over", "bleu=30", "higher-is-better; use --fail-under bleu=VALUE"),
        ("fail_under", "blue=30", "unknown metric 'blue'"),
        ("fail_under", "bleu=high", "'high' is not a number"),
        ("fail_under", "bleu", "give a value"),
        ("max_drop", "ter", "no published margin for TER"),
        ("max_drop", "bleu=-1", "cannot be negative"),
        ("fail_under", "sven:bleu=3", "not a direction"),
    ],
)
def test_bad_limits_say_how_to_fix(kind, text, message):
    with pytest.raises(InputError, match=message):
        parse_limit(kind, text)


def test_policy_refuses_max_drop_without_baseline_and_bad_settings():
    with pytest.raises(InputError, match="add --baseline"):
        GatePolicy([Limit("max_drop", "bleu", 1.0)])
    with pytest.raises(InputError, match="choose bs"):
        GatePolicy([], baseline="b.json", test="t")
    with pytest.raises(InputError, match="between 0 and 1"):
        GatePolicy([], alpha=5)


def test_flags_replace_file_limits_per_metric_and_direction():
    merged = merge_limits(
        [Limit("fail_under", "bleu", 30.0), Limit("fail_under", "chrf", 50.0)],
        [Limit("fail_under", "bleu", 20.0), Limit("fail_under", "bleu", 25.0, "sv-en")],
    )
    assert sorted(merged, key=repr) == sorted(
        [
            Limit("fail_under", "bleu", 20.0),
            Limit("fail_under", "chrf", 50.0),
            Limit("fail_under", "bleu", 25.0, "sv-en"),
        ],
        key=repr,
    )
