"""Write files atomically: a crash never leaves a half-written report that a later run reads."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import InputError, TqcheckError


def check_writable(path: str | os.PathLike | None) -> None:
    """Refuse an output path that cannot be written before any work is done (nothing computed is lost)."""
    if path is None:
        return
    target = Path(path)
    if target.is_dir():
        raise InputError(f"{target}: is a directory; pass a file path to write to")
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise InputError(f"{target}: folder {directory} does not exist; create it first")
    if not os.access(directory, os.W_OK):
        raise InputError(f"{target}: cannot write to {directory} (permission denied); choose another path")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_text_atomic(path: str | os.PathLike, text: str) -> None:
    target = Path(path)
    check_writable(target)
    directory = target.parent if str(target.parent) else Path(".")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except PermissionError:
        raise InputError(f"{target}: cannot write to {directory} (permission denied); choose another path") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, 0o666 & ~_umask())  # mkstemp makes 0600; a report is an ordinary file
        os.replace(temporary, target)
    except OSError as error:  # disk full, quota, I/O error: the old file (if any) is untouched
        Path(temporary).unlink(missing_ok=True)
        raise TqcheckError(
            f"{target}: could not be written ({error.strerror}); nothing was replaced: "
            "free space or choose another path"
        ) from None
