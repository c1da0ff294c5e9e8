"""The real hub models, where they are in the local cache (`tqcheck models pull ...` puts them there).

Offline CI has no hub, so these skip with the reason; the tiny-model tests cover the same code."""

import json

import pytest
from conftest import APERTIUM_SV_EN, EN, GOLD_SV_EN, SV

from tqcheck.hub import cached_locally

pytestmark = pytest.mark.slow

MARIAN = ("Helsinki-NLP/opus-mt-sv-en", "Helsinki-NLP/opus-mt-en-sv")
COMET = "Unbabel/wmt22-comet-da"


def require(*names):
    missing = [n for n in names if not cached_locally(n)]
    if missing:
        pytest.skip(
            f"not in the local Hugging Face cache: {', '.join(missing)} (run `tqcheck models pull {' '.join(missing)}` where there is network)"
        )


def test_real_opus_mt_aligns_both_directions_to_gold(invoke, tmp_path):
    require(*MARIAN)
    report = tmp_path / "r.json"
    result = invoke("check", "--metrics", "bleu,chrf,ter", "--json", report)
    assert result.exit_code == 0, result.stderr
    sv_en, en_sv = json.loads(report.read_text())["directions"]
    pairs = [(tuple(s["source_lines"]), tuple(s["reference_lines"])) for s in sv_en["segments"]]
    assert pairs == GOLD_SV_EN
    reverse = [(tuple(s["source_lines"]), tuple(s["reference_lines"])) for s in en_sv["segments"]]
    assert reverse == [(b, a) for a, b in GOLD_SV_EN]
    assert sv_en["scores"]["bleu"]["score"] > 20  # OPUS-MT is far better than rule-based MT here


def test_real_comet_scores_the_seed_pair(invoke, tmp_path):
    require(COMET, "xlm-roberta-large")
    report = tmp_path / "r.json"
    result = invoke(
        "check", SV, EN, "--engine", "file", "--hypothesis", APERTIUM_SV_EN, "--metrics", "comet", "--json", report
    )
    assert result.exit_code == 0, result.stderr
    score = json.loads(report.read_text())["directions"][0]["scores"]["comet"]["score"]
    assert 0.3 < score < 0.9


COMETKIWI = "Unbabel/wmt22-cometkiwi-da"
# English seed lines that read as machine-made: "… as New York Times Coming over the authority …",
# "Despite the light -shaded activity …".
MACHINE_MADE_EN_LINES = {3, 10}


def test_real_cometkiwi_audit_points_at_the_machine_made_reference_lines(invoke, tmp_path):
    require(COMETKIWI, "microsoft/infoxlm-large")
    report = tmp_path / "audit.json"
    result = invoke(
        "audit", SV, EN, "--engine", "file", "--hypothesis", APERTIUM_SV_EN, "--qe-model", COMETKIWI, "--json", report
    )
    assert result.exit_code == 0, result.stderr
    assert "non-commercial use only" in result.stdout
    data = json.loads(report.read_text())
    top = [data["segments"][k] for k in data["most_suspicious"][:5]]
    assert MACHINE_MADE_EN_LINES & {line for s in top for line in s["reference_lines"]}


def test_real_xcomet_marks_error_spans(invoke, tmp_path):
    require("Unbabel/XCOMET-XL", "facebook/xlm-roberta-xl")
    report = tmp_path / "r.json"
    result = invoke(
        "check",
        SV,
        EN,
        "--engine",
        "file",
        "--hypothesis",
        APERTIUM_SV_EN,
        "--metrics",
        "comet",
        "--comet-model",
        "Unbabel/XCOMET-XL",
        "--json",
        report,
    )
    assert result.exit_code == 0, result.stderr
    segments = json.loads(report.read_text())["directions"][0]["segments"]
    assert sum(len(s.get("error_spans", {}).get("comet", [])) for s in segments) > 0
