"""A Translator that remembers: cached segments are not translated again; the rest is
translated in chunks, each stored as soon as it is done (an interrupted run resumes)."""

from __future__ import annotations

import inspect
from dataclasses import asdict
from typing import Callable, Sequence

from ..cache import Cache, cache_key
from ..errors import EngineError
from .base import EngineInfo


class CachedTranslator:
    def __init__(self, inner, cache: Cache, chunk_size: int = 256) -> None:
        self.inner = inner
        self.cache = cache
        self.chunk_size = chunk_size
        self.name = inner.name
        self.translates_any_text = getattr(inner, "translates_any_text", True)
        self.hits = self.misses = 0

    def info(self, src_lang: str, tgt_lang: str) -> EngineInfo:
        return self.inner.info(src_lang, tgt_lang)

    def _key_base(self, src_lang: str, tgt_lang: str) -> list:
        parts = getattr(self.inner, "cache_key_parts", None)
        identity = parts(src_lang, tgt_lang) if parts is not None else asdict(self.inner.info(src_lang, tgt_lang))
        return ["translation", self.inner.name, identity, src_lang, tgt_lang]

    def translate(self, texts: Sequence[str], src_lang: str, tgt_lang: str,
                  progress: Callable[[int, int], None] | None = None) -> list[str]:
        if not getattr(self.inner, "cacheable", True):
            return self._call(list(texts), src_lang, tgt_lang, progress)
        base = self._key_base(src_lang, tgt_lang)
        keys = [cache_key(*base, text) for text in texts]
        found = self.cache.get_many("translations", keys)
        todo = list(dict.fromkeys(text for text, key in zip(texts, keys) if key not in found))
        self.hits, self.misses = len(texts) - sum(k not in found for k in keys), len(todo)
        for start in range(0, len(todo), self.chunk_size):
            chunk = todo[start:start + self.chunk_size]
            done = start

            def chunk_progress(step: int, total: int, done=done, size=len(chunk)) -> None:
                if progress is not None:
                    progress(done + round(size * step / max(total, 1)), len(todo))

            out = self._call(chunk, src_lang, tgt_lang, chunk_progress)
            if len(out) != len(chunk):
                raise EngineError(f"engine {self.name} returned {len(out)} translations for {len(chunk)} segments")
            fresh = {cache_key(*base, text): translation for text, translation in zip(chunk, out)}
            self.cache.put_many("translations", fresh)
            found.update(fresh)
        return [found[key] for key in keys]

    def _call(self, texts: list[str], src_lang: str, tgt_lang: str, progress) -> list[str]:
        if progress is not None and "progress" in inspect.signature(self.inner.translate).parameters:
            return self.inner.translate(texts, src_lang, tgt_lang, progress=progress)
        return self.inner.translate(texts, src_lang, tgt_lang)
