"""The readers of the formats translators use: bilingual PO/XLIFF/TMX/TSV/JSONL (entries paired by the
file, every entry not scored counted) and Markdown/HTML (block text, line numbers of the original file).
Scores through the CLI equal sacrebleu's on the same pairs."""

from __future__ import annotations

import json

import pytest
import sacrebleu
from corpus_inputs import gold, jsonl, mt_file, po_catalogue, tmx, tsv, write, xliff

from tqcheck.documents import load_document
from tqcheck.errors import InputError
from tqcheck.formats.bilingual import Columns, read_bilingual

PLURAL = (["One file has been saved", "%d files have been saved"],) * 2  # the PO's plural entry: MT = reference


def expected_scores(extra=([], [])) -> dict[str, float]:
    _, en, mt = gold()
    mt, en = mt + extra[0], en + extra[1]
    return {
        "bleu": sacrebleu.corpus_bleu(mt, [en]).score,
        "chrf": sacrebleu.corpus_chrf(mt, [en]).score,
        "ter": sacrebleu.corpus_ter(mt, [en]).score,
    }


BILINGUAL = {
    "po": (
        lambda d: po_catalogue(d / "news.po"),
        {"fuzzy": 1, "untranslated": 1, "obsolete": 1, "whitespace only": 1},
        PLURAL,
    ),
    "xliff12": (lambda d: xliff(d / "news.xlf", "1.2"), {"not to be translated (translate=no)": 1, "untranslated": 1}),
    "xliff20": (
        lambda d: xliff(d / "news.xliff", "2.0"),
        {"not to be translated (translate=no)": 1, "untranslated": 1},
    ),
    "tmx": (lambda d: tmx(d / "memory.tmx"), {"no en-gb variant": 1}),
    "tsv": (lambda d: tsv(d / "test.tsv"), {}),
    "jsonl": (lambda d: jsonl(d / "test.jsonl"), {"empty reference": 1}),
}


@pytest.mark.parametrize("kind", list(BILINGUAL))
def test_a_bilingual_file_is_scored_as_sacrebleu_scores_its_pairs(tmp_path, invoke, kind):
    build, skipped, *extra = BILINGUAL[kind]
    path = build(tmp_path)
    extra_pairs = extra[0] if extra else ([], [])
    langs = ["--src-lang", "sv", "--tgt-lang", "en"] if kind == "tmx" else []
    out = tmp_path / "report.json"
    result = invoke(
        "check", path, *langs, "--engine", "file", "--hypothesis", write(tmp_path / "mt.txt", gold()[2] + extra_pairs[0]),
        "--metrics", "bleu,chrf,ter", "--no-cache", "--json", out,
    )  # fmt: skip
    assert result.exit_code == 0, result.stdout + result.stderr
    direction = json.loads(out.read_text())["directions"][0]
    assert direction["direction"] == "sv-en"
    for name, value in expected_scores(extra_pairs).items():
        assert direction["scores"][name]["score"] == pytest.approx(value, abs=1e-9)
    (document,) = direction["documents"]
    scored = 20 + len(extra_pairs[0])
    assert document["segments"]["count"] == scored and document["alignment"]["pairs"] == scored
    assert document["skipped_entries"] == skipped


def test_po_plural_entries_give_two_pairs_and_fuzzy_ones_none(tmp_path):
    read = read_bilingual(po_catalogue(tmp_path / "a.po"), src_lang="sv")
    texts = list(zip(read.source.texts, read.reference.texts))
    assert ("En fil har sparats", "One file has been saved") in texts
    assert ("%d filer har sparats", "%d files have been saved") in texts
    assert not any("Stäng" in s for s, _ in texts)  # fuzzy: a guess awaiting review, not the translation
    assert read.reference.lang == "en"  # from the catalogue's Language header
    lines = [segment.line for segment in read.source.segments]
    assert lines == sorted(set(lines))  # each entry keeps its own line in the file


def test_xliff_inline_codes_are_not_text_but_their_content_is(tmp_path):
    sv, en, _ = gold()
    for version in ("1.2", "2.0"):
        read = read_bilingual(xliff(tmp_path / f"x{version}.xlf", version))
        assert read.source.texts[0] == sv[0] and read.reference.texts[0] == en[0]
        assert (read.source.lang, read.reference.lang) == ("sv", "en")  # sv-SE, en-US: primary subtags


def test_tmx_with_three_languages_needs_the_pair_named(tmp_path, invoke):
    path = tmx(tmp_path / "m.tmx")
    result = invoke("check", path, "--engine", "file", "--hypothesis", mt_file(tmp_path / "mt.txt"), "--no-cache")
    assert result.exit_code == 2 and "--src-lang and --tgt-lang" in result.stderr
    read = read_bilingual(path, src_lang="sv", tgt_lang="de")
    assert read.reference.texts[0] == "Ein deutscher Satz." and len(read.source.segments) == 21


