"""Markdown and HTML documents as segments: the text of each block, markup stripped, numbered by the
line of the original file where the block starts.

Markdown goes through markdown-it-py (CommonMark, with tables and front matter): paragraphs,
headings, list items and table rows are text; code blocks, front matter, raw HTML blocks and link
targets are not. HTML goes through lxml: each block element's own text (a nested block is its own
segment); scripts, styles and ``<pre>`` are not text. Blocks that start on the same line (the
cells of a Markdown table row, several paragraphs on one line of minified HTML) are one segment,
so that a line number always names one segment.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator

from ..documents import Segment, read_text
from ..errors import InputError

MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
MARKUP_SUFFIXES = MARKDOWN_SUFFIXES | HTML_SUFFIXES

# Block-level HTML elements: each one's own text is a segment, its nested blocks are others.
HTML_BLOCKS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "caption",
        "dd",
        "details",
        "dialog",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "html",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "title",
        "tr",
        "ul",
    ]
)
# Elements whose content is not translated text.
HTML_NOT_TEXT = frozenset(["script", "style", "pre", "template", "noscript", "svg", "math"])


def read_markup(path: str | os.PathLike) -> tuple[tuple[Segment, ...], int]:
    """The segments of a Markdown or HTML file and its number of lines."""
    text = read_text(path)
    if not text.strip():
        raise InputError(f"{path}: has no text (it is empty or only whitespace); pass the document")
    suffix = os.path.splitext(str(path))[1].lower()
    blocks = markdown_blocks(text) if suffix in MARKDOWN_SUFFIXES else html_blocks(text, str(path))
    segments = merge_same_line(blocks)
    if not segments:
        raise InputError(f"{path}: has no translatable text (only code, markup or front matter); pass the document")
    return segments, text.count("\n") + (0 if text.endswith("\n") else 1)


def merge_same_line(blocks: Iterable[tuple[int, str]]) -> tuple[Segment, ...]:
    """(line, text) blocks as segments, whitespace collapsed, blanks dropped, blocks that start on
    one line joined with " | "."""
    by_line: dict[int, list[str]] = {}
    for line, text in blocks:
        text = " ".join(text.split())
        if text:
            by_line.setdefault(line, []).append(text)
    return tuple(Segment(line, " | ".join(texts)) for line, texts in sorted(by_line.items()))


def markdown_blocks(text: str) -> list[tuple[int, str]]:
    """Each inline run of a CommonMark document (paragraph, heading, table cell) with its first line."""
    from markdown_it import MarkdownIt
    from mdit_py_plugins.front_matter import front_matter_plugin

    parser = MarkdownIt("commonmark").enable("table").use(front_matter_plugin)
    blocks = []
    for token in parser.parse(text):
        if token.type == "inline" and token.map is not None:
            blocks.append((token.map[0] + 1, "".join(_inline_text(token.children or []))))
    return blocks


def _inline_text(children) -> Iterator[str]:
    """The words a reader sees: text, inline code and image alt text; not link targets or raw HTML."""
    for child in children:
        if child.type in ("text", "code_inline"):
            yield child.content
        elif child.type in ("softbreak", "hardbreak"):
            yield " "
        elif child.type == "image":
            yield "".join(_inline_text(child.children or []))


def html_blocks(text: str, name: str) -> list[tuple[int, str]]:
    """Each block element's own text with the line it starts on."""
    import lxml.etree
    import lxml.html

    try:
        root = lxml.html.document_fromstring(text)
    except (lxml.etree.ParserError, ValueError) as error:
        raise InputError(f"{name}: cannot be read as HTML ({error}); pass an HTML document") from None
    blocks = []
    for element in root.iter():
        if not isinstance(element.tag, str) or element.tag.lower() not in HTML_BLOCKS:
            continue
        if any(isinstance(a.tag, str) and a.tag.lower() in HTML_NOT_TEXT for a in element.iterancestors()):
            continue
        blocks.append((element.sourceline or 1, "".join(_own_text(element))))
    return blocks


def _own_text(element) -> Iterator[str]:
    """An element's text without that of its nested blocks (their own segments) or of code and scripts."""
    yield element.text or ""
    for child in element:
        tag = child.tag.lower() if isinstance(child.tag, str) else ""
        if tag and tag != "br" and tag not in HTML_BLOCKS and tag not in HTML_NOT_TEXT:
            yield from _own_text(child)
        else:
            yield " "  # a line break, a nested block or a skipped element separates the words around it
        yield child.tail or ""
