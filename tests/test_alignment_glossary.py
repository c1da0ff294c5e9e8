"""The document's own translation table (align/glossary.py): word pairs learned from the lines the
aligner matched become evidence for the lines it could not match on their own. Without MT (the
only option for a pair with no offline engine) a paragraph whose words are the manual's terms
pairs once the manual has taught those terms."""

from __future__ import annotations

import dataclasses

from tqcheck.align import DynamicProgrammingAligner
from tqcheck.align.dp import AlignmentSettings
from tqcheck.align.glossary import glossed, learn_links, linked_words
from tqcheck.documents import document_from_texts

# A help page about workspaces, written for this test: (Swedish, English); one Swedish line has
# no English partner (deleted), so the lines after it pair off the diagonal.
PAGE = [
    ("Arbetsytor", "Workspaces"),
    (
        "En arbetsyta är en grupp av fönster på skrivbordet. Med flera arbetsytor blir det lättare att hålla ordning.",
        "A workspace is a group of windows on the desktop. With several workspaces it is easier to stay organised.",
    ),
    (
        "Du kan till exempel ha alla e-postprogram på en arbetsyta och ditt ordbehandlingsprogram på en annan.",
        "You could, for example, have all your email programs on one workspace and your word processor on another.",
    ),
    (
        "Tryck på Super-tangenten för att öppna Aktivitetsöversikten.",
        "Press the Super key to open the Activities Overview.",
    ),
    (
        "Flytta ett fönster till en annan arbetsyta genom att dra det dit i översikten.",
        "Move a window to another workspace by dragging it there in the overview.",
    ),
    ("Stäng fönstret.", None),
    ("Byt arbetsyta.", "Change workspace."),
    (
        "Den tomma arbetsytan längst ner tas bort automatiskt när du lämnar den.",
        "The empty workspace at the bottom is removed automatically when you leave it.",
    ),
    (
        "Använd Super+Page Up och Super+Page Down för att byta mellan arbetsytor med tangentbordet.",
        "Use Super+Page Up and Super+Page Down to switch between workspaces with the keyboard.",
    ),
    (
        "Antalet arbetsytor kan ändras i Inställningar under Multitasking.",
        "The number of workspaces can be changed in Settings under Multitasking.",
    ),
    (
        "Varje arbetsyta kan visas på alla skärmar eller bara på den primära skärmen.",
        "Each workspace can be shown on all displays or only on the primary display.",
    ),
    (
        "Om du använder en arbetsyta per program blir det lätt att hitta rätt fönster.",
        "If you use one workspace per application, it is easy to find the right window.",
    ),
]
SV = [sv for sv, _ in PAGE]
EN = [en for _, en in PAGE if en is not None]


def pairs(settings: AlignmentSettings) -> set[tuple[tuple[int, ...], tuple[int, ...]]]:
    result = DynamicProgrammingAligner(settings).align(
        document_from_texts(SV, "sv"), document_from_texts(EN, "en"), None
    )
    return {(p.source_lines, p.reference_lines) for p in result.pairs}


def test_words_that_keep_turning_up_together_in_matched_lines_are_linked():
    source = ["Byt arbetsyta nu.", "En arbetsyta och en katt.", "Arbetsyta och hund.", "Hund och katt."]
    reference = ["Switch workspace now.", "A workspace and a cat.", "Workspace and dog.", "Dog and cat."]
    beads = [(k, k, 1, 1) for k in range(4)]
    links = learn_links(source, reference, beads)
    assert links["arbetsyta"] == "workspace"
    assert (links["och"], links["katt"], links["hund"]) == ("and", "cat", "dog")
    assert "nu" not in links  # seen in one matched line only: nothing to tell it from chance
    assert len(set(links.values())) == len(links)  # each reference word is linked once
    assert glossed(["Arbetsyta och en fisk."], links) == [{"workspace": 1, "and": 1}]
    assert linked_words(["The workspace and the fish."], links) == [{"workspace": 1, "and": 1}]
    # with MT, only what the MT left untranslated: what it translated its chrF already counts
    assert glossed(["Arbetsyta och en fisk."], links, ["Arbetsyta and a fish."]) == [{"workspace": 1}]


def test_a_paragraph_of_the_documents_own_terms_pairs_without_mt():
    with_glossary = pairs(AlignmentSettings())
    without = pairs(dataclasses.replace(AlignmentSettings(), glossary_weight=0.0))
    move_a_window = (
        (5,),
        (5,),
    )  # "Flytta ett fönster till en annan arbetsyta ..." ↔ "Move a window to another workspace ..."
    assert move_a_window not in without  # no MT, no anchor, few cognates: too little else shows it
    assert move_a_window in with_glossary
    gold = {((k,), (k,)) for k in range(1, 6)} | {((k,), (k - 1,)) for k in range(7, 13)}
    assert with_glossary <= gold  # and nothing it adds is wrong
    assert ((6,), (6,)) not in with_glossary  # the line whose partner was deleted stays unmatched
