"""What an LLM says around its translation, and what is not a translation at all.

``clean`` strips the wrappers chat models add (a "Here is the translation:" preamble, quotes or a
code fence around the whole answer) before anything is cached or scored. ``output_problems`` finds
the outputs that must not be scored silently, for every engine: empty output for a non-empty
source, and refusals ("I'm sorry, I can't ...").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_PREAMBLE = re.compile(
    r"^\s*(?:sure[,!.]?\s*)?(?:here(?:'s| is) (?:the |your |a )?(?:\w+ )?translation(?: \w+)*?|translation|"
    r"the translation (?:is|reads))\s*(?:\([^)]*\))?\s*[:：]\s*",
    re.IGNORECASE,
)
_FENCE = re.compile(r"^```[\w-]*\n(.*)\n```$", re.DOTALL)
_QUOTES = [('"', '"'), ("“", "”"), ("«", "»"), ("'", "'"), ("„", "“")]
_REFUSAL = re.compile(
    r"^\s*(?:i'?m sorry|i am sorry|sorry, (?:but )?i|i can(?:no|')t|i cannot|i am unable|i'm unable|"
    r"as an ai|i won't|i will not)\b",
    re.IGNORECASE,
)


def clean(text: str, source: str = "") -> str:
    """The translation without the chat around it; whitespace collapsed to one line."""
    text = text.strip()
    fenced = _FENCE.match(text)
    if fenced:
        text = fenced.group(1).strip()
    text = _PREAMBLE.sub("", text, count=1).strip()
    for opening, closing in _QUOTES:
        source_quoted = source.strip().startswith(opening) and source.strip().endswith(closing)
        if len(text) > 1 and text.startswith(opening) and text.endswith(closing) and not source_quoted:
            text = text[len(opening) : -len(closing)].strip()
            break
    return " ".join(text.split())


def output_problems(sources: Sequence[str], outputs: Sequence[str]) -> dict[int, str]:
    """Index -> what is wrong with that output (empty, or a refusal); the rest are absent."""
    found = {}
    for index, (source, output) in enumerate(zip(sources, outputs)):
        if source.strip() and not output.strip():
            found[index] = "empty"
        elif _REFUSAL.match(output) and not _REFUSAL.match(source):
            found[index] = "a refusal"
    return found
