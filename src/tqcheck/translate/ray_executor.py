"""Machine translation on a Ray cluster (``--executor ray``): the texts become a Ray Data dataset,
length-sorted, and go through ``map_batches`` over a pool of actors that each load the engine once
(a GPU each where the cluster has them). Results come back in the original order.

It wraps the engine the way the local executor runs it, so the cache sits in front of it on the
driver: lookups before dispatch (only misses go to the cluster), one writer. Everything the engine
declares (cache key, info, directions, hub models) is answered on the driver by a local instance
that never loads a model. Ray Data restarts an actor whose worker is lost and retries its batches;
an engine error in a batch fails the run with the engine's own message (exit 3).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from ..errors import EngineError, TqcheckError
from .base import EngineInfo, Progress, TranslatorBase


def require_ray() -> None:
    """Refuse --executor ray (exit 2) before any work when Ray is not installed here."""
    import importlib.util

    if importlib.util.find_spec("ray") is None:
        from ..errors import InputError

        raise InputError("--executor ray needs Ray on this machine and the cluster: pip install 'tqcheck[ray]'")


def connect(address: str | None) -> None:
    """Join the cluster at ``address`` ("auto": the running one); with none, the cluster in
    RAY_ADDRESS, else a local Ray started for this run. Never a running cluster it was not told
    of: "auto" also finds the local Ray another tqcheck run started for itself, which stops when
    that run ends and takes this one down with it (Ray's driver then exits 1, which reads as a
    failed gate)."""
    import logging

    import ray
    import ray.data

    ray.data.DataContext.get_current().enable_progress_bars = False  # tqcheck's status line says it
    for name in ("ray", "ray.data"):
        logging.getLogger(name).setLevel(logging.WARNING)
    if ray.is_initialized():
        return
    options: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False, "logging_level": logging.WARNING}
    if address:
        ray.init(address=address, **options)
        return
    ray.init(address=None if os.environ.get("RAY_ADDRESS") else "local", **options)


class _EngineActor:
    """One engine per actor, built from its name and options (a model loads once per actor)."""

    def __init__(self, engine: str, options: dict[str, Any], src_lang: str, tgt_lang: str) -> None:
        from . import create_translator

        self.engine = create_translator(engine, options)
        self.src_lang, self.tgt_lang = src_lang, tgt_lang

    def __call__(self, batch: dict) -> dict:
        import numpy as np

        texts = [str(text) for text in batch["text"]]
        try:
            out = self.engine.translate(texts, self.src_lang, self.tgt_lang)
        except TqcheckError as error:  # crosses the cluster as text; the driver raises it again
            out = [f"\x00tqcheck-error\x00{type(error).__name__}\x00{error}"] * len(texts)
        batch["translation"] = np.array(out, dtype=object)
        return batch


class RayTranslator(TranslatorBase):
    """An engine whose ``translate`` runs on Ray; declarations come from a local instance of it."""

    def __init__(
        self,
        engine: str,
        options: dict[str, Any],
        *,
        address: str | None = None,
        actors: int | None = None,
        batch_size: int | None = None,
    ) -> None:
        from . import create_translator

        self.engine_name, self.options = engine, dict(options)
        self.local = create_translator(engine, options)
        self.name = self.local.name
        self.cacheable = self.local.cacheable
        self.independent_segments = self.local.independent_segments
        self.translates_any_text = self.local.translates_any_text
        self.reads_line_parallel_file = self.local.reads_line_parallel_file
        self.address = address
        self.actors = actors
        self.batch_size = batch_size or int(self.options.get("batch_size") or 64)
        self.dispatched = 0  # segments sent to the cluster (0 on a fully cached re-run)

    def info(self, src_lang: str, tgt_lang: str) -> EngineInfo:
        return self.local.info(src_lang, tgt_lang)

    def cache_key_parts(self, src_lang: str, tgt_lang: str) -> Any:
        return self.local.cache_key_parts(src_lang, tgt_lang)

    def check_directions(self, directions: Sequence[tuple[str, str]]) -> None:
        self.local.check_directions(directions)

    def hub_models(self, directions: Sequence[tuple[str, str]]) -> list[str]:
        return self.local.hub_models(directions)

    def translate_document(self, document, tgt_lang: str) -> list[str]:
        return self.local.translate_document(document, tgt_lang)  # reading a file: nothing to distribute

    def translate(
        self, texts: Sequence[str], src_lang: str, tgt_lang: str, *, progress: Progress | None = None
    ) -> list[str]:
        texts = list(texts)
        if not texts:
            return []
        batch_size, actors = self.batch_size, self.actors
        if not self.independent_segments:  # the engine must see the whole input together: one batch
            batch_size, actors = len(texts), 1
        connect(self.address)
        import ray
        import ray.data

        gpus = 1 if ray.cluster_resources().get("GPU", 0) >= 1 else 0
        order = sorted(range(len(texts)), key=lambda k: -len(texts[k]))  # similar lengths batch together
        dataset = ray.data.from_items([{"index": k, "text": texts[k]} for k in order])
        translated = dataset.map_batches(
            _EngineActor,
            fn_constructor_kwargs={
                "engine": self.engine_name,
                "options": self.options,
                "src_lang": src_lang,
                "tgt_lang": tgt_lang,
            },
            batch_size=batch_size,
            compute=ray.data.ActorPoolStrategy(
                size=actors or max(1, int(ray.cluster_resources().get("GPU" if gpus else "CPU", 1)))
            ),
            num_gpus=gpus,
        )  # Ray Data restarts a lost worker's actor and retries its batches by itself
        out: list[str | None] = [None] * len(texts)
        done = 0
        for row in translated.iter_rows():
            text = str(row["translation"])
            if text.startswith("\x00tqcheck-error\x00"):
                _, _, kind, message = text.split("\x00", 3)
                raise EngineError(message) if kind != "InputError" else _input_error(message)
            out[int(row["index"])] = text
            done += 1
            if progress is not None and done % max(1, batch_size) == 0:
                progress(done, len(texts))
        self.dispatched += len(texts)
        from ..executor import record_cluster_work

        record_cluster_work("mt_segments", len(texts))
        if any(t is None for t in out):
            raise EngineError(f"engine {self.name} on Ray returned {done} translations for {len(texts)} segments")
        return [t for t in out if t is not None]


def _input_error(message: str):
    from ..errors import InputError

    return InputError(message)
