"""COMET and quality estimation on a Ray cluster (``--executor ray``): the triples the cache does not
hold become a Ray Data dataset, length-sorted, scored by ``map_batches`` over actors that each load
the checkpoint once (a GPU each where the cluster has them). Cache lookups and writes stay on the
driver (``CometMetric.score``); the system score is the mean of the segment scores, as locally."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from .base import TranslationTriple
from .comet_metric import CometMetric


class _CometActor:
    def __init__(self, settings: dict[str, Any]) -> None:
        self.metric = CometMetric(**settings)

    def __call__(self, batch: dict) -> dict:
        import numpy as np

        triples = [
            TranslationTriple(str(s), str(h), None if r is None else str(r))
            for s, h, r in zip(batch["source"], batch["hypothesis"], batch["reference"])
        ]
        scores, truncated, spans = self.metric.score_misses(triples)
        batch["score"] = np.array(scores, dtype="float64")
        batch["truncated"] = np.array(truncated, dtype=bool)
        batch["spans"] = np.array([json.dumps(s) for s in spans], dtype=object)
        return batch


class RayCometMetric(CometMetric):
    def __init__(self, *args: Any, address: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.address = address
        self.settings = {
            "model": self.model_name,
            "batch_size": self.batch_size,
            "gpus": None,
            "precision": self.precision,
            "fast": self.fast,
            "reference_free": self.reference_free,
        }

    def score_misses(self, triples: Sequence[TranslationTriple]) -> tuple[list[float], list[bool], list]:
        from ..translate.ray_executor import connect

        connect(self.address)
        import ray
        import ray.data

        gpus = 1 if ray.cluster_resources().get("GPU", 0) >= 1 else 0
        order = sorted(range(len(triples)), key=lambda k: -len(triples[k].hypothesis) - len(triples[k].source))
        rows = [
            {
                "index": k,
                "source": triples[k].source,
                "hypothesis": triples[k].hypothesis,
                "reference": triples[k].reference,
            }
            for k in order
        ]
        scored = ray.data.from_items(rows).map_batches(
            _CometActor,
            fn_constructor_kwargs={"settings": {**self.settings, "gpus": gpus}},
            batch_size=max(self.batch_size * 8, 64),
            compute=ray.data.ActorPoolStrategy(
                size=max(1, int(ray.cluster_resources().get("GPU" if gpus else "CPU", 1)))
            ),
            num_gpus=gpus,
        )
        from ..executor import record_cluster_work

        record_cluster_work("comet_segments", len(triples))
        scores: list[float] = [0.0] * len(triples)
        truncated: list[bool] = [False] * len(triples)
        spans: list = [None] * len(triples)
        batch = max(self.batch_size, 1)
        for done, row in enumerate(scored.iter_rows(), start=1):
            k = int(row["index"])
            scores[k], truncated[k], spans[k] = float(row["score"]), bool(row["truncated"]), json.loads(row["spans"])
            if done % batch == 0 or done == len(triples):
                self._scored(done)
        return scores, truncated, spans
