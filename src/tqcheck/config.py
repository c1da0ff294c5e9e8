"""Layered configuration: ``tqcheck.toml`` or ``[tool.tqcheck]`` in ``pyproject.toml``, then CLI flags win.

The file is found by walking up from the working directory to the repository root (the first
folder with ``.git``), like ruff finds its settings; ``--config PATH`` names one explicitly.
Relative paths in the file are relative to the file. Every key is checked: an unknown key or
a value of the wrong type is an error that names it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from .errors import InputError
from .gate import FLAGS, Kind, Limit, make_limit, merge_limits, parse_limit

_TEXT, _INT, _FLOAT = (str,), (int,), (int, float)

# key -> (accepted types, is a path relative to the file)
KEYS: dict[str, tuple[tuple[type, ...], bool]] = {
    "source": (_TEXT, True),
    "reference": (_TEXT, True),
    "direction": (_TEXT, False),
    "src_lang": (_TEXT, False),
    "tgt_lang": (_TEXT, False),
    "metrics": ((str, list), False),
    "engine": (_TEXT, False),
    "model": (_TEXT, False),
    "command": (_TEXT, False),
    "hypothesis": (_TEXT, True),
    "beam_size": (_INT, False),
    "batch_size": (_INT, False),
    "device": (_TEXT, False),
    "engine_options": ((dict,), False),
    "comet_model": (_TEXT, False),
    "qe_model": (_TEXT, False),
    "unit": (_TEXT, False),
    "comet_batch_size": (_INT, False),
    "comet_gpus": (_INT, False),
    "comet_precision": (_TEXT, False),
    "fail_under": ((dict,), False),
    "fail_over": ((dict,), False),
    "max_drop": ((dict,), False),
    "baseline": (_TEXT, True),
    "significance": (_TEXT, False),
    "samples": (_INT, False),
    "alpha": (_FLOAT, False),
    "strict": ((bool,), False),
    "align_embeddings": ((bool,), False),
    "cache": ((bool,), False),
    "cache_dir": (_TEXT, True),
    "json": (_TEXT, True),
    "junit": (_TEXT, True),
    "markdown": (_TEXT, True),
    "html": (_TEXT, True),
    "manifest": (_TEXT, True),
    "include": ((list,), False),
    "exclude": ((list,), False),
    "src_column": (_TEXT, False),
    "ref_column": (_TEXT, False),
    "resample": (_TEXT, False),
    "executor": (_TEXT, False),
    "ray_address": (_TEXT, False),
}
_MAYBE_PATHS = ("model", "comet_model", "qe_model")  # hub names or local folders: resolved when the folder exists


@dataclass
class Config:
    values: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None

    def where(self, key: str) -> str:
        section = "[tool.tqcheck] of " if self.path is not None and self.path.name == "pyproject.toml" else ""
        return f"{key!r} in {section}{self.path}"

    def pick(self, key: str, cli_value: Any, default: Any = None) -> Any:
        """The CLI's value when given, else the file's, else ``default``."""
        if cli_value is not None:
            return cli_value
        return self.values.get(key, default)

    def limits(
        self, fail_under: Iterable[str] = (), fail_over: Iterable[str] = (), max_drop: Iterable[str] = ()
    ) -> list[Limit]:
        """Gate limits from the file, replaced per (kind, metric, direction) by those given as flags."""
        from_file: list[Limit] = []
        for kind in ("fail_under", "fail_over", "max_drop"):
            for key, value in (self.values.get(kind) or {}).items():
                if isinstance(value, dict):
                    from_file.extend(self._limit(kind, metric, v, key) for metric, v in value.items())
                else:
                    from_file.append(self._limit(kind, key, value, None))
        from_flags = [parse_limit("fail_under", t) for t in _split(fail_under)]
        from_flags += [parse_limit("fail_over", t) for t in _split(fail_over)]
        from_flags += [parse_limit("max_drop", t) for t in _split(max_drop)]
        return merge_limits(from_file, from_flags)

    def _limit(self, kind: str, metric: str, value: Any, direction: str | None) -> Limit:
        where = self.where(f"{kind}.{direction + '.' if direction else ''}{metric}")
        if kind == "max_drop" and (value is True or value == "default"):
            value = None
        elif isinstance(value, bool) or not isinstance(value, (int, float)):
            raise InputError(f"{where}: expected a number, got {value!r}")
        if kind not in FLAGS:
            raise InputError(f"{where}: unknown gate section {kind!r}; use fail_under, fail_over or max_drop")
        return make_limit(
            cast(Kind, kind), metric.lower(), None if value is None else float(value), direction, flag=where
        )


def _split(items: Iterable[str]) -> list[str]:
    """Repeated flags, each possibly comma-separated: ``bleu=30,comet=0.8``."""
    return [part.strip() for item in items or () for part in item.split(",") if part.strip()]


def find_config(start: Path | None = None) -> Path | None:
    """The nearest tqcheck.toml, or pyproject.toml with [tool.tqcheck], up to the repository root."""
    directory = (start or Path.cwd()).resolve()
    for folder in (directory, *directory.parents):
        candidate = folder / "tqcheck.toml"
        if candidate.is_file():
            return candidate
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and "tool" in _parse(pyproject) and "tqcheck" in _parse(pyproject)["tool"]:
            return pyproject
        if (folder / ".git").exists():
            return None
    return None


def _parse(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise InputError(
            f"{path}: is not valid TOML ({error}); fix the file or pass --config with another one"
        ) from None
    except OSError as error:
        raise InputError(f"{path}: cannot be read ({error.strerror}); pass --config with a readable file") from None


def load_config(explicit: str | None = None, start: Path | None = None) -> Config:
    """Read and check the configuration; an empty Config when there is none."""
    path: Path | None
    if explicit is not None:
        path = Path(explicit)
        if not path.is_file():
            raise InputError(
                f"--config {explicit}: no such file; pass a tqcheck.toml or a pyproject.toml with [tool.tqcheck]"
            )
    else:
        path = find_config(start)
        if path is None:
            return Config()
    data = _parse(path)
    if path.name == "pyproject.toml" or set(data) == {"tool"}:
        # pyproject.toml keeps it under [tool.tqcheck]; tqcheck.toml may too (the README's example
        # is written that way), or hold the keys at the top
        tool = data.get("tool", {})
        data = tool.get("tqcheck", {}) if isinstance(tool, dict) else {}
    config = Config(path=path)
    for key, value in data.items():
        if key not in KEYS:
            raise InputError(f"unknown key {config.where(key)}; known keys: {', '.join(KEYS)}")
        types, is_path = KEYS[key]
        if (isinstance(value, bool) and bool not in types) or not isinstance(value, types):
            wanted = " or ".join("table" if t is dict else "list" if t is list else t.__name__ for t in types)
            raise InputError(f"{config.where(key)}: expected {wanted}, got {value!r}")
        if key == "metrics" and isinstance(value, list):
            value = ",".join(map(str, value))
        if is_path or (key in _MAYBE_PATHS and (path.parent / value).exists()):
            value = str((path.parent / Path(value).expanduser()).resolve()) if not Path(value).is_absolute() else value
        config.values[key] = value
    config.limits()  # check the gate tables now, naming the key
    return config
