"""Merges and splits on the backup help page of test_alignment_kinds.py: a long line joined
with a short one, a short part the MT left rough, a merge at a sentence end or a heading run
into its paragraph where the length ratio leaves no room, a split line; and a one-sided heading
whose words the next paragraph repeats, which must stay unmatched."""

from __future__ import annotations

import pytest
from test_alignment_kinds import EN, MT, PAGE, SV, align, one_to_one


def test_a_long_line_merged_with_a_short_one_is_one_bead():
    """The reference joins a long paragraph and the short line after it; the long part alone must
    not take the match and leave the short one unmatched."""
    k = 13  # "Öppna Säkerhetskopiering, ..." (line 14) and a short line after it
    source = SV + ["Klart."]
    mt = MT + ["Done."]
    reference = EN[:k] + [EN[k] + " Done."]
    found, result = align(source, mt, reference)
    assert ((14, 15), (14,)) in found
    assert not result.unmatched


@pytest.mark.parametrize("k", [3, 13], ids=["after a heading", "at the end"])
def test_a_merge_whose_short_part_the_mt_left_rough_is_one_bead(k):
    """The reference joins a paragraph and the short line after it, and the short line's MT is
    rough ("Well/Chose filerna you wants have back."): too little to lift the chrF of the whole,
    so the evidence of the 2-1 bead does not beat the long part alone. Its words are at the end
    of the reference line, and nowhere else at that edge: one bead. The same short line whose
    partner was deleted instead (no such edge) stays unmatched."""
    short, short_mt, short_en = (
        "Välj filerna du vill ha tillbaka.",
        "Well/Chose filerna you wants have back.",
        ("Select the files you want back."),
    )
    source, mt = SV[: k + 1] + [short] + SV[k + 1 :], MT[: k + 1] + [short_mt] + MT[k + 1 :]
    merged = EN[:k] + [EN[k] + " " + short_en] + EN[k + 1 :]
    found, result = align(source, mt, merged)
    assert ((k + 1, k + 2), (k + 1,)) in found
    assert not result.unmatched
    found, result = align(source, mt, EN)  # the short line's translation is missing: not a merge
    assert ((k + 1,), (k + 1,)) in found
    assert [(u.side, u.line) for u in result.unmatched] == [("source", k + 2)]


def test_a_merge_at_a_sentence_end_joins_where_the_length_ratio_leaves_no_room():
    """The Swedish paragraph is long and its English concise, so the merged English line is no
    longer than the Swedish paragraph alone predicts: by length, the partner has no room for the
    short line ("Gör så här:", MT "Do so here:"). But the merged line ends in a whole sentence of
    the short line's length, and the short line's MT is closer to it than to any nearby line's
    end: one bead. The same short line whose partner was deleted stays unmatched."""
    k = 1
    source, mt = SV[: k + 1] + ["Gör så här:"] + SV[k + 1 :], MT[: k + 1] + ["Do so here:"] + MT[k + 1 :]
    merged = EN[:k] + [EN[k] + " Do this:"] + EN[k + 1 :]
    found, result = align(source, mt, merged)
    assert ((k + 1, k + 2), (k + 1,)) in found
    assert not result.unmatched
    found, result = align(source, mt, EN)
    assert [(u.side, u.line) for u in result.unmatched] == [("source", k + 2)]


def test_a_heading_run_into_its_paragraph_joins_where_the_length_ratio_leaves_no_room():
    """A heading the reference ran into the paragraph after it, with no full stop between them
    ("Good tips It is wise to…"): the partner has no room for it by length, and it is no
    whole sentence, but a capital after an unpunctuated word marks where a heading can end, and
    the heading's MT is closer to that edge than to any nearby line's start: one bead. The same
    heading whose partner was deleted stays unmatched."""
    k = 1
    source, mt = SV[:k] + ["Användbara tips"] + SV[k:], MT[:k] + ["Useable tips"] + MT[k:]
    merged = EN[:k] + ["Good tips " + EN[k]] + EN[k + 1 :]
    found, result = align(source, mt, merged)
    assert ((k + 1, k + 2), (k + 1,)) in found
    assert not result.unmatched
    found, result = align(source, mt, EN)
    assert [(u.side, u.line) for u in result.unmatched] == [("source", k + 1)]


RIVALS = [  # lines that open with the words of the heading below
    (
        "Bra tips om säkerhetskopior finns i handboken.",
        "Good tips about backups is in the handbook.",
        "Good tips on backups are in the manual.",
    ),
    (
        "Bra tips om kryptering finns på webben.",
        "Good tips about encryption is on the web.",
        "Good tips on encryption are on the web.",
    ),
]


@pytest.mark.parametrize("rivals", [1, 2])
def test_a_heading_run_into_its_paragraph_joins_though_one_nearby_line_opens_with_its_words(rivals):
    """The heading of the test above, where a nearby paragraph also opens with "Good tips": the
    heading's MT is as close to that paragraph's start as to the edge it belongs to. One such
    rival among the twenty nearest lines is what a template phrase makes (help pages repeat
    theirs), and the join stands on the merged line's own edge and order; with two, where the
    heading belongs is no longer shown, and it stays unmatched."""
    k, added = 1, RIVALS[:rivals]
    sv, mt, en = (lines[:4] + [x[side] for x in added] + lines[4:] for side, lines in enumerate((SV, MT, EN)))
    source, mt = sv[:k] + ["Användbara tips"] + sv[k:], mt[:k] + ["Useable tips"] + mt[k:]
    merged = en[:k] + ["Good tips " + en[k]] + en[k + 1 :]
    found, result = align(source, mt, merged)
    if rivals == 1:
        assert ((k + 1, k + 2), (k + 1,)) in found
        assert not result.unmatched
    else:
        assert ((k + 2,), (k + 1,)) in found
        assert [(u.side, u.line) for u in result.unmatched] == [("source", k + 1)]
    found, result = align(source, mt, en)  # its partner deleted: nothing to join
    assert [(u.side, u.line) for u in result.unmatched] == [("source", k + 1)]


@pytest.mark.parametrize(("k", "heading"), [(1, "Backups"), (1, "Files"), (3, "Disk")])
def test_a_one_sided_heading_whose_words_the_next_paragraph_repeats_stays_unmatched(k, heading):
    """A heading only in the reference, before a paragraph that uses its word: the paragraph's MT
    contains the heading's letters because the paragraph itself says them, which is no evidence
    that the heading belongs to it (it was glued on as a 1-2 bead before)."""
    reference = EN[:k] + [heading] + EN[k:]
    found, result = align(SV, MT, reference)
    assert found == one_to_one(k) | {((x + 1,), (x + 2,)) for x in range(k, len(PAGE))}
    assert [(u.side, u.line) for u in result.unmatched] == [("reference", k + 1)]


def test_a_split_line_is_one_bead():
    source = SV[:3] + SV[3].split(". ", 1) + SV[4:]
    mt = MT[:3] + MT[3].split(". ", 1) + MT[4:]
    found, _ = align(source, mt, EN)
    assert ((4, 5), (4,)) in found
