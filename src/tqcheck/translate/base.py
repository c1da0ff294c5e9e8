"""The Translator contract: texts in, one translation per text out, same order."""

from __future__ import annotations

import inspect
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..documents import Document


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


Progress = Callable[[int, int], None]  # (segments done, segments in all)


class TranslatorBase(ABC):
    """The Translator contract, whole: what an engine must do and what it declares about itself.

    Subclass it, implement ``translate`` (and ``info`` when the model or options matter), and set
    the declarations that differ from these defaults; tqcheck reads nothing else. Register the
    class in the ``tqcheck.translators`` entry-point group (``translate/command.py`` is a short
    example). Declarations:

    - ``name``: the engine's name in reports.
    - ``cacheable``: False when nothing may be cached (e.g. the translation is read from a file).
    - ``independent_segments``: True when a segment's translation does not depend on which other
      segments are sent with it (a neural model translating each segment on its own). Only then may
      the cache send just the misses, in chunks; otherwise the whole input is one cache entry, so a
      cached run sees exactly what an uncached one would.
    - ``translates_any_text``: False when the engine holds one translation per source line and can
      translate nothing else (so not sentence by sentence).
    - ``reads_line_parallel_file``: True for an engine that holds a file line-parallel with the
      source file: it gets the whole Document (``translate_document``), so blank lines are checked too.
    - ``runs_out_of_process``: True when the engine imports no model library into tqcheck's process
      (a command, a file, an API), so COMET's libraries can be imported alongside it.
    - ``cache_key_parts(src, tgt)``: everything besides the text that determines the output (model
      and revision, options, file digests). ``None`` means the engine cannot say, and is not cached.
    """

    name: str = ""
    cacheable: bool = True
    independent_segments: bool = False
    translates_any_text: bool = True
    reads_line_parallel_file: bool = False
    runs_out_of_process: bool = False

    @abstractmethod
    def translate(
        self, texts: Sequence[str], src_lang: str, tgt_lang: str, *, progress: Progress | None = None
    ) -> list[str]:
        """Translate each text; the result has exactly one string per input, in order. Call
        ``progress(done, total)`` now and then when given (long runs show a rate)."""

    def info(self, src_lang: str, tgt_lang: str) -> EngineInfo:
        """Engine, model and output-relevant options used for this direction."""
        return EngineInfo(self.name)

    def translate_document(self, document: Document, tgt_lang: str) -> list[str]:
        """The translation of every segment of ``document`` (engines that read a line-parallel file)."""
        raise NotImplementedError(f"engine {self.name} translates texts, not documents")

    def cache_key_parts(self, src_lang: str, tgt_lang: str) -> Any:
        return None

    def check_directions(self, directions: Sequence[tuple[str, str]]) -> None:
        """Refuse (InputError) a set of directions the engine cannot serve, before any work."""

    def hub_models(self, directions: Sequence[tuple[str, str]]) -> list[str]:
        """The hub models the directions need (checked for availability before any work)."""
        return []

    def take_usage(self) -> dict[str, Any] | None:
        """What the engine spent since the last call (API engines: requests, retries, tokens or
        characters, seconds), then zero again; None for an engine that does not count."""
        return None


Translator = TranslatorBase  # the name the library API uses


class DuckTypedTranslator(TranslatorBase):
    """A plugin engine that does not subclass TranslatorBase but has ``name``, ``translate`` and
    ``info``: its declarations are read once, here, with the contract's defaults for what it
    leaves out, so the rest of tqcheck only ever sees the contract."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.name = getattr(engine, "name", type(engine).__name__)
        for declared in (
            "cacheable",
            "independent_segments",
            "translates_any_text",
            "reads_line_parallel_file",
            "runs_out_of_process",
        ):
            setattr(self, declared, getattr(engine, declared, getattr(TranslatorBase, declared)))
        self._takes_progress = "progress" in inspect.signature(engine.translate).parameters

    def translate(
        self, texts: Sequence[str], src_lang: str, tgt_lang: str, *, progress: Progress | None = None
    ) -> list[str]:
        if progress is not None and self._takes_progress:
            return self.engine.translate(texts, src_lang, tgt_lang, progress=progress)
        return self.engine.translate(texts, src_lang, tgt_lang)

    def info(self, src_lang: str, tgt_lang: str) -> EngineInfo:
        method = getattr(self.engine, "info", None)
        return method(src_lang, tgt_lang) if method is not None else EngineInfo(self.name)

    def translate_document(self, document: Document, tgt_lang: str) -> list[str]:
        return self.engine.translate_document(document, tgt_lang)

    def cache_key_parts(self, src_lang: str, tgt_lang: str) -> Any:
        method = getattr(self.engine, "cache_key_parts", None)
        return method(src_lang, tgt_lang) if method is not None else None

    def check_directions(self, directions: Sequence[tuple[str, str]]) -> None:
        method = getattr(self.engine, "check_directions", None)
        if method is not None:
            method(directions)

    def hub_models(self, directions: Sequence[tuple[str, str]]) -> list[str]:
        method = getattr(self.engine, "hub_models", None)
        return list(method(directions)) if method is not None else []

    def take_usage(self) -> dict[str, Any] | None:
        method = getattr(self.engine, "take_usage", None)
        return method() if method is not None else None


def as_translator(engine: Any) -> TranslatorBase:
    """The engine as the contract: itself when it subclasses TranslatorBase, else duck-typed."""
    return engine if isinstance(engine, TranslatorBase) else DuckTypedTranslator(engine)


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
