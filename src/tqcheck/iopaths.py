"""Every file a run reads and every file it writes, checked together before any work.

A quality gate that overwrites its own source, reference or baseline destroys what it was
asked to judge. So each command names its inputs and outputs here (by the flag that gave
them); paths are resolved (``~``, ``..``, symbolic links, hard links) and an output that is
an input, or two outputs that are one file, are refused with both flags named.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .atomic import check_writable
from .errors import InputError


def _resolved(path: str | os.PathLike) -> str:
    return os.path.realpath(os.path.abspath(os.path.expanduser(os.fspath(path))))


def _same_file(a: str, b: str) -> bool:
    if a == b:
        return True
    try:
        return os.path.samefile(a, b)  # hard links, bind mounts
    except OSError:
        return False


@dataclass
class RunFiles:
    """The files of one run: ``reads`` and ``writes`` as (flag, path) in the order given."""

    reads: list[tuple[str, str]] = field(default_factory=list)
    writes: list[tuple[str, str]] = field(default_factory=list)
    appends: list[tuple[str, str]] = field(default_factory=list)  # appended to, never replaced (job summaries)

    def read(self, flag: str, *paths: str | os.PathLike | None) -> RunFiles:
        self.reads.extend((flag, os.fspath(p)) for p in paths if p is not None and os.fspath(p) != "-")
        return self

    def write(self, flag: str, *paths: str | os.PathLike | None) -> RunFiles:
        self.writes.extend((flag, os.fspath(p)) for p in paths if p is not None and os.fspath(p) != "-")
        return self

    def append(self, flag: str, path: str | os.PathLike | None) -> RunFiles:
        if path:
            self.appends.append((flag, os.fspath(path)))
        return self

    def check(self) -> None:
        """Refuse collisions and unwritable outputs (exit 2), before anything is computed."""
        resolved_reads = [(flag, path, _resolved(path)) for flag, path in self.reads]
        seen: list[tuple[str, str, str]] = []
        for flag, path, real in ((f, p, _resolved(p)) for f, p in self.writes):
            for in_flag, in_path, in_real in resolved_reads:
                if _same_file(real, in_real):
                    raise InputError(
                        f"{flag} {path} is the same file as {in_flag} {in_path}; writing it would destroy "
                        f"that input: give {flag} another path"
                    )
            for out_flag, _, out_real in seen:
                if _same_file(real, out_real):
                    what = f"{flag} and {out_flag}" if flag != out_flag else f"{flag} (twice)"
                    raise InputError(f"{what} would both write {path}; give each output its own path")
            check_writable(path)
            seen.append((flag, path, real))
        for flag, path in self.appends:
            real = _resolved(path)
            for in_flag, in_path, in_real in resolved_reads:
                if _same_file(real, in_real):
                    raise InputError(
                        f"{flag}={path} is the same file as {in_flag} {in_path}; appending to it would "
                        f"change that input: point {flag} elsewhere"
                    )


def with_direction(path: str | os.PathLike, direction: str) -> Path:
    """``tr`` -> ``tr.sv-en.txt``, ``tr.txt`` -> ``tr.sv-en.txt``: one file per direction."""
    target = Path(path)
    suffix = target.suffix or ".txt"
    return target.with_name(f"{target.stem if target.suffix else target.name}.{direction}{suffix}")


def per_direction(path: str | None, directions: Iterable[str]) -> list[Path]:
    """The files ``--save-translation PATH`` writes: PATH itself for one direction, else one per direction."""
    if path is None:
        return []
    directions = list(directions)
    if len(directions) <= 1:
        return [Path(path)]
    return [with_direction(path, d) for d in directions]
