"""--unit sentence: splitting, aligning sentences inside aligned paragraphs, and the check end to end."""

import json

import pytest
from conftest import APERTIUM_COMMAND, APERTIUM_SV_EN, EN, SV, needs_apertium

from tqcheck.align.sentences import SentenceBead, align_sentences, split_sentences

# Sentences per Swedish seed line 1-20; the English seed has the same sentences one line down.
SEED_SENTENCES = {
    1: 3,
    2: 2,
    3: 3,
    4: 1,
    5: 2,
    6: 1,
    7: 1,
    8: 3,
    9: 1,
    10: 1,
    11: 1,
    12: 1,
    13: 1,
    14: 1,
    15: 2,
    16: 1,
    17: 1,
    18: 2,
    19: 1,
    20: 1,
}
GOLD = [((f"{line}.{k}",), (f"{line + 1}.{k}",)) for line, count in SEED_SENTENCES.items() for k in range(1, count + 1)]


@pytest.mark.parametrize(
    "lang, text, expected",
    [
        (
            "sv",
            "Det kostade 5 kr. t.ex. igår. Dr. Svensson kom kl. 10 i går. Sedan gick han.",
            ["Det kostade 5 kr. t.ex. igår.", "Dr. Svensson kom kl. 10 i går.", "Sedan gick han."],
        ),
        (
            "en",
            "Mr. Smith came at 10 a.m. He left. U.S. officials said so.",
            ["Mr. Smith came at 10 a.m.", "He left.", "U.S. officials said so."],
        ),
        (
            "ja",
            "これはペンです。それは本です。",
            ["これはペンです。", "それは本です。"],
        ),  # no Moses prefixes: sentencex
        ("sv", "Läs mer:", ["Läs mer:"]),
    ],
)
def test_split_sentences(lang, text, expected):
    assert split_sentences(text, lang) == expected


def test_equal_sentence_counts_align_one_to_one():
    src = ["Han kom hem sent.", "Sedan åt han en lång middag med hela familjen."]
    ref = ["He came home late.", "Then he ate a long dinner with the whole family."]
    assert align_sentences(src, None, ref) == [SentenceBead(0, 1, 0, 1), SentenceBead(1, 2, 1, 2)]


def test_a_split_sentence_becomes_a_one_to_two_bead():
    src = ["Kort mening.", "En mycket lång mening som översättaren valde att dela i två delar, med semikolon.", "Slut."]
    ref = [
        "Short sentence.",
        "A very long sentence that the translator split in two.",
        "With a semicolon, in parts.",
        "End.",
    ]
    beads = align_sentences(src, None, ref)
    assert [(b.source_stop - b.source_start, b.reference_stop - b.reference_start) for b in beads] == [
        (1, 1),
        (1, 2),
        (1, 1),
    ]


def test_mt_evidence_decides_what_lengths_cannot():
    src = ["Katten sov.", "Hunden skällde."]
    ref = ["The dog barked.", "The cat slept."]  # reordered: no monotonic 1-1 pairing is right
    mt = ["The cat slept.", "The dog barked."]
    with_mt = align_sentences(src, mt, ref)
    assert [(b.source_start, b.source_stop, b.reference_start, b.reference_stop) for b in with_mt] == [(0, 2, 0, 2)]
    assert align_sentences(src, None, ref) == [SentenceBead(0, 1, 0, 1), SentenceBead(1, 2, 1, 2)]


def _check(invoke, tmp_path, *engine):
    report = tmp_path / "report.json"
    result = invoke(
        "check",
        SV,
        EN,
        "--direction",
        "sv-en",
        *engine,
        "--unit",
        "sentence",
        "--metrics",
        "bleu,chrf",
        "--json",
        report,
    )
    assert result.exit_code == 0, result.stderr
    return result, json.loads(report.read_text(encoding="utf-8"))["directions"][0]


def test_check_by_sentence_with_tiny_marian(invoke, tiny_models, tmp_path):
    """Random-weight MT carries no evidence, so paragraphs align on the source alone (one is missed);
    inside the aligned ones, the sentences pair exactly as in the gold alignment."""
    result, direction = _check(invoke, tmp_path, "--model", tiny_models["marian_sv_en"])
    assert direction["unit"] == "sentence"
    found = [(tuple(s["source_sentences"]), tuple(s["reference_sentences"])) for s in direction["segments"]]
    assert set(found) <= set(GOLD) and len(found) >= 25
    paragraphs = direction["alignment"]["pairs"]
    assert f"Sentence mode: {len(found)} sentence pairs scored inside the {paragraphs} aligned pairs" in result.stdout
    first = direction["segments"][0]
    assert first["source"] == split_sentences(SV.read_text(encoding="utf-8").splitlines()[0], "sv")[0]


@needs_apertium
def test_check_by_sentence_with_apertium_matches_sacrebleu(invoke, tmp_path):
    from sacrebleu.metrics import BLEU

    _, direction = _check(invoke, tmp_path, "--engine", "command", "--command", APERTIUM_COMMAND)
    assert [(tuple(s["source_sentences"]), tuple(s["reference_sentences"])) for s in direction["segments"]] == GOLD
    hyps = [s["hypothesis"] for s in direction["segments"]]
    refs = [s["reference"] for s in direction["segments"]]
    assert direction["scores"]["bleu"]["score"] == pytest.approx(BLEU(trg_lang="en").corpus_score(hyps, [refs]).score)


def test_sentence_mode_needs_an_engine_that_translates(invoke):
    result = invoke(
        "check",
        SV,
        EN,
        "--direction",
        "sv-en",
        "--engine",
        "file",
        "--hypothesis",
        APERTIUM_SV_EN,
        "--unit",
        "sentence",
        "--metrics",
        "bleu",
    )
    assert result.exit_code == 2
    assert "--unit sentence translates the source sentence by sentence" in result.stderr


def test_a_baseline_cut_into_other_units_is_refused(invoke, tiny_models, tmp_path):
    baseline = tmp_path / "baseline.json"
    model = ["--direction", "sv-en", "--model", tiny_models["marian_sv_en"], "--metrics", "bleu"]
    assert invoke("check", SV, EN, *model, "--json", baseline).exit_code == 0
    result = invoke("check", SV, EN, *model, "--unit", "sentence", "--baseline", baseline)
    assert result.exit_code == 2
    assert "was scored by paragraph and this run by sentence" in result.stderr


def test_unknown_unit_exits_2(invoke, tiny_models):
    result = invoke("check", SV, EN, "--direction", "sv-en", "--model", tiny_models["marian_sv_en"], "--unit", "word")
    assert result.exit_code == 2 and "--unit word: choose paragraph or sentence" in result.stderr
