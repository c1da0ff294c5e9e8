"""Know quickly whether the Hugging Face hub can be reached, before any HF library is imported.

huggingface_hub and transformers read HF_HUB_OFFLINE once, at import. When the hub is
unreachable and that variable is unset, unbabel-comet spends ~210 s in DNS retries and
then raises a misleading AttributeError. A 2-second TCP probe avoids that: when it fails
we set HF_HUB_OFFLINE=1 and every later load is local-only and instant.
"""

from __future__ import annotations

import os
import socket
import sys
import threading
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlparse

_TRUE = {"1", "true", "yes", "on"}


def offline_requested() -> bool:
    return any(os.environ.get(v, "").lower() in _TRUE for v in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"))


@lru_cache(maxsize=1)
def hub_reachable(timeout: float = 2.0) -> bool:
    """True when a TCP connection to the hub endpoint opens within ``timeout`` seconds."""
    if offline_requested():
        return False
    endpoint = urlparse(os.environ.get("HF_ENDPOINT", "https://huggingface.co"))
    host = endpoint.hostname or "huggingface.co"
    port = endpoint.port or (443 if endpoint.scheme != "http" else 80)
    result: list[bool] = []

    def probe() -> None:  # getaddrinfo has no timeout of its own, hence the thread
        try:
            with socket.create_connection((host, port), timeout=timeout):
                result.append(True)
        except OSError:
            result.append(False)

    thread = threading.Thread(target=probe, daemon=True)
    thread.start()
    thread.join(timeout + 0.5)
    return bool(result and result[0])


def ensure_offline_if_unreachable() -> bool:
    """Switch HF libraries to offline mode when the hub cannot be reached. Returns True if offline."""
    if hub_reachable():
        return False
    os.environ["HF_HUB_OFFLINE"] = "1"
    constants = sys.modules.get("huggingface_hub.constants")
    if constants is not None:  # already imported: patch the value it read at import
        constants.HF_HUB_OFFLINE = True  # type: ignore[attr-defined]
    return True


def is_local_path(name_or_path: str) -> bool:
    """A model argument is a local path when it exists, or looks like one (so a typo says 'not found')."""
    return Path(name_or_path).exists() or name_or_path.startswith((".", "/", "~")) or name_or_path.count("/") > 1


def cached_locally(repo_id: str) -> bool:
    """Whether a hub model is in the local HF cache, checked without importing torch or transformers."""
    from huggingface_hub import snapshot_download

    try:
        snapshot_download(repo_id=repo_id, local_files_only=True)
        return True
    except (OSError, ValueError):  # not in the cache (LocalEntryNotFoundError), or not a repo id at all
        return False


def missing_hub_models(names) -> list[str]:
    """The hub models among ``names`` that cannot be had: the hub is unreachable and they are not in
    the local cache. Checked without importing torch, transformers or comet."""
    hub_names = [name for name in dict.fromkeys(names) if name and not is_local_path(name)]
    if not hub_names or not ensure_offline_if_unreachable():
        return []
    return [name for name in hub_names if not cached_locally(name)]


def model_fingerprint(name_or_path: str) -> str:
    """What identifies a model's weights without loading them, for cache keys: the hub commit
    of the cached snapshot, or the names, sizes and modification times of a local model's files."""
    import hashlib

    path = Path(os.path.expanduser(name_or_path))
    if path.exists():
        files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
        digest = hashlib.sha256()
        for file in files:
            stat = file.stat()
            digest.update(
                f"{file.relative_to(path) if file != path else file.name}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode()
            )
        return "files:" + digest.hexdigest()[:16]
    try:
        from huggingface_hub import try_to_load_from_cache

        found = (
            try_to_load_from_cache(name_or_path, "config.json")  # transformers models
            or try_to_load_from_cache(name_or_path, "hparams.yaml")
        )  # COMET checkpoints
    except (OSError, ValueError):  # a name that is no repo id has no revision
        found = None
    if isinstance(found, str) and "snapshots" in Path(found).parts:
        parts = Path(found).parts
        return "rev:" + parts[parts.index("snapshots") + 1]
    return "hub:" + name_or_path
