"""Short pages (3 to 12 lines a side) on which the noise level, measured on the page's own cells,
hides the signal: mutual best matches in order align them (align/gaps.py, ``_dominant_chain``)."""

from __future__ import annotations

import pytest
from test_alignment_kinds import align, one_to_one

from tqcheck.align import DynamicProgrammingAligner
from tqcheck.documents import document_from_texts

# A three-line page whose two paragraphs share most of their words: each line's MT is closest to
# its own translation, but the paragraphs are close to each other too, so measured against the
# page's own spread (nine cells, three of them the signal) no pair reaches the match bar.
TRASH_PAGE = [
    ("Hur tömmer jag papperskorgen?", "How EMPTIES I papperskorgen?", "How do I empty the trash?"),
    (
        "När du tar bort en fil i filhanteraren hamnar filen i papperskorgen, där filen finns kvar tills du tömmer "
        "papperskorgen. Filerna i papperskorgen tar fortfarande utrymme på hårddisken.",
        "Already you remove one fil in filhanteraren harbours filen in papperskorgen, there filen becomes staðsettur "
        "after until you empty papperskorgen. Filerna In papperskorgen takes still spaces has hårddisken.",
        "When you delete a file in the file manager, the file goes to the trash, where the file stays until you "
        "empty the trash. The files in the trash still take up space on the hard disk.",
    ),
    (
        "Högerklicka på papperskorgen i filhanterarens sidopanel och välj Töm papperskorgen för att ta bort alla "
        "filer i papperskorgen från hårddisken.",
        "Högerklicka Owns papperskorgen in filhanterarens sidopanel and well/chose Empty/Emptied papperskorgen "
        "before to remove all filer in papperskorgen from hårddisken.",
        "Right-click the trash in the side pane of the file manager and select Empty Trash to remove all the files "
        "in the trash from the hard disk.",
    ),
]
OTHER_PAGES = [  # English pages of the same shape that translate something else
    [
        "Document navigation",
        "If you have added bookmarks to the document, you can use the side pane to show a list of all bookmarks "
        "and jump between them.",
        "To quickly go to a particular bookmark, click on its name in the list to the left of the page.",
    ],
    [
        "Change the screen brightness",
        "You can make the screen brighter or darker to save power, or to read it more easily in bright sunlight.",
        "Open the Power panel in Settings and move the Screen Brightness slider to the value that suits you.",
    ],
]


def test_a_short_page_whose_lines_are_each_others_best_matches_pairs_in_order():
    """Nothing on a three-line page reaches the match bar in noise units (the noise is measured on
    the signal itself), yet each MT line is plainly closest to its own translation, on both its
    row and its column: the page pairs in order. Against pages that translate something else, the
    rule finds nothing to pair."""
    from tqcheck.align import AlignmentSettings

    sv, mt, en = ([row[k] for row in TRASH_PAGE] for k in range(3))
    source, reference = document_from_texts(sv, "sv"), document_from_texts(en, "en")
    without_rule = DynamicProgrammingAligner(AlignmentSettings(dominant_margin=float("inf")))
    assert not without_rule.align(source, reference, mt).pairs  # the fault is real on this page
    found, result = align(sv, mt, en)
    assert found == one_to_one(3)
    assert not result.unmatched
    for other in OTHER_PAGES:
        for translations in (mt, None):
            assert not DynamicProgrammingAligner().align(source, document_from_texts(other, "en"), translations).pairs


@pytest.mark.parametrize("one_sided", ["read more link after the source", "title before the reference"])
def test_a_short_page_with_a_one_sided_line_pairs_its_mutual_best_matches_in_order(one_sided):
    """The same page with a line on one side only: the counts differ, so there is no diagonal, but
    the three lines that are each other's best matches by a clear margin still fall in order; they
    pair, and the one-sided line stays out."""
    from tqcheck.align import AlignmentSettings

    sv, mt, en = ([row[k] for row in TRASH_PAGE] for k in range(3))
    if one_sided.startswith("read more"):
        sv, mt = (
            sv + ["Läs mer om filhanteraren och papperskorgen"],
            mt + ["Read more about filhanteraren and papperskorgen"],
        )
        expected, left_out = one_to_one(3), [("source", 4)]
    else:
        en = ["Files and folders: a guide", *en]
        expected, left_out = one_to_one(3, offset=1), [("reference", 1)]
    source, reference = document_from_texts(sv, "sv"), document_from_texts(en, "en")
    without_rule = DynamicProgrammingAligner(AlignmentSettings(dominant_margin=float("inf")))
    assert not without_rule.align(source, reference, mt).pairs  # the fault is real on this page
    found, result = align(sv, mt, en)
    assert found == expected
    assert [(u.side, u.line) for u in result.unmatched] == left_out


# A long paragraph that only the reference has (its source line deleted): on a three-line page it
# lifts the document's length ratio so far that every true pair of long lines looks too short.
ONE_SIDED_PARAGRAPH = (
    "Some applications, such as the photo manager, keep a trash of their own for the pictures you remove "
    "from a collection; those pictures are not in the file manager's trash, and emptying it does not free "
    "the space they use until you empty the photo manager's trash as well."
)

OFF_TOPIC_PARAGRAPH = (
    "Battery life depends on the screen brightness, the wireless connection and the programs that run in the "
    "background; lowering the brightness and turning off Bluetooth when you do not use it can add an hour or more "
    "to the time the laptop runs on its battery."
)


