"""Alignment: the seed pair's gold alignment, and one-sided, merged and split lines."""

import pytest
from conftest import APERTIUM_COMMAND, APERTIUM_SV_EN, EN, GOLD_SV_EN, SV, needs_apertium, seed_lines
from sacrebleu.metrics import CHRF

from tqcheck.align import DynamicProgrammingAligner
from tqcheck.align.similarity import NgramProfiles, anchors, chrf_from_profiles
from tqcheck.documents import document_from_texts, load_document
from tqcheck.translate import create_translator


def pairs(alignment):
    return [(p.source_lines, p.reference_lines) for p in alignment.pairs]


def unmatched(alignment):
    return sorted((u.side, u.line) for u in alignment.unmatched)


def test_seed_gold_with_apertium_translation_file():
    sv, en = load_document(SV), load_document(EN)
    mt = create_translator("file", {"hypothesis": str(APERTIUM_SV_EN)}).translate(sv.texts, "sv", "en")
    alignment = DynamicProgrammingAligner().align(sv, en, mt)
    assert pairs(alignment) == GOLD_SV_EN
    assert unmatched(alignment) == [("reference", 1), ("source", 21), ("source", 22)]


@needs_apertium
def test_seed_gold_with_apertium_live():
    sv, en = load_document(SV), load_document(EN)
    mt = create_translator("command", {"command": APERTIUM_COMMAND}).translate(sv.texts, "sv", "en")
    assert pairs(DynamicProgrammingAligner().align(sv, en, mt)) == GOLD_SV_EN


def test_unmatched_lines_say_why():
    sv, en = load_document(SV), load_document(EN)
    mt = seed_lines(APERTIUM_SV_EN)
    alignment = DynamicProgrammingAligner().align(sv, en, mt)
    title = alignment.unmatched_on("reference")[0]
    assert title.line == 1 and title.reason.startswith("only in the reference: closest is source line")


SV_MT = seed_lines(APERTIUM_SV_EN)[:20]
SV_TEXT = seed_lines(SV)[:20]
EN_TEXT = seed_lines(EN)[1:21]


def align_lists(src, mt, ref):
    return DynamicProgrammingAligner().align(document_from_texts(src, "sv"), document_from_texts(ref, "en"), mt)


def test_deleted_reference_paragraph_leaves_its_source_unmatched():
    ref = EN_TEXT[:7] + EN_TEXT[8:]
    alignment = align_lists(SV_TEXT, SV_MT, ref)
    assert ("source", 8) in unmatched(alignment)
    assert ((9,), (8,)) in pairs(alignment) and ((7,), (7,)) in pairs(alignment)


def test_inserted_lines_come_out_unmatched():
    ref = EN_TEXT[:5] + ["Advertisement: subscribe to our newsletter today."] + EN_TEXT[5:]
    src = SV_TEXT[:12] + ["Foto: TT"] + SV_TEXT[12:]
    mt = SV_MT[:12] + ["Photo: TT"] + SV_MT[12:]
    alignment = align_lists(src, mt, ref)
    assert unmatched(alignment) == [("reference", 6), ("source", 13)]
    assert len(alignment.pairs) == 20


def test_merged_reference_paragraphs_give_a_2_1_bead():
    ref = EN_TEXT[:10] + [EN_TEXT[10] + " " + EN_TEXT[11]] + EN_TEXT[12:]
    alignment = align_lists(SV_TEXT, SV_MT, ref)
    assert ((11, 12), (11,)) in pairs(alignment)
    assert unmatched(alignment) == []


def test_split_reference_paragraph_gives_a_1_2_bead():
    first, second = EN_TEXT[4].split(". ", 1)
    ref = EN_TEXT[:4] + [first + ".", second] + EN_TEXT[5:]
    alignment = align_lists(SV_TEXT, SV_MT, ref)
    assert ((5,), (5, 6)) in pairs(alignment)


def test_reverse_direction_without_mt_still_aligns_what_it_matches_correctly():
    en, sv = load_document(EN), load_document(SV)
    alignment = DynamicProgrammingAligner().align(en, sv, None)
    gold = {(b, a) for a, b in GOLD_SV_EN}
    assert alignment.pairs and set(pairs(alignment)) <= gold  # never a wrong pair
    assert len(alignment.pairs) >= 12


@pytest.mark.parametrize(
    "hyp,ref",
    [
        ("Read more:", "Read more:"),
        ("The Chinese are also accused of spying.", "The Chinese are accused of spying on Russian companies."),
        ("Björn Jerdén säger", "Björn Jerdén says"),
        ("abc", "xyz"),
    ],
)
def test_similarity_is_sacrebleus_chrf_beta_1(hyp, ref):
    profiles_h, profiles_r = NgramProfiles([hyp]), NgramProfiles([ref])
    ours = chrf_from_profiles(profiles_h.span(0, 1), profiles_r.span(0, 1))
    assert ours == pytest.approx(CHRF(beta=1).sentence_score(hyp, [ref]).score, abs=1e-9)


def test_anchors_are_language_independent():
    sv = anchors("Av gruppen inom FSB beskrivs Kina som ”fienden”, rapporterar New York Times 2024.")
    en = anchors("Of the FSB group, China is described as the « enemy », reports the New York Times 2024.")
    shared = set(sv) & set(en)
    assert {"@fsb", "@new", "@york", "@times", "#2024", "“quote”"} <= shared
    assert "@av" not in sv  # sentence-initial capitals are not names


