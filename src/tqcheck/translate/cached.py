"""A Translator that remembers, without ever changing what the engine would have said.

The key of a cached translation covers everything that determines it: the engine's declared key
parts (model and revision, options, the digests of the files a command runs), the user's
``cache_key`` version, the languages and the text. An engine that cannot say what determines its
output is not cached. Engines whose segments are independent get only the misses, in chunks that
are stored as soon as they are done (an interrupted run resumes); any other engine's whole input
is one entry, so a cached run sees exactly the output an uncached run would.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from ..cache import Cache, cache_key
from ..errors import EngineError
from .base import EngineInfo, Progress, TranslatorBase, as_translator


class CachedTranslator(TranslatorBase):
    """Any engine, with a cache in front; declares what the engine declares."""

    def __init__(self, inner: Any, cache: Cache, chunk_size: int = 256, version: str | None = None) -> None:
        self.inner = inner = as_translator(inner)
        self.cache = cache
        self.chunk_size = chunk_size
        self.version = version
        self.name = inner.name
        self.translates_any_text = inner.translates_any_text
        self.independent_segments = inner.independent_segments
        self.cacheable = inner.cacheable
        self.reads_line_parallel_file = inner.reads_line_parallel_file
        self.runs_out_of_process = inner.runs_out_of_process
        self.hits = self.misses = 0  # segments of the last call served from the cache / translated
        self.not_cached: str | None = None  # why the last call did not use the cache
        # called once, just before the engine first runs (not at all when the cache serves
        # everything): work worth overlapping with the engine, never paid for on a cached re-run
        self.when_engine_runs: Callable[[], None] | None = None

    def info(self, src_lang: str, tgt_lang: str) -> EngineInfo:
        return self.inner.info(src_lang, tgt_lang)

    def translate_document(self, document, tgt_lang: str) -> list[str]:
        """Engines that read a line-parallel file are never cached: reading it is the translation."""
        self.hits, self.misses = 0, len(document.segments)
        self.not_cached = f"engine {self.name} reads its translation from a file"
        self._engine_starts()
        return self.inner.translate_document(document, tgt_lang)

    def hub_models(self, directions: Sequence[tuple[str, str]]) -> list[str]:
        return list(self.inner.hub_models(directions))

    def take_usage(self) -> dict[str, Any] | None:
        return self.inner.take_usage()

    def check_directions(self, directions: Sequence[tuple[str, str]]) -> None:
        self.inner.check_directions(directions)

    def _key_base(self, src_lang: str, tgt_lang: str) -> list | None:
        """Everything but the text; None when nothing determines the output that the engine can name."""
        if not self.cacheable:
            return None
        parts = self.inner.cache_key_parts(src_lang, tgt_lang)
        if parts is None and self.version is None:
            return None
        return ["translation", self.inner.name, parts, self.version, src_lang, tgt_lang]

    def translate(
        self, texts: Sequence[str], src_lang: str, tgt_lang: str, *, progress: Progress | None = None
    ) -> list[str]:
        texts = list(texts)
        base = self._key_base(src_lang, tgt_lang)
        self.hits, self.misses, self.not_cached = 0, len(texts), None
        if base is None:
            self.not_cached = (
                f"engine {self.name} reads its translation from a file"
                if not self.cacheable
                else f"engine {self.name} does not declare what determines its output; "
                "--engine-option cache_key=VERSION caches it under a version you choose"
            )
            return self._call(texts, src_lang, tgt_lang, progress)
        if not self.independent_segments:
            return self._translate_whole(base, texts, src_lang, tgt_lang, progress)
        return self._translate_misses(base, texts, src_lang, tgt_lang, progress)

    def _translate_whole(self, base: list, texts: list[str], src_lang: str, tgt_lang: str, progress) -> list[str]:
        """One entry for the whole input: the engine sees every segment together, cached or not."""
        key = cache_key(*base, "whole input", texts)
        stored = self.cache.get_many("translations", [key]).get(key)
        if stored is not None:
            self.hits, self.misses = len(texts), 0
            return json.loads(stored)
        out = self._checked_call(texts, src_lang, tgt_lang, progress)
        self.cache.put_many("translations", {key: json.dumps(out, ensure_ascii=False)})
        return out

    def _translate_misses(self, base: list, texts: list[str], src_lang: str, tgt_lang: str, progress) -> list[str]:
        keys = [cache_key(*base, text) for text in texts]
        found = self.cache.get_many("translations", keys)
        todo = list(dict.fromkeys(text for text, key in zip(texts, keys) if key not in found))
        self.hits = sum(key in found for key in keys)
        self.misses = len(texts) - self.hits
        for start in range(0, len(todo), self.chunk_size):
            chunk = todo[start : start + self.chunk_size]

            def chunk_progress(step: int, total: int, done=start, size=len(chunk)) -> None:  # noqa: B008 (binds this chunk)
                if progress is not None:
                    progress(done + round(size * step / max(total, 1)), len(todo))

            out = self._checked_call(chunk, src_lang, tgt_lang, chunk_progress)
            fresh = {cache_key(*base, text): translation for text, translation in zip(chunk, out)}
            self.cache.put_many("translations", fresh)
            found.update(fresh)
        return [found[key] for key in keys]

    def _checked_call(self, texts: list[str], src_lang: str, tgt_lang: str, progress) -> list[str]:
        out = self._call(texts, src_lang, tgt_lang, progress)
        if len(out) != len(texts) or not all(isinstance(t, str) for t in out):
            raise EngineError(
                f"engine {self.name} returned {len(out)} translations for {len(texts)} segments "
                "(or something that is not text); nothing was cached"
            )
        return out

    def _call(self, texts: list[str], src_lang: str, tgt_lang: str, progress) -> list[str]:
        self._engine_starts()
        return self.inner.translate(texts, src_lang, tgt_lang, progress=progress)

    def _engine_starts(self) -> None:
        if self.when_engine_runs is not None:
            start, self.when_engine_runs = self.when_engine_runs, None
            start()
