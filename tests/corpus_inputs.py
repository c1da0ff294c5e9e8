"""Corpora built for the tests from the seed pair: its 20 gold sentence pairs (sv line i ↔ en line
i+1) and their Apertium MT, cut into documents and written in every input form tqcheck reads."""

from __future__ import annotations

import html
import json
from pathlib import Path

from conftest import APERTIUM_SV_EN, EN, SV, seed_lines

GROUPS = ((0, 7), (7, 14), (14, 20))  # three documents of the 20 gold pairs


def gold() -> tuple[list[str], list[str], list[str]]:
    """(sv, en, MT of sv) for the 20 gold pairs, in order."""
    sv, en = seed_lines(SV)[:20], seed_lines(EN)[1:21]
    mt = APERTIUM_SV_EN.read_text(encoding="utf-8").split("\n")[:20]
    return sv, en, mt


def write(path: Path, lines: list[str]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def folder_corpus(root: Path, *, extra_title: bool = True) -> Path:
    """sv/, en/ and mt/ folders of three documents (the second in a subfolder); the English side of
    the first has a title of its own, and each side has one file the other lacks."""
    sv, en, mt = gold()
    names = ["one.txt", "part/two.txt", "three.txt"]
    for name, (a, b) in zip(names, GROUPS):
        title = ["Russia and China: an uneasy friendship"] if extra_title and name == "one.txt" else []
        write(root / "sv" / name, sv[a:b])
        write(root / "en" / name, title + en[a:b])
        write(root / "mt" / name, mt[a:b])
    write(root / "sv" / "only-in-swedish.txt", ["Den här filen har ingen översättning."])
    write(root / "en" / "only-in-english.txt", ["This file has no source."])
    write(root / "sv" / "notes.csv", ["not,a,document"])
    return root


def po_catalogue(path: Path) -> Path:
    """The gold pairs as msgid/msgstr, plus a fuzzy, an untranslated, an obsolete and a plural entry."""
    sv, en, _ = gold()

    def quoted(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    lines = ['msgid ""', 'msgstr ""', '"Language: en\\n"', '"Content-Type: text/plain; charset=UTF-8\\n"']
    lines += ['"Plural-Forms: nplurals=2; plural=(n != 1);\\n"', ""]
    for s, e in zip(sv, en):
        lines += [f"msgid {quoted(s)}", f"msgstr {quoted(e)}", ""]
    lines += ["#, fuzzy", 'msgid "Stäng fönstret"', 'msgstr "Close the window"', ""]
    lines += ['msgid "Spara filen"', 'msgstr ""', ""]
    lines += ['#~ msgid "Gammal text"', '#~ msgstr "Old text"', ""]
    lines += ['msgid "\\n"', 'msgstr "\\n"', ""]  # layout only (real catalogues have these)
    lines += ['msgid "En fil har sparats"', 'msgid_plural "%d filer har sparats"']
    lines += ['msgstr[0] "One file has been saved"', 'msgstr[1] "%d files have been saved"', ""]
    return write(path, lines)


def xliff(path: Path, version: str) -> Path:
    """The gold pairs as XLIFF 1.2 or 2.0 units with inline markup, plus a unit not to be translated
    and one without a target."""
    sv, en, _ = gold()
    esc = html.escape
    if version == "1.2":
        units = [
            f'<trans-unit id="u{k}"><source>{esc(s)} <ph id="1">&lt;br/&gt;</ph></source>'
            f'<target><g id="2">{esc(e)}</g> <ph id="1">&lt;br/&gt;</ph></target></trans-unit>'
            for k, (s, e) in enumerate(zip(sv, en))
        ]
        units += [
            '<trans-unit id="brand" translate="no"><source>Dagens Nyheter</source></trans-unit>',
            '<trans-unit id="todo"><source>Ej översatt ännu</source></trans-unit>',
        ]
        body = (
            '<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">\n'
            '<file source-language="sv-SE" target-language="en-US" datatype="plaintext" original="a.txt"><body>\n'
            + "\n".join(units)
            + "\n</body></file></xliff>"
        )
    else:
        units = [
            f'<unit id="u{k}"><segment><source>{esc(s)}<ph id="p1"/></source>'
            f'<target><pc id="b1">{esc(e)}</pc><ph id="p1"/></target></segment></unit>'
            for k, (s, e) in enumerate(zip(sv, en))
        ]
        units += [
            '<unit id="brand" translate="no"><segment><source>Dagens Nyheter</source></segment></unit>',
            '<unit id="todo"><segment><source>Ej översatt ännu</source></segment></unit>',
        ]
        body = (
            '<xliff version="2.0" xmlns="urn:oasis:names:tc:xliff:document:2.0" srcLang="sv" trgLang="en">\n'
            '<file id="f1">\n' + "\n".join(units) + "\n</file></xliff>"
        )
    return write(path, ['<?xml version="1.0" encoding="UTF-8"?>', body])


def tmx(path: Path) -> Path:
    """Three languages per unit (sv, en, de); one unit lacks its English variant."""
    sv, en, _ = gold()
    esc = html.escape
    units = [
        f'<tu><tuv xml:lang="sv-SE"><seg>{esc(s)}</seg></tuv><tuv xml:lang="en-GB"><seg>{esc(e)}</seg></tuv>'
        '<tuv xml:lang="de-DE"><seg>Ein deutscher Satz.</seg></tuv></tu>'
        for s, e in zip(sv, en)
    ]
    units.append(
        '<tu><tuv xml:lang="sv-SE"><seg>Bara svenska</seg></tuv><tuv xml:lang="de-DE"><seg>Nur</seg></tuv></tu>'
    )
    header = (
        '<header srclang="sv-SE" datatype="plaintext" segtype="paragraph" adminlang="en" '
        'creationtool="tests" creationtoolversion="1" o-tmf="none"/>'
    )
    return write(path, ['<?xml version="1.0"?>', f'<tmx version="1.4">{header}<body>', *units, "</body></tmx>"])


def tsv(path: Path, source: str = "src", reference: str = "ref") -> Path:
    sv, en, _ = gold()
    return write(path, [f"id\t{source}\t{reference}"] + [f"{k}\t{s}\t{e}" for k, (s, e) in enumerate(zip(sv, en))])


def jsonl(path: Path, source: str = "src", reference: str = "ref") -> Path:
    sv, en, _ = gold()
    rows = [json.dumps({source: s, reference: e, "id": k}, ensure_ascii=False) for k, (s, e) in enumerate(zip(sv, en))]
    return write(path, rows + [json.dumps({source: "Tom referens", reference: ""})])


def mt_file(path: Path) -> Path:
    """The MT of the gold pairs, one line per scored entry (the file engine's input for bilingual files)."""
    return write(path, gold()[2])
