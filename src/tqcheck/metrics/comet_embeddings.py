"""COMET that re-encodes only what changed: a CI gate scores the same source and reference every
run, and only the MT is new.

wmt22-comet-da and its kind (comet's ``RegressionMetric``) encode source, MT and reference each on
its own into a pooled sentence embedding, then combine the three in a feed-forward estimator. So a
sentence's embedding depends only on the model, its settings and the text: it is stored in the cache
by (model, weights fingerprint, comet version, precision, text), the encoder runs only on texts not
stored, and comet's own ``estimate`` combines the three as in its ``forward``. Without a cache the
same path still encodes each distinct text once, in batches of texts of similar length (sorting
whole triples pads every text to the longest of its batch). Models that read the
texts together (XCOMET, unified CometKiwi) have nothing per sentence to keep and take the ordinary
path (``supports``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence

TABLE = "comet_embeddings"


def supports(model) -> bool:
    """Only the exact separate-encoding regression model: a subclass may encode differently."""
    from comet.models import RegressionMetric

    return type(model) is RegressionMetric


def predict_with_embedding_cache(
    model,
    samples: Sequence[dict[str, str]],
    batch_size: int,
    device: str,
    precision: str,
    cache,
    key_parts: Sequence[str],
) -> tuple[list[float], dict[str, int]]:
    """Scores as ``model.forward`` gives them, with each distinct text encoded once and only when
    the cache does not hold it. Returns the scores and how many texts were encoded / found."""
    import numpy as np
    import torch

    from ..cache import cache_key

    model.eval()
    model.to(device)
    texts = list(dict.fromkeys(text for sample in samples for text in (sample["src"], sample["mt"], sample["ref"])))
    keys = {text: cache_key("comet-embedding-v1", *key_parts, precision, text) for text in texts}
    stored = cache.get_many(TABLE, keys.values()) if cache is not None else {}
    vectors: dict[str, np.ndarray] = {
        text: np.frombuffer(stored[key], dtype=np.float32) for text, key in keys.items() if key in stored
    }
    todo = sorted((t for t in texts if t not in vectors), key=len, reverse=True)  # similar lengths batch together
    autocast = torch.autocast("cuda", dtype=torch.float16) if precision == "fp16" else contextlib.nullcontext()
    fresh: dict[str, bytes] = {}
    with torch.inference_mode(), autocast:
        for start in range(0, len(todo), batch_size):
            batch = todo[start : start + batch_size]
            inputs = model.encoder.prepare_sample(batch)
            embedded = model.get_sentence_embedding(inputs["input_ids"].to(device), inputs["attention_mask"].to(device))
            for text, row in zip(batch, embedded.float().cpu().numpy()):
                vectors[text] = row.astype(np.float32)
                fresh[keys[text]] = row.astype(np.float32).tobytes()
        if cache is not None and fresh:
            cache.put_many(TABLE, fresh)
        scores: list[float] = []
        for start in range(0, len(samples), max(batch_size, 64)):
            part = samples[start : start + max(batch_size, 64)]

            def stack(role: str, part=part) -> torch.Tensor:
                return torch.from_numpy(np.stack([vectors[sample[role]] for sample in part])).to(device)

            prediction = model.estimate(stack("src"), stack("mt"), stack("ref"))
            scores += [float(x) for x in prediction.score.float().cpu().tolist()]
    return scores, {"encoded": len(todo), "from_cache": len(texts) - len(todo)}
