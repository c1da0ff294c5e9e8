"""Loading a COMET model: a hub name through ``comet.download_model``, or a local checkpoint,
through ``comet.load_from_checkpoint``; once per process and per checkpoint. Local-only and
instant when the hub is unreachable (see ``tqcheck.hub``); every failure is one clear line."""

from __future__ import annotations

import contextlib
import logging
import os
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import InputError, ModelUnavailableError, TqcheckError
from ..hub import cached_locally, ensure_offline_if_unreachable, is_local_path
from .checkpoints import _local_checkpoint

DEFAULT_COMET_MODEL = "Unbabel/wmt22-comet-da"
DEFAULT_QE_MODEL = "Unbabel/wmt22-cometkiwi-da"

_NOISY_LOGGERS = ("pytorch_lightning", "lightning", "lightning.pytorch", "lightning_fabric", "comet")


@dataclass(frozen=True)
class LoadedComet:
    model: Any
    model_id: str
    checkpoint: str
    version: str
    # the checkpoint file as it was when loading began: its tensors are the model's parameters,
    # read from the file as pages are needed (``_memory_mapped_checkpoints``)
    stamp: tuple | None = None

    def weights_changed_on_disk(self) -> bool:
        """Whether the checkpoint file was rewritten since it was loaded: the mapped parameters may
        then read the new bytes, so scores from here on are not this model's."""
        return self.stamp is not None and _file_stamp(self.checkpoint) != self.stamp


def _file_stamp(path: str) -> tuple | None:
    """What changes when a file is rewritten, in place or replaced (a hub snapshot's link is followed)."""
    try:
        stat = os.stat(os.path.realpath(path))
    except OSError:
        return None
    return (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns)


def _quiet_libraries() -> None:
    for name in _NOISY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    # torchmetrics 0.10.3 (pinned by unbabel-comet) imports the deprecated pkg_resources.
    warnings.filterwarnings("ignore", message="pkg_resources is deprecated", category=UserWarning)
    warnings.filterwarnings("ignore", message=".*Consider increasing the value of the `num_workers`.*")
    warnings.filterwarnings("ignore", message=r".*isinstance\(treespec, LeafSpec\)` is deprecated.*")


def _not_cached(name: str, flag: str, metric: str) -> ModelUnavailableError:
    return ModelUnavailableError(
        f"COMET model {name} is not in the local cache and the hub is unreachable; "
        f"run `tqcheck models pull {name}` where there is network, pass {flag} PATH "
        f"to a local checkpoint, or leave {metric} out of --metrics"
    )


class _NotCached(Exception):
    """Raised inside the cached loader; load_comet words it for the option that chose the model."""


def _encoder_name(checkpoint: str) -> str:
    import yaml

    try:
        hparams = yaml.safe_load((Path(checkpoint).parents[1] / "hparams.yaml").read_text()) or {}
        return str(hparams.get("pretrained_model", "its encoder"))
    except (OSError, ValueError, AttributeError, yaml.YAMLError):  # unreadable, or not a mapping
        return "its encoder"


@contextlib.contextmanager
def _memory_mapped_checkpoints():
    """Lightning reads a local checkpoint through a file object, which torch.load cannot map; give
    it the path instead, with ``mmap=True``, and let load_state_dict take the mapped tensors as the
    parameters (``assign=True``) instead of copying them into a second, freshly allocated set: the
    2.3 GB of an XLM-R-large COMET are paged in by the first forward pass, not read and copied
    first (2.5 s of a 15 s command on 2 cores). Same tensors, same model, same scores."""
    import functools

    import pytorch_lightning as pl
    import pytorch_lightning.core.saving as saving
    import torch

    original = saving.pl_load
    own_load_state_dict = pl.LightningModule.__dict__.get("load_state_dict")

    def load(path, map_location=None, weights_only=None):
        if isinstance(path, (str, os.PathLike)) and os.path.isfile(path):
            try:
                return torch.load(path, map_location=map_location, weights_only=weights_only, mmap=True)
            except RuntimeError:  # saved in torch's legacy format, which cannot be mapped
                pass
        return original(path, map_location=map_location, weights_only=weights_only)

    saving.pl_load = load
    pl.LightningModule.load_state_dict = functools.partialmethod(
        own_load_state_dict or torch.nn.Module.load_state_dict, assign=True
    )
    try:
        yield
    finally:
        saving.pl_load = original
        if own_load_state_dict is None:
            del pl.LightningModule.load_state_dict
        else:
            pl.LightningModule.load_state_dict = own_load_state_dict


