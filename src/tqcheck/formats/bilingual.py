"""Bilingual files (source and human translation side by side) as two Documents already aligned:
segment k of the source is translated by segment k of the reference, both numbered by the line of
the file where the entry is, so the report points into the original file.

Libraries: polib reads gettext PO (fuzzy, obsolete and plural entries as gettext defines them);
lxml reads XLIFF 1.2, XLIFF 2.x and TMX with the line of every element and a parse error's line and
column. translate-toolkit would read PO, XLIFF 1.2 and TMX through one API, but it does not read
XLIFF 2 (translate/translate#3369, open since 2015) and pulls in far more than these two small
libraries. TSV and JSONL go through the standard library's csv and json.

Entries that are not a scored pair (fuzzy, untranslated, obsolete, not to be translated, a variant
missing) are counted by reason, never dropped silently.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..documents import Document, Segment, document_from_segments, read_text
from ..errors import InputError

BILINGUAL_SUFFIXES = {
    ".po": "po",
    ".pot": "po",
    ".xlf": "xliff",
    ".xliff": "xliff",
    ".tmx": "tmx",
    ".tsv": "tsv",
    ".jsonl": "jsonl",
}


@dataclass(frozen=True)
class Columns:
    """Which TSV columns or JSONL keys hold the source and the reference."""

    source: str = "src"
    reference: str = "ref"


@dataclass
class BilingualFile:
    """A bilingual file read: the source and reference Documents (segment k ↔ segment k), and the
    entries that were not scored, counted by reason."""

    path: str
    format: str
    source: Document
    reference: Document
    skipped: dict[str, int] = field(default_factory=dict)


@dataclass
class _Entries:
    pairs: list[tuple[int, str, str]] = field(default_factory=list)  # (line, source, reference)
    skipped: Counter = field(default_factory=Counter)
    src_lang: str | None = None
    tgt_lang: str | None = None


def is_bilingual(path: str | os.PathLike) -> bool:
    return Path(path).suffix.lower() in BILINGUAL_SUFFIXES


def primary_language(code: str | None) -> str | None:
    """``sv_SE``, ``sv-SE`` → ``sv``: the engines and reports name languages by their primary subtag."""
    if not code:
        return None
    return code.replace("_", "-").split("-")[0].lower() or None


def read_bilingual(
    path: str | os.PathLike,
    src_lang: str | None = None,
    tgt_lang: str | None = None,
    columns: Columns | None = None,
) -> BilingualFile:
    """Read a PO, XLIFF, TMX, TSV or JSONL file. Declared languages win over the file's own; without
    either, languages are identified from the text."""
    name = str(path)
    kind = BILINGUAL_SUFFIXES.get(Path(path).suffix.lower())
    if kind is None:
        raise InputError(f"{name}: is not a bilingual file ({', '.join(sorted(BILINGUAL_SUFFIXES))})")
    text = read_text(path)
    if not text.strip():
        raise InputError(f"{name}: has no text (it is empty or only whitespace); pass the {kind.upper()} file")
    if kind == "po":
        entries = _po_entries(text, name)
    elif kind == "xliff":
        entries = _xliff_entries(text, name)
    elif kind == "tmx":
        entries = _tmx_entries(text, name, src_lang, tgt_lang)
    else:
        entries = _table_entries(text, name, kind, columns or Columns())
    if not entries.pairs:
        counted = ", ".join(f"{n} {why}" for why, n in entries.skipped.items()) or "no entries"
        raise InputError(f"{name}: has no translated entry to score ({counted}); pass a file with translations")
    line_count = text.count("\n") + (0 if text.endswith("\n") else 1)
    source, reference = (
        document_from_segments(
            name,
            [Segment(line, texts[side]) for line, *texts in entries.pairs],
            line_count,
            declared or primary_language(own),
            option if declared else f"the {kind.upper()} file's {what} language",
        )
        for side, declared, own, option, what in (
            (0, src_lang, entries.src_lang, "--src-lang", "source"),
            (1, tgt_lang, entries.tgt_lang, "--tgt-lang", "target"),
        )
    )
    return BilingualFile(
        name, kind, replace(source, format=kind), replace(reference, format=kind), dict(entries.skipped)
    )


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _po_entries(text: str, name: str) -> _Entries:
    """msgid ↔ msgstr. A plural entry gives two pairs (msgid ↔ msgstr[0], msgid_plural ↔ msgstr[1],
    the second numbered one line after the entry); forms beyond those have no source of their own."""
    import polib

    try:
        catalogue = polib.pofile(text if "\n" in text else text + "\n")
    except (OSError, ValueError) as error:
        raise InputError(
            f"{name}: is not a valid PO file ({error}); fix that entry (msgfmt -c {name} checks it)"
        ) from None
    entries = _Entries(tgt_lang=catalogue.metadata.get("Language") or None)
    for entry in catalogue:
        if entry.obsolete:
            entries.skipped["obsolete"] += 1
        elif "fuzzy" in entry.flags:
            entries.skipped["fuzzy"] += 1
        elif not entry.translated():
            entries.skipped["untranslated"] += 1
        elif entry.msgid_plural:
            forms = [entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural)]
            entries.pairs.append((entry.linenum, _collapse(entry.msgid), _collapse(forms[0])))
            if len(forms) > 1:
                entries.pairs.append((entry.linenum + 1, _collapse(entry.msgid_plural), _collapse(forms[1])))
            else:
                entries.skipped["plural source with no plural form in the target language"] += 1
            if len(forms) > 2:
                entries.skipped["plural forms beyond the second (no source of their own)"] += len(forms) - 2
        else:
            entries.pairs.append((entry.linenum, _collapse(entry.msgid), _collapse(entry.msgstr)))
    blank = [pair for pair in entries.pairs if not (pair[1] and pair[2])]
    if blank:  # msgid "\n" and the like: layout, not text to score
        entries.skipped["whitespace only"] += len(blank)
        entries.pairs = [pair for pair in entries.pairs if pair[1] and pair[2]]
    return entries


# Inline elements that hold native code (tags, placeholders), not translated text: XLIFF 1.2 and TMX.
_CODE_ELEMENTS = frozenset({"ph", "bpt", "ept", "it", "ut", "x", "bx", "ex", "sub", "sc", "ec", "cp", "sm", "em"})


def _parse_xml(text: str, name: str, what: str):
    import lxml.etree

    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)
    try:
        return lxml.etree.fromstring(text.encode("utf-8"), parser)
    except lxml.etree.XMLSyntaxError as error:
        line, column = error.position
        raise InputError(
            f"{name}: line {line}, column {column}: is not well-formed XML ({error.msg}); fix the {what} file there"
        ) from None


def _local(element) -> str:
    import lxml.etree

    return lxml.etree.QName(element).localname if isinstance(element.tag, str) else ""


def _inline_text(element) -> str:
    """A segment's words: text and the content of inline markup, without native code."""

    def walk(node) -> Iterator[str]:
        yield node.text or ""
        for child in node:
            if _local(child) not in _CODE_ELEMENTS:
                yield from walk(child)
            yield child.tail or ""

    return _collapse("".join(walk(element)))


