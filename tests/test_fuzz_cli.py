"""Fuzz the CLI's options and settings file: whatever a user types, tqcheck answers with an exit
code from its contract and, on error, one line that is never an "unexpected ...Error"."""

from __future__ import annotations

import math

import pytest
from conftest import APERTIUM_SV_EN, EN, SV
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

NUMBERS = st.one_of(
    st.integers(-5, 5000).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["nan", "inf", "-inf", "1e999", "", " ", "0x10", "½", "30,5"]),
)
WORDS = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
METRIC_NAMES = st.sampled_from(
    ["bleu", "chrf", "ter", "comet", "cometkiwi", "BLEU", "meteor", "", "sv-en:bleu", "doc:bleu"]
)
LIMIT = st.tuples(METRIC_NAMES, st.sampled_from(["=", ":", "=="]), NUMBERS).map("".join)
ENGINE_KEYS = st.sampled_from(
    [
        "timeout",
        "beam_size",
        "batch_size",
        "cache_key",
        "independent",
        "command",
        "hypothesis",
        "nonsense",
        "device",
        "",
    ]
)

OPTIONS = st.lists(
    st.one_of(
        st.tuples(st.just("--fail-under"), LIMIT),
        st.tuples(st.just("--fail-over"), LIMIT),
        st.tuples(st.just("--max-drop"), st.one_of(LIMIT, METRIC_NAMES)),
        st.tuples(st.just("--alpha"), NUMBERS),
        st.tuples(st.just("--samples"), NUMBERS),
        st.tuples(st.just("--significance"), st.sampled_from(["bs", "ar", "BS", "t-test", ""])),
        st.tuples(st.just("--metrics"), st.lists(METRIC_NAMES, max_size=3).map(",".join)),
        st.tuples(st.just("--direction"), st.sampled_from(["sv-en", "en-sv", "both", "de-en", "sv", "-", "", "SV-EN"])),
        st.tuples(st.just("--unit"), st.sampled_from(["paragraph", "sentence", "word", ""])),
        st.tuples(
            st.just("--engine-option"), st.tuples(ENGINE_KEYS, st.just("="), st.one_of(NUMBERS, WORDS)).map("".join)
        ),
        st.tuples(st.just("--comet-batch-size"), NUMBERS),
        st.tuples(st.just("--comet-precision"), st.sampled_from(["fp32", "fp16", "bf16", ""])),
        st.tuples(st.just("--src-lang"), st.sampled_from(["sv", "en", "xx", "", "zh"])),
    ),
    max_size=4,
)

TOML_VALUES = st.recursive(
    st.one_of(
        st.integers(-3, 3),
        st.floats(allow_nan=False, allow_infinity=False),
        st.booleans(),
        WORDS.filter(lambda w: '"' not in w and "\\" not in w),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=2),
        st.dictionaries(st.sampled_from(["bleu", "timeout", "sv-en", "x"]), inner, max_size=2),
    ),
    max_leaves=4,
)
SETTING_KEYS = st.sampled_from(
    [
        "metrics",
        "engine_options",
        "fail_under",
        "fail_over",
        "max_drop",
        "alpha",
        "samples",
        "comet_batch_size",
        "direction",
        "unit",
        "strict",
        "cache",
        "baseline",
        "nonsense",
    ]
)


def _toml(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value) if math.isfinite(value) else "nan"
    if isinstance(value, str):
        return '"' + value.replace("\n", " ") + '"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return "{" + ", ".join(f'"{k}" = {_toml(v)}' for k, v in value.items()) + "}"


def _no_unexpected(result) -> None:
    assert result.exit_code in (0, 1, 2, 3), (result.exit_code, result.stderr)
    assert "unexpected" not in result.stderr and "Traceback" not in result.stderr, result.stderr
    if result.exit_code in (2, 3):
        assert result.stderr.strip(), "an error exit says why"


@pytest.mark.fuzz
@settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(options=OPTIONS)
def test_cli_options_never_reach_the_unexpected_path(invoke, options):
    flat = [part for pair in options for part in pair]
    _no_unexpected(invoke("check", SV, EN, "--engine", "file", "--hypothesis", APERTIUM_SV_EN, "--no-cache", *flat))


@pytest.mark.fuzz
@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(entries=st.dictionaries(SETTING_KEYS, TOML_VALUES, max_size=3))
def test_settings_file_values_never_reach_the_unexpected_path(invoke, tmp_path_factory, entries):
    folder = tmp_path_factory.mktemp("settings")
    config = folder / "tqcheck.toml"
    config.write_text("".join(f"{key} = {_toml(value)}\n" for key, value in entries.items()), encoding="utf-8")
    _no_unexpected(
        invoke(
            "check",
            SV,
            EN,
            "--engine",
            "command",
            "--command",
            f"cat >/dev/null; grep -v '^$' {APERTIUM_SV_EN}",
            "--direction",
            "sv-en",
            "--metrics",
            "bleu",
            "--no-cache",
            "--config",
            config,
        )
    )
