"""COMET through unbabel-comet: ``download_model`` + ``load_from_checkpoint`` + ``predict``.

One class for every comet model kind: reference-based (wmt22-comet-da), reference-free quality
estimation (CometKiwi: referenceless_regression_metric / unified_metric checkpoints), and
XCOMET (xcomet_metric), whose error spans are kept with the segment scores.

The model is loaded once per process and per checkpoint. Loading is local-only and
instant when the hub is unreachable (see ``tqcheck.hub``).
"""

from __future__ import annotations

import contextlib
import json
import logging
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Sequence

from ..accelerator import is_out_of_memory, release_cached_memory
from ..cache import cache_key
from ..errors import EngineError, InputError, ModelUnavailableError, TqcheckError
from ..hub import cached_locally, ensure_offline_if_unreachable, is_local_path, model_fingerprint
from .base import Metric, MetricResult, TranslationTriple
from .checkpoints import _local_checkpoint

DEFAULT_COMET_MODEL = "Unbabel/wmt22-comet-da"
DEFAULT_QE_MODEL = "Unbabel/wmt22-cometkiwi-da"

_NOISY_LOGGERS = ("pytorch_lightning", "lightning", "lightning.pytorch", "lightning_fabric", "comet")


@dataclass(frozen=True)
class LoadedComet:
    model: Any
    model_id: str
    checkpoint: str
    version: str


def _quiet_libraries() -> None:
    for name in _NOISY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    # torchmetrics 0.10.3 (pinned by unbabel-comet) imports the deprecated pkg_resources.
    warnings.filterwarnings("ignore", message="pkg_resources is deprecated", category=UserWarning)
    warnings.filterwarnings("ignore", message=".*Consider increasing the value of the `num_workers`.*")
    warnings.filterwarnings("ignore", message=r".*isinstance\(treespec, LeafSpec\)` is deprecated.*")


def _not_cached(name: str, flag: str, metric: str) -> ModelUnavailableError:
    return ModelUnavailableError(
        f"COMET model {name} is not in the local cache and the hub is unreachable; "
        f"run `tqcheck models pull {name}` where there is network, pass {flag} PATH "
        f"to a local checkpoint, or leave {metric} out of --metrics"
    )


class _NotCached(Exception):
    """Raised inside the cached loader; load_comet words it for the option that chose the model."""


def _encoder_name(checkpoint: str) -> str:
    try:
        import yaml

        hparams = yaml.safe_load((Path(checkpoint).parents[1] / "hparams.yaml").read_text()) or {}
        return str(hparams.get("pretrained_model", "its encoder"))
    except Exception:
        return "its encoder"


def _load_without_random_init(comet, checkpoint: str, offline: bool):
    """comet.load_from_checkpoint without first filling 560M parameters with random numbers that
    the checkpoint then overwrites (about half of the load time of an XLM-R-large COMET on a CPU).

    comet loads with strict=False; if Lightning reports a parameter missing from the checkpoint,
    the model is loaded again the ordinary way, so nothing can stay uninitialised."""
    from transformers.modeling_utils import no_init_weights

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with no_init_weights():
            model = comet.load_from_checkpoint(checkpoint, local_files_only=offline)
    if any("not in the checkpoint" in str(w.message) for w in caught):
        model = comet.load_from_checkpoint(checkpoint, local_files_only=offline)
    return model


def load_comet(name_or_path: str, *, flag: str = "--comet-model", metric: str = "comet") -> LoadedComet:
    """Resolve a hub name, checkpoint directory or .ckpt path, and load it once per process.
    ``flag`` and ``metric``: the option that chose the model and the metric using it, for error messages."""
    checkpoint = _local_checkpoint(name_or_path, flag) if is_local_path(name_or_path) else None
    try:
        return _load_comet(name_or_path, str(checkpoint) if checkpoint is not None else None)
    except _NotCached:
        raise _not_cached(name_or_path, flag, metric) from None


def _damaged(name: str, error: BaseException) -> InputError:
    first = (str(error).splitlines() or [type(error).__name__])[0][:200]
    return InputError(f"COMET checkpoint {name} cannot be loaded ({type(error).__name__}: {first}); it is damaged or "
                      "not a COMET checkpoint: download it again, or pass another checkpoint")


@lru_cache(maxsize=4)
def _load_comet(name_or_path: str, checkpoint: str | None) -> LoadedComet:
    """Load once per process. A local checkpoint that is not one (a text file, a damaged pickle, a
    broken hparams.yaml) is bad input, whatever the library raises while reading it."""
    checkpoint_given = checkpoint is not None
    try:
        return _load_comet_checked(name_or_path, checkpoint, checkpoint_given)
    except (TqcheckError, _NotCached):
        raise
    except Exception as error:
        if checkpoint_given:
            raise _damaged(name_or_path, error) from None
        raise