@pytest.mark.parametrize("position", [1, 2, 3])
def test_a_long_one_sided_paragraph_does_not_hide_the_mutual_best_matches(position):
    """The mutual best matches' lengths are checked at their own length ratio as well as the
    document's: the three pairs align and the one-sided paragraph stays out (nothing aligned before).
    Pages that translate something else, with a long paragraph of their own, still pair nothing."""
    sv, mt, en = ([row[k] for row in TRASH_PAGE] for k in range(3))
    reference = en[:position] + [ONE_SIDED_PARAGRAPH] + en[position:]
    found, result = align(sv, mt, reference)
    assert found == {((k + 1,), (k + 1 + (k >= position),)) for k in range(3)}
    assert [(u.side, u.line) for u in result.unmatched] == [("reference", position + 1)]
    source = document_from_texts(sv, "sv")
    for other in OTHER_PAGES:
        other = document_from_texts(other[:position] + [OFF_TOPIC_PARAGRAPH] + other[position:], "en")
        for translations in (mt, None):
            assert not DynamicProgrammingAligner().align(source, other, translations).pairs


# A five-line page whose reference joins two paragraphs (and lacks the second heading): only the
# heading and the last paragraph stand out, each far above every rival in its row and column.
BACKUP_SV = [
    "Spara kopior med Déjà Dup",
    "Säkerhetskopiering",
    "Programmet Säkerhetskopiering kan spara kopior av dina filer automatiskt varje dag eller varje vecka, till en "
    "extern disk eller en nätverksserver.",
    "Om programmet känner igen disken när du ansluter den kommer det automatiskt att börja säkerhetskopiera dina filer.",
    "Om din disk inte känns igen vid start kan du välja rätt disk genom att klicka på Inställningar Lagringsplats och "
    "sedan välja önskad disk. Alternativt kan du välja diskens namn från en lista längst ner i fönstret.",
]
BACKUP_MT = [  # Apertium's, as made for this test
    "Save/Save Copy with Déjà Dup",
    "Säkerhetskopiering",
    "the agenda Säkerhetskopiering knows save copy of yours filer reflex each day or each inlets, to one external "
    "plate or only nätverksserver.",
    "About the agenda knows back disken when you connect him comes that reflex to begin säkerhetskopiera yours filer.",
    "About your plate not will be known back with beginning knows you choose right plate through to klicka on "
    "Positions Lagringsplats and then choose wished plate. Óhefðbundið Knows you choose diskens name from one list "
    "longest into in the window.",
]
BACKUP_EN = [
    "Save copies with Déjà Dup",
    "The Backups application can save copies of your files automatically every day or every week, to an external "
    "disk or a network server. If the application recognizes the disk when you connect it, it will automatically "
    "start to back up your files.",
    "If your disk is not recognized upon startup, you can select the right disk by clicking Preferences Storage "
    "Location, and then choosing the desired disk. Alternately, you can select the disk's name from a list at the "
    "bottom of the window.",
]


def test_two_mutual_best_matches_that_stand_far_out_pair_on_a_short_page():
    """Three in order are needed where a margin of 2 chrF points is all they show, since two in
    order happen by chance on unrelated pages; two pair when each beats every rival by 8 (with that,
    no more of 6,829 pairs of unrelated small pages got a pair). The page paired nothing before."""
    from tqcheck.align import AlignmentSettings

    source, reference = document_from_texts(BACKUP_SV, "sv"), document_from_texts(BACKUP_EN, "en")
    without_rule = DynamicProgrammingAligner(AlignmentSettings(dominant_pair_margin=float("inf")))
    assert not without_rule.align(source, reference, BACKUP_MT).pairs  # the fault is real on this page
    found, _ = align(BACKUP_SV, BACKUP_MT, BACKUP_EN)
    # and between those two, the merged paragraphs stand out as one 2-1 bead; the heading stays out
    assert found == {((1,), (1,)), ((3, 4), (2,)), ((5,), (3,))}
    for other in OTHER_PAGES:
        assert not DynamicProgrammingAligner().align(source, document_from_texts(other, "en"), BACKUP_MT).pairs


def test_two_mutual_best_matches_fit_at_their_own_length_ratio_beside_a_long_one_sided_paragraph():
    """The heading and the last paragraph of the page above stand out as before, beside a short
    Swedish line the reference lacks, but the reference ends in a long paragraph of its own: the
    page's length ratio doubles, and at that ratio both partners look too long. At the ratio of the
    two matches themselves both fit (they agree with each other), so they pair; nothing did
    before. On pages that translate something else, with a long paragraph of their own, the rule
    adds no pair to what the aligner finds without it."""
    from tqcheck.align import AlignmentSettings

    sv = [BACKUP_SV[0], BACKUP_SV[1], BACKUP_SV[4]]
    mt = [BACKUP_MT[0], BACKUP_MT[1], BACKUP_MT[4]]
    source = document_from_texts(sv, "sv")
    without_rule = DynamicProgrammingAligner(AlignmentSettings(dominant_pair_margin=float("inf")))
    reference = document_from_texts([BACKUP_EN[0], BACKUP_EN[2], ONE_SIDED_PARAGRAPH], "en")
    assert not without_rule.align(source, reference, mt).pairs  # the fault is real on this page
    found, result = align(sv, mt, [BACKUP_EN[0], BACKUP_EN[2], ONE_SIDED_PARAGRAPH])
    assert found == {((1,), (1,)), ((3,), (2,))}
    assert [(u.side, u.line) for u in result.unmatched] == [("source", 2), ("reference", 3)]
    for other in OTHER_PAGES:
        for paragraph in (ONE_SIDED_PARAGRAPH, OFF_TOPIC_PARAGRAPH):
            reference = document_from_texts([*other, paragraph], "en")
            for translations in (mt, None):
                with_rule = DynamicProgrammingAligner().align(source, reference, translations).pairs
                assert with_rule == without_rule.align(source, reference, translations).pairs
