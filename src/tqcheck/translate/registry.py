"""Translators by name. Built-ins and third-party engines (entry-point group
``tqcheck.translators``) are looked up the same way and imported only when used,
so choosing the ``command`` engine never imports torch."""

from __future__ import annotations

import dataclasses
import importlib
import math
import typing
from typing import Any

from ..errors import InputError
from .base import Translator, as_translator

ENTRY_POINT_GROUP = "tqcheck.translators"

BUILTIN_TRANSLATORS = {
    "marian": "tqcheck.translate.marian:MarianTranslator",
    "ctranslate2": "tqcheck.translate.ctranslate2_engine:CTranslate2Translator",
    "command": "tqcheck.translate.command:CommandTranslator",
    "file": "tqcheck.translate.file:FileTranslator",
    "seq2seq": "tqcheck.translate.seq2seq:Seq2SeqTranslator",
    "openai": "tqcheck.translate.openai_engine:OpenAITranslator",
    "deepl": "tqcheck.translate.deepl_engine:DeepLTranslator",
}


def available_translators() -> dict[str, str]:
    """Engine name -> "module:attr"; third parties can add names but not replace built-ins."""
    from importlib.metadata import entry_points  # 10+ ms: only when an engine is looked up

    found = {ep.name: ep.value for ep in entry_points(group=ENTRY_POINT_GROUP)}
    found.update(BUILTIN_TRANSLATORS)
    return dict(sorted(found.items()))


def _load(target: str):
    module_name, _, attr = target.partition(":")
    return getattr(importlib.import_module(module_name), attr)


def create_translator(name: str, options: dict[str, Any] | None = None) -> Translator:
    """Build engine ``name`` with typed, checked options (a typo is an error naming the valid keys)."""
    engines = available_translators()
    if name not in engines:
        raise InputError(f"unknown engine {name!r}; choose one of: {', '.join(engines)}")
    factory = _load(engines[name])
    options = coerce_options(factory, options or {}, what=f"engine {name!r}")
    return as_translator(factory(**options))


def coerce_options(factory, options: dict[str, Any], what: str) -> dict[str, Any]:
    """Check option names against the factory's ``Options`` dataclass and convert strings to its types."""
    spec = getattr(factory, "Options", None)
    if spec is None or not dataclasses.is_dataclass(spec):
        return dict(options)
    hints = typing.get_type_hints(spec)
    fields = {f.name: hints[f.name] for f in dataclasses.fields(spec)}
    converted: dict[str, Any] = {}
    for key, value in options.items():
        if value is None:
            continue
        if key not in fields:
            raise InputError(f"{what} has no option {key!r}; valid options: {', '.join(fields) or 'none'}")
        converted[key] = _convert(value, fields[key], key, what)
    return converted


def _convert(value: Any, hint: Any, key: str, what: str) -> Any:
    """A flag's string, or a settings file's value, as the option's declared type; anything that is
    not one (a list, nan, 'yes please') is an InputError naming the option."""
    kinds = [a for a in typing.get_args(hint) if a is not type(None)] or [hint]
    kind = kinds[0]
    wrong = InputError(f"{what}: option {key}={value!r} is not a valid {getattr(kind, '__name__', kind)}")
    if not isinstance(value, str):
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise wrong
        if kind is float and not math.isfinite(value):
            raise wrong
        return value
    try:
        if kind is bool:
            if value.lower() in {"1", "true", "yes", "on"}:
                return True
            if value.lower() in {"0", "false", "no", "off"}:
                return False
            raise ValueError(value)
        if kind in (int, float):
            number = kind(value)
            if kind is float and not math.isfinite(number):
                raise ValueError(value)
            return number
    except ValueError:
        raise wrong from None
    return value
