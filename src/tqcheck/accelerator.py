"""Running out of accelerator memory is recoverable: halve the batch and try again."""

from __future__ import annotations


def is_out_of_memory(error: BaseException) -> bool:
    """torch.cuda.OutOfMemoryError (and the older RuntimeError spelling, and MPS's)."""
    return type(error).__name__ == "OutOfMemoryError" or "out of memory" in str(error).lower()


def release_cached_memory() -> None:
    import torch

    if torch.cuda.is_available():
        torch.cuda.empty_cache()
