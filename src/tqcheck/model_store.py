"""Pre-download hub models for offline use (``tqcheck models pull``)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .errors import ModelUnavailableError
from .hub import ensure_offline_if_unreachable

# load_from_checkpoint rebuilds the encoder from its tokenizer and config (weights come from the checkpoint).
ENCODER_FILES = ["*.json", "*.model", "*.txt"]


def pull(name: str) -> list[str]:
    """Download ``name`` into the Hugging Face cache; for a COMET model also its encoder's
    tokenizer and config. Returns the local paths."""
    if ensure_offline_if_unreachable():
        raise ModelUnavailableError(
            f"cannot pull {name}: the hub is unreachable from here; run this where there is network, then copy the cache (~/.cache/huggingface)"
        )
    from huggingface_hub import snapshot_download

    try:
        local = snapshot_download(repo_id=name)
    except (OSError, ValueError) as error:  # hub errors are OSErrors; a malformed name is a ValueError
        raise ModelUnavailableError(f"cannot pull {name}: {str(error).splitlines()[0]}") from None
    paths = [local]
    hparams = Path(local) / "hparams.yaml"
    if hparams.is_file():  # a COMET checkpoint
        import yaml

        encoder = (yaml.safe_load(hparams.read_text()) or {}).get("pretrained_model")
        if encoder:
            try:
                paths.append(snapshot_download(repo_id=encoder, allow_patterns=ENCODER_FILES))
            except (OSError, ValueError) as error:
                raise ModelUnavailableError(
                    f"pulled {name} but not its encoder {encoder}: {str(error).splitlines()[0]}"
                ) from None
    return paths


@dataclass(frozen=True)
class CachedModel:
    repo_id: str
    kind: str  # "COMET", "Marian (MT)", "transformers", "other"
    revision: str
    size_bytes: int
    licence: str
    non_commercial: bool
    path: str


# Licences of models whose cards are not always cached with them.
KNOWN_LICENCES = {
    "unbabel/wmt22-cometkiwi-da": "cc-by-nc-sa-4.0",
    "unbabel/wmt23-cometkiwi-da-xl": "cc-by-nc-sa-4.0",
    "unbabel/wmt23-cometkiwi-da-xxl": "cc-by-nc-sa-4.0",
    "unbabel/xcomet-xl": "cc-by-nc-sa-4.0",
    "unbabel/xcomet-xxl": "cc-by-nc-sa-4.0",
    "unbabel/wmt22-comet-da": "apache-2.0",
    "xlm-roberta-large": "mit",
    "facebookai/xlm-roberta-large": "mit",
}


def _card_licence(snapshot: Path) -> str | None:
    card = snapshot / "README.md"
    if not card.is_file():
        return None
    text = card.read_text(encoding="utf-8", errors="replace")
    if not text.startswith("---"):
        return None
    for line in text.split("---", 2)[1].splitlines():
        key, _, value = line.partition(":")
        if key.strip().lower() == "license" and value.strip():
            return value.strip().strip("'\"")
    return None


def model_licence(name: str) -> str | None:
    """The licence of a model: from its card (a local checkpoint's README.md, or the hub cache's),
    else from the known list. Never touches the network."""
    path = Path(os.path.expanduser(name))
    if path.exists():
        folder = path if path.is_dir() else path.parents[1]
        return _card_licence(folder)
    try:
        from huggingface_hub import try_to_load_from_cache

        card = try_to_load_from_cache(name, "README.md")
    except (OSError, ValueError):  # an odd name is no licence, not an error
        card = None
    found = _card_licence(Path(card).parent) if isinstance(card, str) else None
    return found or KNOWN_LICENCES.get(name.lower())


def _kind(snapshot: Path) -> str:
    if (snapshot / "hparams.yaml").is_file():
        return "COMET"
    config = snapshot / "config.json"
    if config.is_file():
        import json

        try:
            model_type = json.loads(config.read_text()).get("model_type", "")
        except ValueError:
            model_type = ""
        return "Marian (MT)" if model_type == "marian" else f"transformers ({model_type or '?'})"
    return "other"


def list_cached(cache_dir: str | None = None) -> list[CachedModel]:
    """The models in the local Hugging Face cache, with size, kind and licence (no network)."""
    import os

    from huggingface_hub import scan_cache_dir
    from huggingface_hub.errors import CacheNotFound

    if cache_dir is None:  # read now, not at huggingface_hub's import
        cache_dir = os.environ.get("HF_HUB_CACHE") or (
            os.path.join(os.environ["HF_HOME"], "hub") if os.environ.get("HF_HOME") else None
        )
    try:
        info = scan_cache_dir(cache_dir)
    except CacheNotFound:
        return []
    models = []
    for repo in sorted(info.repos, key=lambda r: r.repo_id.lower()):
        if repo.repo_type != "model" or not repo.revisions:
            continue
        revision = max(repo.revisions, key=lambda r: r.last_modified)
        snapshot = Path(revision.snapshot_path)
        licence = _card_licence(snapshot) or KNOWN_LICENCES.get(repo.repo_id.lower(), "unknown (no model card cached)")
        models.append(
            CachedModel(
                repo_id=repo.repo_id,
                kind=_kind(snapshot),
                revision=revision.commit_hash[:12],
                size_bytes=repo.size_on_disk,
                licence=licence,
                non_commercial="-nc" in licence.lower() or "non-commercial" in licence.lower(),
                path=str(snapshot),
            )
        )
    return models