def test_rows_cover_every_line_once_in_order():
    from tqcheck.align.base import AlignedPair, Alignment

    def pair(src, ref):
        return AlignedPair(src, ref, "", "", "", 0.0, 0.0)

    alignment = Alignment(pairs=[pair((2,), (1,)), pair((3, 4), (3,)), pair((6,), (5, 6))])
    assert alignment.rows(7, 7) == [
        ((1,), ()),
        ((2,), (1,)),
        ((), (2,)),
        ((3, 4), (3,)),
        ((5,), ()),
        ((), (4,)),
        ((6,), (5, 6)),
        ((7,), ()),
        ((), (7,)),
    ]


def test_long_documents_take_the_coarse_to_fine_path_and_stay_correct(monkeypatch):
    """110 lines: a cheap first pass finds the path, the full scoring runs around it.
    The text repeats five times, which is adversarial: a path locked onto the wrong copy shows."""
    from tqcheck.align import AlignmentSettings, dp

    calls = []
    real = dp._coarse_centres
    monkeypatch.setattr(dp, "_coarse_centres", lambda *args: calls.append(1) or real(*args))

    copies = 5
    sv_all, en_all, mt_all = seed_lines(SV), seed_lines(EN), seed_lines(APERTIUM_SV_EN)
    src = document_from_texts(sv_all * copies, "sv")
    ref = document_from_texts(en_all * copies, "en")
    settings = AlignmentSettings()
    gold = {((c * 22 + k + 1,), (c * 21 + k + 2,)) for c in range(copies) for k in range(20)}
    with_mt = set(pairs(DynamicProgrammingAligner(settings).align(src, ref, mt_all * copies)))
    assert with_mt == gold
    without_mt = set(pairs(DynamicProgrammingAligner(settings).align(src, ref, None)))
    assert len(without_mt & gold) >= 80
    # Without MT, a copy's two trailing one-sided links may pair with the next copy's one-sided
    # title: a gap of three lines against two pairs as a run when one choice stands out, and here
    # both sides have a one-sided line (bench/ALIGNMENT.md). Never a line of a copy's body.
    one_sided_src = {c * 22 + k for c in range(copies) for k in (21, 22)}
    one_sided_ref = {c * 21 + 1 for c in range(copies)}
    assert all(set(s) <= one_sided_src and set(r) <= one_sided_ref for s, r in without_mt - gold)
    assert len(calls) == 2  # both runs took the long-document path


def test_bulk_band_similarities_equal_the_span_by_span_ones():
    """Every cell the sparse products score (chrF of MT and source, anchor Dice; 1-1, 2-1, 1-2, 2-2)
    equals the one-at-a-time computation from sacrebleu's n-gram statistics, to the last bit."""
    import random

    from tqcheck.align import AlignmentSettings
    from tqcheck.align.scorer import BeadScorer

    rng = random.Random(7)
    words = [
        "Kina",
        "FSB",
        "spionage",
        "2024",
        "ryska",
        "företag",
        "hemliga",
        "uppgifter",
        "the",
        "China",
        "spying",
        "on",
        "Russian",
        "companies",
        "secret",
        "data",
        "aaaa",
    ]

    def line() -> str:
        return " ".join(rng.choices(words, k=rng.randint(1, 14))) + rng.choice([".", "", " 17.", " “x”", "!!"])

    source, mt, reference = [line() for _ in range(40)], [line() for _ in range(40)], [line() for _ in range(37)]
    centres = [min(37, round(i * 37 / 40)) for i in range(41)]
    scorer = BeadScorer(AlignmentSettings(), source, reference, mt, centres, width=5)
    checked = 0
    for _, channel in scorer.channels:
        for (a, b), table in channel._tables.items():
            for i in range(table.shape[0]):
                for offset in range(table.shape[1]):
                    j = int(scorer.band.start[i]) + offset
                    if i + a <= len(source) and j >= 0 and j + b <= len(reference):
                        assert channel.similarity(i, i + a, j, j + b) == channel._compute(i, i + a, j, j + b)
                        checked += 1
    assert checked > 3000


def test_a_long_one_sided_run_in_a_long_document_keeps_the_path():
    """A document long enough for the coarse first pass, with 30 lines only in the reference in the
    middle: the pairs before and after the run still align (the fine band used to break at such a
    jump and leave every line of the document unmatched)."""
    sv, en = seed_lines(SV), seed_lines(EN)
    source = [f"{k} {sv[k % 20]}" for k in range(400)]  # sv 1-20 are en 2-21
    reference = [f"{k} {en[k % 20 + 1]}" for k in range(400)]
    extra = [f"Extra {k}: {en[(k * 7) % len(en)][::-1]}" for k in range(30)]
    reference[200:200] = extra
    result = DynamicProgrammingAligner().align(
        document_from_texts(source, "sv"), document_from_texts(reference, "en"), None
    )
    pairs = {(p.source_lines, p.reference_lines) for p in result.pairs}
    before = sum(((k + 1,), (k + 1,)) in pairs for k in range(200))
    after = sum(((k + 1,), (k + 31,)) in pairs for k in range(200, 400))
    assert before > 150 and after > 150, (before, after)