def _load_comet_checked(name_or_path: str, checkpoint: str | None, checkpoint_given: bool) -> LoadedComet:
    offline = ensure_offline_if_unreachable()
    if checkpoint is None and offline and not cached_locally(name_or_path):
        raise _NotCached
    _quiet_libraries()
    import comet
    from importlib.metadata import version

    _quiet_libraries()
    if checkpoint is None:
        try:
            checkpoint = comet.download_model(name_or_path, local_files_only=offline)
        except Exception:
            if offline:
                raise _NotCached from None
            raise ModelUnavailableError(f"COMET model {name_or_path} could not be downloaded; check the name (e.g. {DEFAULT_COMET_MODEL})") from None
    try:
        model = _load_without_random_init(comet, str(checkpoint), offline)
    except (OSError, ValueError, KeyError) as error:
        if checkpoint_given and not isinstance(error, OSError):
            raise _damaged(name_or_path, error) from None
        encoder = _encoder_name(checkpoint)
        reason = "is not cached and the hub is unreachable" if offline else f"could not be loaded ({str(error).splitlines()[0]})"
        raise ModelUnavailableError(
            f"COMET model {name_or_path} needs its encoder {encoder}, which {reason}; "
            f"run `tqcheck models pull {name_or_path}` where there is network"
        ) from None
    return LoadedComet(model=model, model_id=name_or_path, checkpoint=str(checkpoint), version=version("unbabel-comet"))


def _to_device(inputs, device: str):
    """Move a prepared batch to the device: a dict of tensors, or (unified/XCOMET models) a tuple of them."""
    if isinstance(inputs, dict):
        return {name: _to_device(value, device) for name, value in inputs.items()}
    if isinstance(inputs, (list, tuple)):
        return type(inputs)(_to_device(value, device) for value in inputs)
    return inputs.to(device, non_blocking=True) if hasattr(inputs, "to") else inputs


def _error_spans(prediction, size: int) -> list | None:
    """XCOMET (and word-level unified models) return error spans in the prediction's metadata."""
    metadata = prediction.get("metadata") if hasattr(prediction, "get") else None
    spans = metadata.get("error_spans") if metadata is not None and hasattr(metadata, "get") else None
    return list(spans) if spans is not None and len(spans) == size else None


def predict_without_trainer(model, samples: list[dict[str, str]], batch_size: int, device: str,
                            precision: str = "fp32") -> tuple[list[float], list[list[dict]] | None]:
    """COMET's own predict_step on batches sorted by length, without a Lightning Trainer per call.

    The same model code and inputs as ``model.predict``; what goes is the Trainer's set-up, the
    DataLoader workers, and padding waste (batches are sorted by the longest text of each sample).
    Returns the scores and, for models that mark errors (XCOMET), each segment's error spans."""
    import torch

    model.eval()
    model.to(device)
    order = sorted(range(len(samples)), key=lambda k: -max(len(text) for text in samples[k].values()))
    scores: list[float] = [0.0] * len(samples)
    spans: list[list[dict]] | None = None
    autocast = torch.autocast("cuda", dtype=torch.float16) if precision == "fp16" else contextlib.nullcontext()
    with torch.inference_mode(), autocast:
        for start in range(0, len(order), batch_size):
            indices = order[start:start + batch_size]
            inputs = _to_device(model.prepare_for_inference([samples[k] for k in indices]), device)
            prediction = model.predict_step(inputs)
            batch_spans = _error_spans(prediction, len(indices))
            if batch_spans is not None and spans is None:
                spans = [[] for _ in samples]
            for position, (k, score) in enumerate(zip(indices, prediction["scores"].float().cpu().tolist())):
                scores[k] = float(score)
                if batch_spans is not None:
                    spans[k] = batch_spans[position]
    return scores, spans


def clean_spans(spans: list[dict], mt: str) -> list[dict]:
    """comet's spans as plain JSON: severity, confidence, character offsets, and the MT text they cover.
    Spans that cover no character (only a special token such as <s>) are left out."""
    return [
        {"severity": str(span["severity"]), "confidence": round(float(span["confidence"]), 4),
         "start": int(span["start"]), "end": int(span["end"]), "text": mt[int(span["start"]):int(span["end"])]}
        for span in spans
        if int(span["end"]) > int(span["start"])
    ]


def licence_note(model_name: str) -> str | None:
    """A line for the report when the model may not be used commercially (CometKiwi and XCOMET are CC BY-NC-SA)."""
    from ..models import model_licence

    licence = model_licence(model_name)
    if licence and ("-nc" in licence.lower() or "non-commercial" in licence.lower()):
        return f"{model_name} is licensed {licence}: non-commercial use only"
    return None


def comet_version() -> str:
    from importlib.metadata import version

    return version("unbabel-comet")