def _load_without_random_init(comet, checkpoint: str, offline: bool):
    """comet.load_from_checkpoint without first filling 560M parameters with random numbers that
    the checkpoint then overwrites (about half of the load time of an XLM-R-large COMET on a CPU).

    comet loads with strict=False; if Lightning reports a parameter missing from the checkpoint,
    the model is loaded again the ordinary way, so nothing can stay uninitialised."""
    from transformers.modeling_utils import no_init_weights

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with no_init_weights(), _memory_mapped_checkpoints():
            model = comet.load_from_checkpoint(checkpoint, local_files_only=offline)
    if any("not in the checkpoint" in str(w.message) for w in caught):
        model = comet.load_from_checkpoint(checkpoint, local_files_only=offline)
    return model


def load_comet(
    name_or_path: str, *, flag: str = "--comet-model", metric: str = "comet", device: str = "cpu"
) -> LoadedComet:
    """Resolve a hub name, checkpoint directory or .ckpt path, and load it once per process and
    device (two metrics scoring on different devices do not move one shared model back and forth).
    ``flag`` and ``metric``: the option that chose the model and the metric using it, for error messages."""
    checkpoint = _local_checkpoint(name_or_path, flag) if is_local_path(name_or_path) else None
    try:
        return _load_comet(name_or_path, str(checkpoint) if checkpoint is not None else None, device)
    except _NotCached:
        raise _not_cached(name_or_path, flag, metric) from None


def _damaged(name: str, error: BaseException) -> InputError:
    first = (str(error).splitlines() or [type(error).__name__])[0][:200]
    return InputError(
        f"COMET checkpoint {name} cannot be loaded ({type(error).__name__}: {first}); it is damaged or "
        "not a COMET checkpoint: download it again, or pass another checkpoint"
    )


@lru_cache(maxsize=4)
def _load_comet(name_or_path: str, checkpoint: str | None, device: str = "cpu") -> LoadedComet:
    """Load once per process. A local checkpoint that is not one (a text file, a damaged pickle, a
    broken hparams.yaml) is bad input, whatever the library raises while reading it."""
    checkpoint_given = checkpoint is not None
    try:
        return _load_comet_checked(name_or_path, checkpoint, checkpoint_given)
    except (TqcheckError, _NotCached):
        raise
    except Exception as error:
        if checkpoint_given:
            raise _damaged(name_or_path, error) from None
        raise


def _load_comet_checked(name_or_path: str, checkpoint: str | None, checkpoint_given: bool) -> LoadedComet:
    offline = ensure_offline_if_unreachable()
    if checkpoint is None and offline and not cached_locally(name_or_path):
        raise _NotCached
    _quiet_libraries()
    from importlib.metadata import version

    import comet

    _quiet_libraries()
    if checkpoint is None:
        try:
            checkpoint = comet.download_model(name_or_path, local_files_only=offline)
        except (OSError, ValueError):  # hub errors are OSErrors; a malformed name is a ValueError
            if offline:
                raise _NotCached from None
            raise ModelUnavailableError(
                f"COMET model {name_or_path} could not be downloaded; check the name (e.g. {DEFAULT_COMET_MODEL})"
            ) from None
    stamp = _file_stamp(str(checkpoint))
    try:
        model = _load_without_random_init(comet, str(checkpoint), offline)
    except (OSError, ValueError, KeyError) as error:
        if checkpoint_given and not isinstance(error, OSError):
            raise _damaged(name_or_path, error) from None
        encoder = _encoder_name(checkpoint)
        reason = (
            "is not cached and the hub is unreachable"
            if offline
            else f"could not be loaded ({str(error).splitlines()[0]})"
        )
        raise ModelUnavailableError(
            f"COMET model {name_or_path} needs its encoder {encoder}, which {reason}; "
            f"run `tqcheck models pull {name_or_path}` where there is network"
        ) from None
    return LoadedComet(
        model=model, model_id=name_or_path, checkpoint=str(checkpoint), version=version("unbabel-comet"), stamp=stamp
    )


def licence_note(model_name: str) -> str | None:
    """A line for the report when the model may not be used commercially (CometKiwi and XCOMET are CC BY-NC-SA)."""
    from ..model_store import model_licence

    licence = model_licence(model_name)
    if licence and ("-nc" in licence.lower() or "non-commercial" in licence.lower()):
        return f"{model_name} is licensed {licence}: non-commercial use only"
    return None


def comet_version() -> str:
    from importlib.metadata import version

    return version("unbabel-comet")
