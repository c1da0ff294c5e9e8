"""Options shared by several commands, and the small helpers that turn them into library calls."""

from __future__ import annotations

import os
from typing import Annotated, Optional

import typer
from rich.console import Console

from ..errors import InputError
from ..metrics.registry import DEFAULT_METRICS, parse_metric_names

EngineOpt = Annotated[str, typer.Option("--engine", "-e", help="MT engine: marian (default), command, file, or a plugin's name.")]
ModelOpt = Annotated[Optional[str], typer.Option("--model", "-m", help="marian: hub name or local directory; per direction as sv-en=NAME,en-sv=NAME.")]
CommandOpt = Annotated[Optional[str], typer.Option("--command", help="command engine: shell pipeline, one segment per line in and out; {src}/{tgt} are replaced by language codes.")]
HypothesisOpt = Annotated[Optional[str], typer.Option("--hypothesis", help="file engine: the translation, one line per source line (per direction as sv-en=PATH,...).")]
BeamOpt = Annotated[Optional[int], typer.Option("--beam-size", help="marian: beam size (default: the model's).")]
BatchOpt = Annotated[Optional[int], typer.Option("--batch-size", help="marian: segments per batch (default 16).")]
DeviceOpt = Annotated[Optional[str], typer.Option("--device", help="marian: auto (CUDA when available), cpu or cuda.")]
EngineOptionOpt = Annotated[Optional[list[str]], typer.Option("--engine-option", help="Any engine option as KEY=VALUE (repeatable); unknown keys are an error.")]
MetricsOpt = Annotated[Optional[str], typer.Option("--metrics", help=f"Comma-separated metrics (default {','.join(DEFAULT_METRICS)}).")]
CometModelOpt = Annotated[Optional[str], typer.Option("--comet-model", help="COMET: hub name (default Unbabel/wmt22-comet-da), checkpoint directory or .ckpt path.")]
CometBatchOpt = Annotated[int, typer.Option("--comet-batch-size", help="COMET batch size.")]
CometGpusOpt = Annotated[Optional[int], typer.Option("--comet-gpus", help="COMET: GPUs to use (default 1 when CUDA is available, else 0).")]
JsonOpt = Annotated[Optional[str], typer.Option("--json", help="Write the report as versioned JSON to this path.")]


def engine_options(model=None, command=None, hypothesis=None, beam_size=None, batch_size=None, device=None,
                   extra: list[str] | None = None) -> dict[str, object]:
    """Collect engine options from first-class flags and --engine-option KEY=VALUE."""
    options: dict[str, object] = {
        "model": model, "command": command, "hypothesis": hypothesis,
        "beam_size": beam_size, "batch_size": batch_size, "device": device,
    }
    for item in extra or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise InputError(f"--engine-option {item!r} is not KEY=VALUE")
        options[key.strip().replace("-", "_")] = value
    return {k: v for k, v in options.items() if v is not None}


def metric_selection(spec: str | None, comet_model: str | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The metrics to run and those asked for explicitly (which must not be skipped silently)."""
    names = parse_metric_names(spec)
    explicit = names if spec is not None else (("comet",) if comet_model else ())
    return names, explicit


def console(stderr: bool = False) -> Console:
    width = int(os.environ["COLUMNS"]) if os.environ.get("COLUMNS", "").isdigit() else None
    return Console(stderr=stderr, width=width, highlight=False)