class CometMetric(Metric):
    """COMET with a reference (``comet``), or reference-free quality estimation (``cometkiwi``)."""

    higher_is_better = True
    chunk_size = 1024  # segments per predict call when caching: an interrupted run keeps what was scored

    def __init__(self, model: str | None = None, batch_size: int = 16, gpus: int | None = None, cache=None,
                 precision: str = "fp32", fast: bool = True, reference_free: bool = False) -> None:
        if batch_size < 1:
            raise InputError("comet: batch size must be at least 1")
        if gpus is not None and gpus < 0:
            raise InputError(f"--comet-gpus {gpus}: give 0 (CPU) or a number of GPUs")
        if gpus:
            import torch

            available = torch.cuda.device_count()
            if gpus > available:
                fix = "--comet-gpus 0 to score on the CPU" if not available else \
                    f"--comet-gpus {available} or fewer (0 scores on the CPU)"
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

    def load(self) -> LoadedComet:
        return load_comet(self.model_name, flag="--qe-model" if self.reference_free else "--comet-model", metric=self.name)

    def signature(self) -> str:
        """Model id, hub revision (when it comes from the hub cache) and comet version, known without loading."""
        weights = model_fingerprint(self.model_name) if not is_local_path(self.model_name) else ""
        revision = weights[len("rev:"):][:12] if weights.startswith("rev:") else None
        return (f"model:{self.model_name}" + (f"|rev:{revision}" if revision else "") + ("|ref:no" if self.reference_free else "")
                + ("|fp16" if self.precision == "fp16" else "") + f"|comet:{comet_version()}")

    def score(self, triples: Sequence[TranslationTriple]) -> MetricResult:
        """Segment scores from the cache where there, the rest from the model in chunks (stored as they come)."""
        base = ["comet-v2", self.model_name, model_fingerprint(self.model_name), comet_version(), self.precision]
        keys = [cache_key(*base, t.source, t.hypothesis, None if self.reference_free else t.reference)
                for t in triples]  # identical triples scored once
        found: dict[str, list] = {}
        if self.cache is not None:
            found = {k: json.loads(v) for k, v in self.cache.get_many("comet_scores", keys).items()}
        todo = list(dict.fromkeys(k for k in keys if k not in found))
        if todo:
            loaded = self.load()
            by_key = dict(zip(keys, triples))
            step = self.chunk_size if self.cache is not None else len(todo)
            for start in range(0, len(todo), step):
                chunk = todo[start:start + step]
                scores, truncated, spans = self._predict(loaded, [by_key[k] for k in chunk])
                fresh = {k: [s, t, e] for k, s, t, e in zip(chunk, scores, truncated, spans)}
                if self.cache is not None:
                    self.cache.put_many("comet_scores", {k: json.dumps(v) for k, v in fresh.items()})
                found.update(fresh)
        segment_scores = [float(found[k][0]) for k in keys]
        truncated = [i for i, k in enumerate(keys) if found[k][1]]
        details: dict[str, Any] = {
            "model": self.model_name, "segments": len(keys), "scored_by_the_model": len(todo),
            "batch_size": self.batch_size, "precision": self.precision, "truncated_segments": truncated,
        }
        if any(found[k][2] is not None for k in keys):
            details["error_spans"] = [found[k][2] or [] for k in keys]
        note = licence_note(self.model_name)
        if note:
            details["licence_note"] = note
        return MetricResult(
            name=self.name,
            score=sum(segment_scores) / len(segment_scores) if segment_scores else float("nan"),  # as comet's system_score
            signature=self.signature(),
            segment_scores=segment_scores,
            higher_is_better=True,
            details=details,
        )

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
            raise InputError(f"COMET model {loaded.model_id} needs references; pass --ref, or score with cometkiwi (reference-free)")
        return [{"src": t.source, "mt": t.hypothesis, **({"ref": t.reference} if t.reference is not None else {})}
                for t in triples]

    def _predict(self, loaded: LoadedComet, triples: Sequence[TranslationTriple]) -> tuple[list[float], list[bool], list]:
        model = loaded.model
        samples = self._samples(loaded, triples)
        import torch

        gpus = self.gpus if self.gpus is not None else (1 if torch.cuda.is_available() else 0)
        if self.precision == "fp16" and gpus == 0:
            raise InputError("--comet-precision fp16 needs a GPU; on the CPU score in fp32")
        truncated = set(self._count_truncated(model, samples))
        _quiet_libraries()
        batch_size = self.batch_size
        while True:
            try:
                if self.fast and gpus <= 1:
                    scores, spans = predict_without_trainer(model, samples, batch_size, "cuda" if gpus else "cpu", self.precision)
                else:
                    output = model.predict(samples, batch_size=batch_size, gpus=gpus, progress_bar=False)
                    scores, spans = list(output.scores), _error_spans(output, len(samples))
                break
            except RuntimeError as error:
                if is_out_of_memory(error) and batch_size > 1:
                    release_cached_memory()
                    batch_size //= 2
                    continue
                if is_out_of_memory(error):
                    raise EngineError("COMET ran out of GPU memory even at batch size 1; score on the CPU with --comet-gpus 0") from None
                raise EngineError(f"COMET scoring failed ({str(error).splitlines()[0]}); try --comet-batch-size 4 or --comet-gpus 0") from None
        self.batch_size = batch_size  # what fitted, for the next chunk
        cleaned = ([clean_spans(segment_spans, sample["mt"]) for segment_spans, sample in zip(spans, samples)]
                   if spans is not None else [None] * len(samples))
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
