"""Property-based tests: loading never fails except with an InputError; alignment of arbitrary
Unicode and of randomly perturbed documents never crashes, puts every line in exactly one row,
and leaves known-inserted lines unmatched."""

import random

import pytest
from conftest import APERTIUM_SV_EN, EN, SV, seed_lines
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from perturb import perturb

from tqcheck.align import DynamicProgrammingAligner
from tqcheck.documents import decode_text, document_from_texts, load_document
from tqcheck.errors import InputError

pytestmark = pytest.mark.fuzz  # the long randomised runs: `-m "not fuzz"` leaves them out locally; CI runs them

SV_TEXT = seed_lines(SV)[:20]
SV_MT = seed_lines(APERTIUM_SV_EN)[:20]
EN_TEXT = seed_lines(EN)[1:21]
# derandomize: CI gates merges, so the same examples every run (a new case found locally is added by hand)
FUZZ = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
# Share of the gold pairs that must be found. Measured over 150 perturbations (seeds 7919·k): with MT
# the worst was 0.88 (median 1.0); on the source alone the worst was 0.78 and 3 of 150 fell below 0.8
# (median 0.94), e.g. seed 935: 14 of 19 with one wrong pair.
RECALL_WITH_MT, RECALL_WITHOUT_MT = 0.8, 0.7


def every_line_once(alignment, src_count, ref_count):
    rows = alignment.rows(src_count, ref_count)
    src = [n for s, _ in rows for n in s]
    ref = [n for _, r in rows for n in r]
    return src == list(range(1, src_count + 1)) and ref == list(range(1, ref_count + 1))


@FUZZ
@given(st.binary(max_size=2000))
def test_decoding_arbitrary_bytes_is_text_or_input_error(data):
    try:
        text = decode_text(data, "fuzz.txt")
    except InputError as error:
        assert str(error).startswith("fuzz.txt: ")
    else:
        assert isinstance(text, str) and "\r" not in text


@FUZZ
@given(st.lists(st.text(max_size=80), min_size=1, max_size=30))
def test_loading_arbitrary_unicode_keeps_line_numbers(tmp_path_factory, lines):
    path = tmp_path_factory.mktemp("fuzz") / "doc.txt"
    text = "\n".join(line.replace("\r", " ").replace("\n", " ") for line in lines)
    path.write_bytes(text.encode("utf-8", errors="replace"))  # lone surrogates cannot be UTF-8
    try:
        document = load_document(path, "sv")
    except InputError as error:
        assert "has no text" in str(error) or "binary file" in str(error)
        return
    assert all(s.text and s.text == " ".join(s.text.split()) for s in document.segments)
    assert [s.line for s in document.segments] == sorted({s.line for s in document.segments})
    assert document.segments[-1].line <= document.line_count


@FUZZ
@given(
    st.lists(st.text(min_size=1, max_size=60), min_size=1, max_size=25),
    st.lists(st.text(min_size=1, max_size=60), min_size=1, max_size=25),
)
def test_alignment_of_arbitrary_unicode_covers_every_line_once(source, reference):
    src = document_from_texts([" ".join(t.split()) or "x" for t in source], "sv")
    ref = document_from_texts([" ".join(t.split()) or "y" for t in reference], "en")
    alignment = DynamicProgrammingAligner().align(src, ref, [s.text for s in src.segments])
    assert every_line_once(alignment, src.line_count, ref.line_count)


@FUZZ
@given(st.integers(min_value=0, max_value=10**9), st.booleans())
@example(935, False)
def test_perturbed_documents_align_every_line_once(seed, with_mt):
    source, mt, reference, gold = perturb(random.Random(seed), SV_TEXT, SV_MT, EN_TEXT)
    src, ref = document_from_texts(source, "sv"), document_from_texts(reference, "en")
    alignment = DynamicProgrammingAligner().align(src, ref, mt if with_mt else None)
    assert every_line_once(alignment, len(source), len(reference))
    found = {(p.source_lines, p.reference_lines) for p in alignment.pairs}
    assert len(found & gold) >= (RECALL_WITH_MT if with_mt else RECALL_WITHOUT_MT) * len(gold)


@FUZZ
@given(
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=20),
            st.text(
                alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "Zs", "So")), min_size=3, max_size=60
            ),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_inserted_unicode_lines_come_out_unmatched(insertions):
    reference = list(EN_TEXT)
    inserted = []
    for position, text in sorted(insertions, key=lambda item: -item[0]):
        line = " ".join(text.split()) or "¤¤¤"
        reference.insert(position, "⟦" + line + "⟧")
    for number, line in enumerate(reference, start=1):
        if line.startswith("⟦"):
            inserted.append(number)
    alignment = DynamicProgrammingAligner().align(
        document_from_texts(SV_TEXT, "sv"), document_from_texts(reference, "en"), SV_MT
    )
    assert every_line_once(alignment, len(SV_TEXT), len(reference))
    unmatched = {u.line for u in alignment.unmatched_on("reference")}
    assert set(inserted) <= unmatched


def _align(source, mt, reference):
    return DynamicProgrammingAligner().align(
        document_from_texts(source, "sv"), document_from_texts(reference, "en"), mt
    )


def _pairs(alignment):
    return [(p.source_lines, p.reference_lines) for p in alignment.pairs]


# Over many perturbations at once (the per-seed test above bounds each case's recall; these bound
# the precision of all pairs found together).
def precision_recall(use_mt: bool, trials: int = 25):
    import random

    rnd = random.Random(7)
    found = correct = expected = 0
    for _ in range(trials):
        src, mt, ref, gold = perturb(rnd, SV_TEXT, SV_MT, EN_TEXT)
        got = set(_pairs(_align(src, mt if use_mt else None, ref)))
        found, correct, expected = found + len(got), correct + len(got & gold), expected + len(gold)
    return correct / found, correct / expected


def test_perturbed_documents_align_with_mt():
    """Measured at 0.996/0.996 over 60 perturbations when written; the bound leaves room for change."""
    precision, recall = precision_recall(use_mt=True)
    assert precision >= 0.98 and recall >= 0.98


def test_perturbed_documents_align_without_mt_precisely():
    """Without MT the evidence is weaker: fewer pairs (recall ~0.92), but the pairs are right."""
    precision, recall = precision_recall(use_mt=False)
    assert precision >= 0.98 and recall >= 0.85
