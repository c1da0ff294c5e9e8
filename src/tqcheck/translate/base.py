"""The Translator contract: texts in, one translation per text out, same order."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol, Sequence, runtime_checkable


@dataclass(frozen=True)
class EngineInfo:
    """What produced a translation, for the report: engine name, model id, options that change output."""

    engine: str
    model: str | None = None
    options: dict[str, Any] = field(default_factory=dict)

    def describe(self) -> str:
        parts = [self.engine]
        if self.model:
            parts.append(self.model)
        parts += [f"{k}={v}" for k, v in sorted(self.options.items())]
        return " · ".join(parts)


class TranslatorBase:
    """What an engine declares about itself, with the safe defaults. Built-in engines subclass it;
    a plugin may too (or set the same attributes), and whatever it leaves out takes these values.

    - ``cacheable``: False when nothing may be cached (e.g. the translation is read from a file).
    - ``independent_segments``: True when a segment's translation does not depend on which other
      segments are sent with it (a neural model translating each segment on its own). Only then may
      the cache send just the misses, in chunks; otherwise the whole input is one cache entry, so a
      cached run sees exactly what an uncached one would.
    - ``translates_any_text``: False when the engine holds one translation per source line and can
      translate nothing else (so not sentence by sentence).
    - ``cache_key_parts(src, tgt)``: everything besides the text that determines the output (model
      and revision, options, file digests). ``None`` means the engine cannot say, and is not cached.
    """

    name: str = ""
    cacheable: bool = True
    independent_segments: bool = False
    translates_any_text: bool = True
    # True for an engine that holds a file line-parallel with the source file: it is given the whole
    # Document (``translate_document(document, tgt_lang)``), so blank lines can be checked too.
    reads_line_parallel_file: bool = False

    def cache_key_parts(self, src_lang: str, tgt_lang: str) -> Any:
        return None

    def check_directions(self, directions: Sequence[tuple[str, str]]) -> None:
        """Refuse (InputError) a set of directions the engine cannot serve, before any work."""

    def hub_models(self, directions: Sequence[tuple[str, str]]) -> list[str]:
        """The hub models the directions need (checked for availability before any work)."""
        return []


def capability(engine: Any, name: str) -> Any:
    """An engine's declared capability, or TranslatorBase's default for an engine that leaves it out."""
    return getattr(engine, name, getattr(TranslatorBase, name))


@runtime_checkable
class Translator(Protocol):
    name: str

    def translate(self, texts: Sequence[str], src_lang: str, tgt_lang: str) -> list[str]:
        """Translate each text; the result has exactly one string per input, in order."""
        ...

    def info(self, src_lang: str, tgt_lang: str) -> EngineInfo:
        """Engine, model and output-relevant options used for this direction."""
        ...


def parse_direction_spec(spec: str | None) -> dict[str, str]:
    """``VALUE`` for every direction (key ``*``), or ``sv-en=VALUE,en-sv=VALUE2`` per direction."""
    if not spec:
        return {}
    values: dict[str, str] = {}
    for part in spec.split(","):
        part = part.strip()
        head, sep, tail = part.partition("=")
        if sep and len(head.split("-")) == 2 and "/" not in head:
            values[head.lower()] = tail
        else:
            values["*"] = part
    return values


def for_direction(values: dict[str, str], src_lang: str, tgt_lang: str) -> str | None:
    return values.get(f"{src_lang}-{tgt_lang}") or values.get("*")
