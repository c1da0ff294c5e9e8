"""Pre-download hub models for offline use (``tqcheck models pull``)."""

from __future__ import annotations

from pathlib import Path

from .errors import ModelUnavailableError
from .hub import ensure_offline_if_unreachable

# load_from_checkpoint rebuilds the encoder from its tokenizer and config (weights come from the checkpoint).
ENCODER_FILES = ["*.json", "*.model", "*.txt"]


def pull(name: str) -> list[str]:
    """Download ``name`` into the Hugging Face cache; for a COMET model also its encoder's
    tokenizer and config. Returns the local paths."""
    if ensure_offline_if_unreachable():
        raise ModelUnavailableError(f"cannot pull {name}: the hub is unreachable from here; run this where there is network, then copy the cache (~/.cache/huggingface)")
    from huggingface_hub import snapshot_download

    try:
        local = snapshot_download(repo_id=name)
    except Exception as error:
        raise ModelUnavailableError(f"cannot pull {name}: {str(error).splitlines()[0]}") from None
    paths = [local]
    hparams = Path(local) / "hparams.yaml"
    if hparams.is_file():  # a COMET checkpoint
        import yaml

        encoder = (yaml.safe_load(hparams.read_text()) or {}).get("pretrained_model")
        if encoder:
            try:
                paths.append(snapshot_download(repo_id=encoder, allow_patterns=ENCODER_FILES))
            except Exception as error:
                raise ModelUnavailableError(f"pulled {name} but not its encoder {encoder}: {str(error).splitlines()[0]}") from None
    return paths
