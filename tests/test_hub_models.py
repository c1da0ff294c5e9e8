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
        pytest.skip(f"not in the local Hugging Face cache: {', '.join(missing)} (run `tqcheck models pull {' '.join(missing)}` where there is network)")


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
    result = invoke("check", SV, EN, "--engine", "file", "--hypothesis", APERTIUM_SV_EN, "--metrics", "comet", "--json", report)
    assert result.exit_code == 0, result.stderr
    score = json.loads(report.read_text())["directions"][0]["scores"]["comet"]["score"]
    assert 0.3 < score < 0.9

