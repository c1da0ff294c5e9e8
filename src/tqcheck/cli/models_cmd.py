"""tqcheck models: manage the models tqcheck loads."""

from __future__ import annotations

from typing import Annotated

import typer

from ..models import pull
from .app import app, command

models_app = typer.Typer(help="Manage models: pre-download them for offline runs.", no_args_is_help=True)
app.add_typer(models_app, name="models")


@command("pull", group=models_app)
def models_pull(names: Annotated[list[str], typer.Argument(help="Hub names, e.g. Helsinki-NLP/opus-mt-sv-en Unbabel/wmt22-comet-da.")]) -> None:
    """Download models into the local cache so that later runs work offline (HF_HUB_OFFLINE=1)."""
    for name in names:
        for path in pull(name):
            typer.echo(f"{name}: {path}")
