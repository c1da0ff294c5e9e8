"""Read text files into Documents: one paragraph per line, validated, NFC-normalised.

Every way a file can fail to be UTF-8 text becomes an InputError whose message
names the file and the fix, so the CLI can print one line and exit 2.
"""

from __future__ import annotations

import codecs
import math
import os
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from .errors import InputError
from .langid import detect_language, language_mismatch


@dataclass(frozen=True)
class Segment:
    """One non-blank line of a document. ``line`` is 1-based and counts blank lines too."""

    line: int
    text: str


@dataclass(frozen=True)
class Document:
    path: str
    lang: str
    segments: tuple[Segment, ...]
    line_count: int
    lang_detected: str | None = None  # what language identification said, even when lang was declared
    lang_warning: str | None = None  # set when a declared language disagrees with identification
    # what the file is: text (a paragraph per line), markdown, html, or a bilingual format (po, xliff, ...)
    format: str = "text"
    relative_path: str | None = None  # its path inside a corpus folder (the file engine's hypothesis folder)

    @property
    def texts(self) -> list[str]:
        return [segment.text for segment in self.segments]


_UTF16_32_BOMS = {
    codecs.BOM_UTF32_LE: "UTF-32",
    codecs.BOM_UTF32_BE: "UTF-32",
    codecs.BOM_UTF16_LE: "UTF-16",
    codecs.BOM_UTF16_BE: "UTF-16",
}


DEFAULT_MAX_INPUT_MB = 50


def max_input_bytes() -> int:
    """Inputs above this are refused (TQCHECK_MAX_INPUT_MB raises it)."""
    raw = os.environ.get("TQCHECK_MAX_INPUT_MB", "")
    try:
        megabytes = float(raw) if raw else DEFAULT_MAX_INPUT_MB
    except ValueError:
        megabytes = float("nan")
    if not (math.isfinite(megabytes) and megabytes > 0):
        raise InputError(
            f"TQCHECK_MAX_INPUT_MB={raw!r} is not a positive number of megabytes; "
            "set e.g. TQCHECK_MAX_INPUT_MB=200, or unset it for the default 50"
        )
    return int(megabytes * 1024 * 1024)


def _too_big(name: str, size: str, limit: int, suggest: int) -> InputError:
    return InputError(
        f"{name}: is {size}, over the {limit / 2**20:g} MB limit for one input "
        "(a document that size takes hours to translate and align); split it into smaller files, "
        f"or raise the limit with TQCHECK_MAX_INPUT_MB={suggest}"
    )