def _children(element, name: str) -> list:
    return [child for child in element if _local(child) == name]


def _xliff_entries(text: str, name: str) -> _Entries:
    root = _parse_xml(text, name, "XLIFF")
    if _local(root) != "xliff":
        raise InputError(f"{name}: the root element is <{_local(root)}>, not <xliff>; pass an XLIFF file")
    version = root.get("version", "")
    if version.startswith("1."):
        return _xliff1_entries(root, name)
    if version.startswith("2."):
        return _xliff2_entries(root)
    raise InputError(f"{name}: XLIFF version {version!r} is not 1.x or 2.x; pass an XLIFF 1.2 or 2.x file")


def _xliff1_entries(root, name: str) -> _Entries:
    entries = _Entries()
    languages = set()
    for file in (e for e in root.iter() if _local(e) == "file"):
        languages.add((file.get("source-language"), file.get("target-language")))
        for unit in (e for e in file.iter() if _local(e) == "trans-unit"):
            source, target = _children(unit, "source"), _children(unit, "target")
            if unit.get("translate") == "no":
                entries.skipped["not to be translated (translate=no)"] += 1
            elif not source or not _inline_text(source[0]):
                entries.skipped["no source text"] += 1
            elif not target or not _inline_text(target[0]) or target[0].get("state") in ("new", "needs-translation"):
                entries.skipped["untranslated"] += 1
            else:
                entries.pairs.append((source[0].sourceline, _inline_text(source[0]), _inline_text(target[0])))
    if len(languages) > 1:
        raise InputError(
            f"{name}: its <file> elements have different languages ({sorted(map(str, languages))}); "
            "split it into one file per language pair"
        )
    if languages:
        entries.src_lang, entries.tgt_lang = next(iter(languages))
    return entries


def _xliff2_entries(root) -> _Entries:
    entries = _Entries(src_lang=root.get("srcLang"), tgt_lang=root.get("trgLang"))
    for unit in (e for e in root.iter() if _local(e) == "unit"):
        if unit.get("translate") == "no":
            entries.skipped["not to be translated (translate=no)"] += 1
            continue
        for segment in _children(unit, "segment"):
            source, target = _children(segment, "source"), _children(segment, "target")
            if not source or not _inline_text(source[0]):
                entries.skipped["no source text"] += 1
            elif not target or not _inline_text(target[0]) or segment.get("state") == "initial":
                entries.skipped["untranslated"] += 1
            else:
                entries.pairs.append((source[0].sourceline, _inline_text(source[0]), _inline_text(target[0])))
    return entries


