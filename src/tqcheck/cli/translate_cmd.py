"""tqcheck translate: machine-translate a document with any engine."""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer

from ..atomic import write_text_atomic
from ..config import load_config
from ..documents import load_document
from ..iopaths import RunFiles
from ..pipeline import line_parallel
from ..translation import translate_document
from . import flags
from . import options as o


def translate(
    source: Annotated[str, typer.Argument(metavar="SOURCE", help="Document to translate, one paragraph per line.")],
    to: Annotated[str, typer.Option("--to", help="Target language (ISO 639-1, e.g. en).")],
    from_lang: Annotated[Optional[str], typer.Option("--from", help="Source language (default: identified).")] = None,
    output: Annotated[
        Optional[str], typer.Option("--output", "-o", help="Write here (default: standard output).")
    ] = None,
    engine: flags.EngineOpt = None,
    model: flags.ModelOpt = None,
    command: flags.CommandOpt = None,
    hypothesis: flags.HypothesisOpt = None,
    beam_size: flags.BeamOpt = None,
    batch_size: flags.BatchOpt = None,
    device: flags.DeviceOpt = None,
    engine_option: flags.EngineOptionOpt = None,
    cache_dir: flags.CacheDirOpt = None,
    no_cache: flags.NoCacheOpt = None,
    config_path: flags.ConfigOpt = None,
) -> None:
    """Translate SOURCE into --to; the output is line-parallel to SOURCE (blank lines kept).
    The engine and its options come from the flags over the settings file, as for check."""
    config = load_config(config_path)
    run = RunFiles().read("--config", config.path).read("SOURCE", source).write("--output", output)
    run.read("--hypothesis", *o.hypothesis_paths(config, hypothesis)).check()
    document = load_document(source, from_lang)
    translator = o.configured_translator(
        config,
        o.open_cache(config, cache_dir, no_cache),
        engine=engine,
        model=model,
        command=command,
        hypothesis=hypothesis,
        beam_size=beam_size,
        batch_size=batch_size,
        device=device,
        extra=engine_option,
    )
    with o.console(stderr=True).status("translating") as status:
        translations = translate_document(translator, document, to.lower(), status.update)
    text = "\n".join(line_parallel(document, translations)) + "\n"
    if output is None:
        sys.stdout.write(text)
    else:
        write_text_atomic(output, text)
