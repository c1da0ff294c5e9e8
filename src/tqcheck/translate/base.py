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
