"""Local COMET checkpoints, checked from their files alone (no torch, no comet): the layout
comet.download_model writes, and whether a quality-estimation model needs a reference."""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import InputError
from ..hub import is_local_path


def _local_checkpoint(name: str, flag: str) -> Path:
    path = Path(os.path.expanduser(name))
    if path.is_dir():
        path = path / "checkpoints" / "model.ckpt"
    if not path.is_file():
        raise InputError(
            f"{flag} {name}: no COMET checkpoint there (expected a .ckpt file or a directory with checkpoints/model.ckpt); "
            f"pass {flag} with a hub name or an existing checkpoint"
        )
    if len(path.parents) < 2 or not (path.parents[1] / "hparams.yaml").is_file():
        raise InputError(
            f"{flag} {name}: not a COMET checkpoint (no hparams.yaml two folders above the .ckpt); "
            f"pass {flag} with a hub name or a checkpoint directory as comet.download_model writes it"
        )
    return path


REFERENCE_BASED_CLASSES = ("regression_metric", "ranking_metric")


def preflight_local_checkpoint(name: str | None, *, flag: str, reference_free: bool) -> None:
    """Before any work: a local checkpoint must be one, and a quality-estimation model must not need a
    reference. Read from its hparams.yaml alone (no torch, no comet), so a wrong --qe-model fails in a
    second instead of after the translation and a 45 s comet import. Hub names are checked when loaded."""
    if not name or not is_local_path(name):
        return
    checkpoint = _local_checkpoint(name, flag)
    if not reference_free:
        return
    import yaml

    try:
        hparams = yaml.safe_load((checkpoint.parents[1] / "hparams.yaml").read_text(encoding="utf-8")) or {}
    except (OSError, ValueError, yaml.YAMLError):  # unreadable hparams: the loader says what is wrong
        return
    kind = hparams.get("class_identifier") if isinstance(hparams, dict) else None
    if kind in REFERENCE_BASED_CLASSES:
        raise InputError(
            f"{name} is a reference-based COMET model ({kind}) and cannot score without a reference; "
            f"pass {flag} a quality-estimation checkpoint (referenceless_regression_metric, "
            "unified_metric or xcomet_metric), e.g. Unbabel/wmt22-cometkiwi-da"
        )
