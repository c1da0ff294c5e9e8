"""tqcheck models: manage the models tqcheck loads."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from ..model_store import list_cached, pull
from . import options as o


def models_pull(
    names: Annotated[
        list[str],
        typer.Argument(metavar="NAME", help="Hub names, e.g. Helsinki-NLP/opus-mt-sv-en Unbabel/wmt22-comet-da."),
    ],
) -> None:
    """Download models into the local cache so that later runs work offline (HF_HUB_OFFLINE=1)."""
    for name in names:
        for path in pull(name):
            typer.echo(f"{name}: {path}")


def models_list() -> None:
    """List the models in the local Hugging Face cache: kind, revision, size and licence (non-commercial ones flagged)."""
    models = list_cached()
    console = o.console()
    if not models:
        console.print("No models in the local Hugging Face cache; `tqcheck models pull NAME` downloads one.")
        return
    table = Table(header_style="bold")
    for column in ("model", "kind", "revision", "size", "licence"):
        table.add_column(column, justify="right" if column == "size" else "left")
    for m in models:
        licence = f"[bold red]{m.licence} — NON-COMMERCIAL[/]" if m.non_commercial else m.licence
        table.add_row(m.repo_id, m.kind, m.revision, f"{m.size_bytes / 2**20:,.1f} MB", licence)
    console.print(table)
    if any(m.non_commercial for m in models):
        console.print(
            "Models marked NON-COMMERCIAL may not be used in commercial work (e.g. CometKiwi, XCOMET).", style="yellow"
        )


def models_convert(
    model: Annotated[
        str, typer.Argument(metavar="MARIAN_MODEL", help="Hub name (in the local cache) or folder of a Marian model.")
    ],
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            help="Folder for the CTranslate2 model (default: in the cache folder, where the ctranslate2 engine looks).",
        ),
    ] = None,
    quantization: Annotated[
        str | None,
        typer.Option(
            "--quantization",
            help="Store weights as int8, float16, ... (default: as they are; the engine quantizes on load: int8 on CPU, float16 on GPU).",
        ),
    ] = None,
) -> None:
    """Convert a Marian model for the ctranslate2 engine (done on first use otherwise)."""
    from ..translate.ctranslate2_engine import convert_marian

    typer.echo(str(convert_marian(model, output, quantization, force=output is not None)))
