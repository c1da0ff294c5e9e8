"""Running out of accelerator memory is recoverable: halve the batch and try again."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def is_out_of_memory(error: BaseException) -> bool:
    """torch.cuda.OutOfMemoryError (and the older RuntimeError spelling, and MPS's)."""
    return type(error).__name__ == "OutOfMemoryError" or "out of memory" in str(error).lower()


def release_cached_memory() -> None:
    import torch

    if torch.cuda.is_available():
        torch.cuda.empty_cache()


def with_batch_backoff(
    run: Callable[[int], T],
    batch_size: int,
    *,
    too_big: Callable[[], Exception],
    failed: Callable[[RuntimeError], Exception],
) -> tuple[T, int]:
    """``run(batch_size)``, halving the batch on out-of-memory until it fits. Returns the result and
    the batch size that fitted (keep it: the next batch is no smaller). Out of memory at batch size 1
    raises ``too_big()``; any other runtime error ``failed(error)``, both without the torch traceback."""
    while True:
        try:
            return run(batch_size), batch_size
        except RuntimeError as error:
            if is_out_of_memory(error) and batch_size > 1:
                release_cached_memory()
                batch_size //= 2
                continue
            raise (too_big() if is_out_of_memory(error) else failed(error)) from None
