"""tqcheck translate: machine-translate a document with any engine."""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer

from ..atomic import write_text_atomic
from ..iopaths import RunFiles
from ..documents import load_document
from ..pipeline import line_parallel
from ..translation import translate_document
from ..config import load_config
from . import options as o


def translate(
    source: Annotated[str, typer.Argument(metavar="SOURCE", help="Document to translate, one paragraph per line.")],
    to: Annotated[str, typer.Option("--to", help="Target language (ISO 639-1, e.g. en).")],
    from_lang: Annotated[Optional[str], typer.Option("--from", help="Source language (default: identified).")] = None,
    output: Annotated[Optional[str], typer.Option("--output", "-o", help="Write here (default: standard output).")] = None,
    engine: o.EngineOpt = "marian",
    model: o.ModelOpt = None,
    command: o.CommandOpt = None,
    hypothesis: o.HypothesisOpt = None,
    beam_size: o.BeamOpt = None,
    batch_size: o.BatchOpt = None,
    device: o.DeviceOpt = None,
    engine_option: o.EngineOptionOpt = None,
    cache_dir: o.CacheDirOpt = None,
    no_cache: o.NoCacheOpt = None,
) -> None:
    """Translate SOURCE into --to; the output is line-parallel to SOURCE (blank lines kept)."""
    run = RunFiles().read("SOURCE", source).write("--output", output)
    run.read("--hypothesis", *o.hypothesis_paths(load_config(), hypothesis)).check()
    document = load_document(source, from_lang)
    translator = o.translator_for(engine, o.engine_options(model, command, hypothesis, beam_size, batch_size, device,
                                                           engine_option), o.open_cache(load_config(), cache_dir, no_cache))
    with o.console(stderr=True).status("translating") as status:
        translations = translate_document(translator, document, to.lower(), status.update)
    text = "\n".join(line_parallel(document, translations)) + "\n"
    if output is None:
        sys.stdout.write(text)
    else:
        write_text_atomic(output, text)