_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _tmx_entries(text: str, name: str, src_lang: str | None, tgt_lang: str | None) -> _Entries:
    """The two languages of a TMX memory: the declared ones, or the header's source language and the
    only other one. A unit without both is counted, not scored."""
    root = _parse_xml(text, name, "TMX")
    if _local(root) != "tmx":
        raise InputError(f"{name}: the root element is <{_local(root)}>, not <tmx>; pass a TMX file")
    units = [e for e in root.iter() if _local(e) == "tu"]

    def variants(unit) -> dict[str, Any]:
        found = {}
        for tuv in _children(unit, "tuv"):
            lang = (tuv.get(_XML_LANG) or tuv.get("lang") or "").lower()
            segs = _children(tuv, "seg")
            if lang and segs:
                found[lang] = segs[0]
        return found

    languages = sorted({lang for unit in units for lang in variants(unit)})
    header = next((e for e in root if _local(e) == "header"), None)
    declared_source = header.get("srclang") if header is not None else None
    src = _pick_language(src_lang or declared_source, languages)
    others = [lang for lang in languages if lang != src and primary_language(lang) != primary_language(src)]
    tgt = _pick_language(tgt_lang, languages) if tgt_lang else (others[0] if len(others) == 1 else None)
    if src is None or tgt is None:
        raise InputError(
            f"{name}: holds {', '.join(languages) or 'no'} languages; choose the pair with --src-lang and --tgt-lang"
        )
    entries = _Entries(src_lang=src, tgt_lang=tgt)
    for unit in units:
        found = variants(unit)
        missing = [lang for lang in (src, tgt) if lang not in found or not _inline_text(found[lang])]
        if missing:
            entries.skipped[f"no {' or '.join(missing)} variant"] += 1
            continue
        seg = found[src]
        entries.pairs.append((seg.sourceline, _inline_text(seg), _inline_text(found[tgt])))
    return entries


def _pick_language(wanted: str | None, languages: list[str]) -> str | None:
    """The file's code for ``wanted``: exactly (en-GB), or by primary subtag (en for en-GB) when one matches."""
    if not wanted:
        return None
    wanted = wanted.lower()
    if wanted in languages:
        return wanted
    close = [lang for lang in languages if primary_language(lang) == primary_language(wanted)]
    return close[0] if len(close) == 1 else None


def _table_entries(text: str, name: str, kind: str, columns: Columns) -> _Entries:
    """TSV (a header row names the columns) or JSONL (one object per line), one pair per row."""
    import csv
    import json

    entries = _Entries()
    flags = "--src-column NAME --ref-column NAME"
    lines = text.split("\n")
    if kind == "tsv":
        rows = csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(rows)
        missing = [c for c in (columns.source, columns.reference) if c not in header]
        if missing:
            raise InputError(
                f"{name}: line 1: the header has columns {', '.join(map(repr, header))}, not "
                f"{', '.join(map(repr, missing))}; name the columns with {flags}"
            )
        where = header.index(columns.source), header.index(columns.reference)
        for number, row in enumerate(rows, start=2):
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                raise InputError(
                    f"{name}: line {number}: has {len(row)} tab-separated fields, the header has {len(header)}; "
                    "fix the row (a tab inside a cell?)"
                )
            _add_row(entries, number, row[where[0]], row[where[1]])
        return entries
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise InputError(
                f"{name}: line {number}, column {error.colno}: is not JSON ({error.msg}); fix that line"
            ) from None
        if not isinstance(record, dict):
            raise InputError(f"{name}: line {number}: is not a JSON object; write one object per line")
        source, reference = record.get(columns.source), record.get(columns.reference)
        if not (isinstance(source, str) and isinstance(reference, str)):
            raise InputError(
                f"{name}: line {number}: needs text under {columns.source!r} and {columns.reference!r} "
                f"(it has {', '.join(map(repr, record)) or 'no keys'}); name the keys with {flags}"
            )
        _add_row(entries, number, source, reference)
    return entries


def _add_row(entries: _Entries, line: int, source: str, reference: str) -> None:
    source, reference = _collapse(source), _collapse(reference)
    if not source:
        entries.skipped["empty source"] += 1
    elif not reference:
        entries.skipped["empty reference"] += 1
    else:
        entries.pairs.append((line, source, reference))