def read_text(path: str | os.PathLike) -> str:
    """Read a UTF-8 text file (a BOM is accepted and dropped), NFC-normalised, newlines unified.

    At most the size limit is ever read, whatever the path is (a pipe, /dev/stdin, a device), so
    an endless input is refused within seconds instead of filling memory."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: no such file; check the path")
    if p.is_dir():
        raise InputError(f"{p}: is a directory; pass a text file with one paragraph per line")
    limit = max_input_bytes()
    try:
        size = p.stat().st_size if p.is_file() else 0
    except OSError:
        size = 0
    if size > limit:
        raise _too_big(str(p), f"{size / 2**20:.1f} MB", limit, int(size / 2**20) + 1)
    try:
        with p.open("rb") as stream:
            data = stream.read(limit + 1)
    except PermissionError:
        raise InputError(f"{p}: permission denied; make the file readable (chmod +r) or copy it") from None
    except OSError as error:
        raise InputError(f"{p}: cannot be read ({error.strerror}); pass a readable text file") from None
    if len(data) > limit:
        raise _too_big(
            str(p),
            f"more than {limit / 2**20:g} MB (it is not a regular file, or it grew)",
            limit,
            int(limit / 2**20) * 2,
        )
    return decode_text(data, str(p))


def decode_text(data: bytes, name: str) -> str:
    for bom, encoding in _UTF16_32_BOMS.items():
        if data.startswith(bom):
            raise InputError(
                f"{name}: is {encoding} text, not UTF-8; convert it with "
                f"`iconv -f {encoding} -t UTF-8 {name} > {name}.utf8`"
            )
    if b"\x00" in data[:65536]:
        raise InputError(f"{name}: is a binary file (it contains NUL bytes); pass a UTF-8 text file")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(_not_utf8(data, name, error.start)) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def _not_utf8(data: bytes, name: str, first_bad: int) -> str:
    """Say what the bytes most likely are: UTF-8 with a few stray bytes (fix those), Windows-1252
    (typographic quotes and dashes in 0x80-0x9F), or Latin-1; and where the first bad byte is."""
    line = data.count(b"\n", 0, first_bad) + 1
    column = first_bad - (data.rfind(b"\n", 0, first_bad) + 1) + 1
    where = f"byte 0x{data[first_bad]:02x} at line {line}, column {column} (offset {first_bad})"
    decoded = data.decode("utf-8", errors="replace")
    invalid = decoded.count("\ufffd") - data.count("\ufffd".encode())
    valid_non_ascii = sum(1 for char in decoded if ord(char) > 0x7F and char != "\ufffd")
    if valid_non_ascii and invalid <= max(3, valid_non_ascii // 100):
        return (
            f"{name}: is UTF-8 except for {invalid} invalid byte sequence(s), the first {where}; "
            "fix or delete those bytes (a damaged copy-paste?), then run again"
        )
    encoding = "CP1252" if any(0x80 <= byte <= 0x9F for byte in data) else "LATIN1"
    described = "Windows-1252 text" if encoding == "CP1252" else "Latin-1 text"
    return (
        f"{name}: is not UTF-8 ({where}); it looks like {described}: convert it with "
        f"`iconv -f {encoding} -t UTF-8 {name} > {name}.utf8`"
    )


def read_lines(path: str | os.PathLike) -> list[str]:
    """All lines of a line-parallel file, blank ones included (as sacrebleu reads them)."""
    text = read_text(path)
    if not text.strip():
        raise InputError(f"{path}: has no text (it is empty or only whitespace); pass the file with the segments")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def load_document(path: str | os.PathLike, lang: str | None = None, option: str = "--src-lang") -> Document:
    """Load a document; blank lines are skipped but keep their line numbers for reporting.

    Markdown (.md) and HTML (.html) files are read as their blocks' text (see ``formats.markup``);
    anything else is plain text, one paragraph per line. ``lang`` declares the language;
    otherwise it is identified from the text.
    """
    from .formats.markup import HTML_SUFFIXES, MARKUP_SUFFIXES, read_markup

    if Path(path).suffix.lower() in MARKUP_SUFFIXES:
        blocks, line_count = read_markup(path)
        document = document_from_segments(str(path), blocks, line_count, lang, option)
        return replace(document, format="html" if Path(path).suffix.lower() in HTML_SUFFIXES else "markdown")
    lines = read_lines(path)
    segments = tuple(
        Segment(line=number, text=" ".join(line.split())) for number, line in enumerate(lines, start=1) if line.strip()
    )
    return document_from_segments(str(path), segments, len(lines), lang, option)


def document_from_segments(
    path: str, segments: Sequence[Segment], line_count: int, lang: str | None, option: str = "--src-lang"
) -> Document:
    """A Document of segments read by any reader, its language declared or identified from the text."""
    guess = detect_language("\n".join(s.text for s in segments))
    return Document(
        path=path,
        lang=(lang or guess.lang).lower(),
        segments=tuple(segments),
        line_count=line_count,
        lang_detected=guess.lang,
        lang_warning=language_mismatch(path, lang, guess, option),
    )


def document_from_texts(texts: list[str], lang: str, path: str = "<memory>") -> Document:
    """A Document built in memory, e.g. for tests and the library API."""
    segments = tuple(Segment(line=i, text=t) for i, t in enumerate(texts, start=1) if t.strip())
    return Document(path=path, lang=lang, segments=segments, line_count=len(texts))


def check_line_parallel(
    follower: Sequence[str], follower_name: str, leader: Sequence[str], leader_name: str, what: str = "translation"
) -> None:
    """``follower`` (a translation) must be line-parallel with ``leader`` as a user sees the files: the
    same number of lines, and blank wherever the leader is blank. A file one line short that happens
    to match the leader's non-blank lines would otherwise pair every later line with the wrong one."""
    if len(follower) != len(leader):
        raise InputError(
            f"{follower_name} has {len(follower)} lines but {leader_name} has {len(leader)}; a {what} must be "
            "line-parallel with it (one line per line, blank where it is blank)"
        )
    for number, (mine, theirs) in enumerate(zip(follower, leader), start=1):
        if mine.strip() and not theirs.strip():
            raise InputError(
                f"{follower_name} line {number} has text where {leader_name} line {number} is blank, so the files "
                f"are not line-parallel (a line is missing or extra above it); fix the {what} so that line N "
                "translates line N"
            )
