"""COMET through unbabel-comet: ``download_model`` + ``load_from_checkpoint`` + ``predict``.

One class for every comet model kind: reference-based (wmt22-comet-da), reference-free quality
estimation (CometKiwi: referenceless_regression_metric / unified_metric checkpoints), and
XCOMET (xcomet_metric), whose error spans are kept with the segment scores. Loading lives in
``comet_loading``, the inference loop in ``comet_inference``; this is the metric: cache,
batches, signature.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from ..accelerator import with_batch_backoff
from ..cache import cache_key
from ..errors import EngineError, InputError
from ..hub import is_local_path, model_fingerprint
from .base import Metric, MetricResult, TranslationTriple
from .comet_embeddings import predict_with_embedding_cache, supports
from .comet_inference import _error_spans, clean_spans, predict_without_trainer
from .comet_loading import (  # noqa: F401  (importable from here, as before)
    DEFAULT_COMET_MODEL,
    DEFAULT_QE_MODEL,
    LoadedComet,
    _not_cached,
    _quiet_libraries,
    comet_version,
    licence_note,
    load_comet,
)


class CometMetric(Metric):
    """COMET with a reference (``comet``), or reference-free quality estimation (``cometkiwi``)."""

    higher_is_better = True
    chunk_size = 1024  # segments per predict call when caching: an interrupted run keeps what was scored

    def __init__(
        self,
        model: str | None = None,
        batch_size: int = 16,
        gpus: int | None = None,
        cache=None,
        precision: str = "fp32",
        fast: bool = True,
        reference_free: bool = False,
    ) -> None:
        if batch_size < 1:
            raise InputError("comet: batch size must be at least 1")
        if gpus is not None and gpus < 0:
            raise InputError(f"--comet-gpus {gpus}: give 0 (CPU) or a number of GPUs")
        if gpus:
            import torch

            available = torch.cuda.device_count()
            if gpus > available:
                fix = (
                    "--comet-gpus 0 to score on the CPU"
                    if not available
                    else f"--comet-gpus {available} or fewer (0 scores on the CPU)"
                )
                raise InputError(f"--comet-gpus {gpus}: this machine has {available} GPU(s); pass {fix}")
        if precision not in ("fp32", "fp16"):
            raise InputError(f"--comet-precision {precision}: choose fp32 or fp16 (fp16 only on a GPU)")
        self.reference_free = reference_free
        self.name = "cometkiwi" if reference_free else "comet"
        self.model_name = model or (DEFAULT_QE_MODEL if reference_free else DEFAULT_COMET_MODEL)
        self.batch_size = batch_size
        self.gpus = gpus
        self.cache = cache
        self.precision = precision
        self.fast = fast
        self._loaded: LoadedComet | None = None
        self.embedding_counts = {"encoded": 0, "from_cache": 0}
        # (segments scored by the model so far, segments it has to score): set by the caller for a
        # status line; the cache's chunks report here, and on Ray every batch that comes back
        self.progress: Callable[[int, int], None] | None = None
        self._progress_done, self._progress_total = 0, 0

    def load(self) -> LoadedComet:
        import torch

        gpus = self.gpus if self.gpus is not None else (1 if torch.cuda.is_available() else 0)
        device = "cpu" if gpus == 0 else ("cuda" if gpus == 1 else f"cuda x{gpus}")
        return load_comet(
            self.model_name,
            flag="--qe-model" if self.reference_free else "--comet-model",
            metric=self.name,
            device=device,
        )

    def signature(self) -> str:
        """Model id, hub revision (when it comes from the hub cache) and comet version, known without loading."""
        weights = model_fingerprint(self.model_name) if not is_local_path(self.model_name) else ""
        revision = weights[len("rev:") :][:12] if weights.startswith("rev:") else None
        return (
            f"model:{self.model_name}"
            + (f"|rev:{revision}" if revision else "")
            + ("|ref:no" if self.reference_free else "")
            + ("|fp16" if self.precision == "fp16" else "")
            + f"|comet:{comet_version()}"
        )

    def _scored(self, in_this_chunk: int) -> None:
        """Report the segments of the current chunk scored so far."""
        if self.progress is not None:
            self.progress(self._progress_done + in_this_chunk, self._progress_total)

    def score(self, triples: Sequence[TranslationTriple]) -> MetricResult:
        """Segment scores from the cache where there, the rest from the model in chunks (stored as they come)."""
        base = ["comet-v2", self.model_name, model_fingerprint(self.model_name), comet_version(), self.precision]
        keys = [
            cache_key(*base, t.source, t.hypothesis, None if self.reference_free else t.reference) for t in triples
        ]  # identical triples scored once
        found: dict[str, list] = {}
        if self.cache is not None:
            found = {k: json.loads(v) for k, v in self.cache.get_many("comet_scores", keys).items()}
        todo = list(dict.fromkeys(k for k in keys if k not in found))
        if todo:
            by_key = dict(zip(keys, triples))
            step = self.chunk_size if self.cache is not None else len(todo)
            self._progress_total = len(todo)
            for start in range(0, len(todo), step):
                chunk = todo[start : start + step]
                self._progress_done = start
                scores, truncated, spans = self.score_misses([by_key[k] for k in chunk])
                self._scored(len(chunk))
                fresh = {k: [s, t, e] for k, s, t, e in zip(chunk, scores, truncated, spans)}
                if self.cache is not None:
                    self.cache.put_many("comet_scores", {k: json.dumps(v) for k, v in fresh.items()})
                found.update(fresh)
        segment_scores = [float(found[k][0]) for k in keys]
        truncated_indices = [i for i, k in enumerate(keys) if found[k][1]]
        details: dict[str, Any] = {
            "model": self.model_name,
            "segments": len(keys),
            "scored_by_the_model": len(todo),
            "batch_size": self.batch_size,
            "precision": self.precision,
            "truncated_segments": truncated_indices,
        }
        if self.embedding_counts["encoded"] or self.embedding_counts["from_cache"]:
            details["sentence_embeddings"] = dict(self.embedding_counts)  # texts encoded / found in the cache
        if any(found[k][2] is not None for k in keys):
            details["error_spans"] = [found[k][2] or [] for k in keys]
        note = licence_note(self.model_name)
        if note:
            details["licence_note"] = note
        return MetricResult(
            name=self.name,
            score=sum(segment_scores) / len(segment_scores)
            if segment_scores
            else float("nan"),  # as comet's system_score
            signature=self.signature(),
            segment_scores=segment_scores,
            higher_is_better=True,
            details=details,
        )

    def score_misses(self, triples: Sequence[TranslationTriple]) -> tuple[list[float], list[bool], list]:
        """Segment scores, truncation flags and error spans of triples not in the cache, from the
        model loaded here (once); ``--executor ray`` sends them to the cluster instead."""
        if self._loaded is None:
            self._loaded = self.load()
        scored = self._predict(self._loaded, triples)
        if self._loaded.weights_changed_on_disk():  # checked before these scores reach the cache
            raise EngineError(
                f"COMET checkpoint {self._loaded.checkpoint} was rewritten while tqcheck scored with it (the "
                "model reads its weights from that file), so these scores may mix two models; run again once "
                "nothing writes to it, or score with a copy"
            )
        return scored

    def _samples(self, loaded: LoadedComet, triples: Sequence[TranslationTriple]) -> list[dict[str, str]]:
        """What the model reads: src+mt for quality estimation, src+mt+ref for a reference-based model."""
        needs_reference = loaded.model.requires_references()
        if self.reference_free:
            if needs_reference:
                raise InputError(
                    f"{loaded.model_id} is a reference-based COMET model and cannot score without a reference; "
                    f"for cometkiwi pass --qe-model with a quality-estimation checkpoint (e.g. {DEFAULT_QE_MODEL}, "
                    "or any referenceless_regression_metric, unified_metric or xcomet_metric model)"
                )
            return [{"src": t.source, "mt": t.hypothesis} for t in triples]
        if needs_reference and any(t.reference is None for t in triples):
            raise InputError(
                f"COMET model {loaded.model_id} needs references; pass --ref, or score with cometkiwi (reference-free)"
            )
        return [
            {"src": t.source, "mt": t.hypothesis, **({"ref": t.reference} if t.reference is not None else {})}
            for t in triples
        ]

    def _predict(
        self, loaded: LoadedComet, triples: Sequence[TranslationTriple]
    ) -> tuple[list[float], list[bool], list]:
        model = loaded.model
        samples = self._samples(loaded, triples)
        import torch

        gpus = self.gpus if self.gpus is not None else (1 if torch.cuda.is_available() else 0)
        if self.precision == "fp16" and gpus == 0:
            raise InputError("--comet-precision fp16 needs a GPU; on the CPU score in fp32")
        truncated = set(self._count_truncated(model, samples))
        _quiet_libraries()

        # each distinct text encoded once, in batches of similar lengths (less padding than whole
        # triples), and with a cache only the texts it does not hold: a gate re-run encodes the new MT
        reuse_embeddings = self.fast and gpus <= 1 and not self.reference_free and supports(model)

        def predict(batch_size: int) -> tuple[list, list | None]:
            if reuse_embeddings:  # only the MT's embeddings are new on a gate re-run
                scores, counts = predict_with_embedding_cache(
                    model,
                    samples,
                    batch_size,
                    "cuda" if gpus else "cpu",
                    self.precision,
                    self.cache,
                    (self.model_name, model_fingerprint(self.model_name), comet_version()),
                )
                for name, count in counts.items():
                    self.embedding_counts[name] += count
                return scores, None
            if self.fast and gpus <= 1:
                return predict_without_trainer(model, samples, batch_size, "cuda" if gpus else "cpu", self.precision)
            output = model.predict(samples, batch_size=batch_size, gpus=gpus, progress_bar=False)
            return list(output.scores), _error_spans(output, len(samples))

        (scores, spans), batch_size = with_batch_backoff(
            predict,
            self.batch_size,
            too_big=lambda: EngineError(
                "COMET ran out of GPU memory even at batch size 1; score on the CPU with --comet-gpus 0"
            ),
            failed=lambda error: EngineError(
                f"COMET scoring failed ({str(error).splitlines()[0]}); try --comet-batch-size 4 or --comet-gpus 0"
            ),
        )
        self.batch_size = batch_size  # what fitted, for the next chunk
        cleaned = (
            [clean_spans(segment_spans, sample["mt"]) for segment_spans, sample in zip(spans, samples)]
            if spans is not None
            else [None] * len(samples)
        )
        return [float(x) for x in scores], [k in truncated for k in range(len(samples))], cleaned

    @staticmethod
    def _count_truncated(model, samples: list[dict[str, str]]) -> list[int]:
        """Indices of segments with a text longer than the encoder takes (comet cuts it silently)."""
        encoder = model.encoder
        limit = encoder.max_positions - 2
        texts = [text for sample in samples for text in sample.values()]
        lengths = encoder.tokenizer(texts, add_special_tokens=False)["input_ids"]
        per_sample = len(samples[0]) if samples else 1
        return sorted({k // per_sample for k, ids in enumerate(lengths) if len(ids) > limit})
