"""COMET inference without a Lightning Trainer per call, and XCOMET's error spans as plain data."""

from __future__ import annotations

import contextlib


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


def predict_without_trainer(
    model, samples: list[dict[str, str]], batch_size: int, device: str, precision: str = "fp32"
) -> tuple[list[float], list[list[dict]] | None]:
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
            indices = order[start : start + batch_size]
            inputs = _to_device(model.prepare_for_inference([samples[k] for k in indices]), device)
            prediction = model.predict_step(inputs)
            batch_spans = _error_spans(prediction, len(indices))
            if batch_spans is not None and spans is None:
                spans = [[] for _ in samples]
            for position, (k, score) in enumerate(zip(indices, prediction["scores"].float().cpu().tolist())):
                scores[k] = float(score)
                if batch_spans is not None and spans is not None:
                    spans[k] = batch_spans[position]
    return scores, spans


def clean_spans(spans: list[dict], mt: str) -> list[dict]:
    """comet's spans as plain JSON: severity, confidence, character offsets, and the MT text they cover.
    Spans that cover no character (only a special token such as <s>) are left out."""
    return [
        {
            "severity": str(span["severity"]),
            "confidence": round(float(span["confidence"]), 4),
            "start": int(span["start"]),
            "end": int(span["end"]),
            "text": mt[int(span["start"]) : int(span["end"])],
        }
        for span in spans
        if int(span["end"]) > int(span["start"])
    ]