def test_table_columns_are_chosen_by_name(tmp_path):
    path = tsv(tmp_path / "t.tsv", "swedish", "english")
    with pytest.raises(InputError, match="--src-column NAME --ref-column NAME"):
        read_bilingual(path)
    assert len(read_bilingual(path, columns=Columns("swedish", "english")).source.segments) == 20
    assert len(read_bilingual(jsonl(tmp_path / "t.jsonl", "s", "r"), columns=Columns("s", "r")).source.segments) == 20


MALFORMED = [
    ("bad.xlf", '<?xml version="1.0"?>\n<xliff version="1.2">\n<file><body>\n<trans-unit></file>', "line 4"),
    ("bad.tmx", "<tmx>\n<body><tu></body>", "line 2"),
    ("bad.jsonl", '{"src": "a", "ref": "b"}\n{"src": "c", "ref": \n', "line 2"),
    ("bad.tsv", "src\tref\na\tb\nc\td\te\n", "line 3"),
    ("bad.po", 'msgid "a"\nmsgstr "b"\nmsgid "c"\nthis is not po\n', "bad.po"),
    (
        "empty.xlf",
        '<?xml version="1.0"?><xliff version="1.2"><file><body></body></file></xliff>',
        "no translated entry",
    ),
]


@pytest.mark.parametrize("name,text,where", MALFORMED, ids=[m[0] for m in MALFORMED])
def test_a_malformed_file_is_exit_2_naming_file_and_position(tmp_path, invoke, name, text, where):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = invoke("check", path, "--engine", "file", "--hypothesis", mt_file(tmp_path / "mt.txt"), "--no-cache")
    assert result.exit_code == 2, result.stdout + result.stderr
    assert result.stderr.startswith("tqcheck: error: ") and str(path) in result.stderr and where in result.stderr
    assert "Traceback" not in result.stderr


MARKDOWN = """---
title: Ryssland och Kina
tags: [nyheter]
---

# Ett *oroligt* vänskapsband

Ryssland och Kina har ett nära samarbete, enligt [en rapport](https://example.org/rapport)
som citeras av `The New York Times`.

```python
print("kod översätts inte")
```

- Första punkten
- Andra punkten

| Land | Huvudstad |
|------|-----------|
| Sverige | Stockholm |

<div>rå HTML</div>
"""


def test_markdown_blocks_keep_their_lines_and_leave_code_and_metadata_out(tmp_path):
    document = load_document(write(tmp_path / "a.md", MARKDOWN.splitlines()), "sv")
    assert [(s.line, s.text) for s in document.segments] == [
        (6, "Ett oroligt vänskapsband"),
        (8, "Ryssland och Kina har ett nära samarbete, enligt en rapport som citeras av The New York Times."),
        (15, "Första punkten"),
        (16, "Andra punkten"),
        (18, "Land | Huvudstad"),
        (20, "Sverige | Stockholm"),
    ]
    assert document.format == "markdown" and document.line_count == len(MARKDOWN.splitlines())


def test_html_blocks_are_segments_and_scripts_are_not(tmp_path):
    page = [
        "<!DOCTYPE html><html><head><title>Ryssland och Kina</title>",
        "<script>var notText = 1;</script><style>p {}</style></head><body>",
        "<h1>Ett oroligt band</h1>",
        "<p>Ryssland och <b>Kina</b> samarbetar,<br>enligt rapporten.</p>",
        "<ul><li>Första</li>",
        "<li>Andra <ul><li>Inre</li></ul></li></ul>",
        "<pre>kod</pre>",
        "</body></html>",
    ]
    document = load_document(write(tmp_path / "a.html", page), "sv")
    assert [(s.line, s.text) for s in document.segments] == [
        (1, "Ryssland och Kina"),
        (3, "Ett oroligt band"),
        (4, "Ryssland och Kina samarbetar, enligt rapporten."),
        (5, "Första"),
        (6, "Andra | Inre"),
    ]


def test_markdown_documents_check_end_to_end_against_each_other(tmp_path, invoke):
    """A Markdown pair is aligned and scored like text; the report's lines point into the .md files."""
    sv, en, mt = gold()
    source = write(tmp_path / "sv.md", ["---", "lang: sv", "---", "", *[f"{s}\n" for s in sv[:6]]])
    reference = write(tmp_path / "en.md", ["# A title only the English has", "", *[f"{e}\n" for e in en[:6]]])
    hypothesis = write(tmp_path / "mt.txt", mt[:6])  # one line per source segment
    out = tmp_path / "r.json"
    result = invoke(
        "check", source, reference, "--engine", "file", "--hypothesis", hypothesis,
        "--metrics", "bleu", "--no-cache", "--json", out,
    )  # fmt: skip
    assert result.exit_code == 0, result.stdout + result.stderr
    direction = json.loads(out.read_text())["directions"][0]
    pairs = [(s["source_lines"], s["reference_lines"]) for s in direction["segments"]]
    assert pairs == [([5 + 2 * k], [3 + 2 * k]) for k in range(6)]
    assert direction["scores"]["bleu"]["score"] == pytest.approx(sacrebleu.corpus_bleu(mt[:6], [en[:6]]).score)
