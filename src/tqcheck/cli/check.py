"""tqcheck check: translate, align and score a source document against its reference."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ..atomic import write_text_atomic
from ..bundled import seed_path
from ..documents import load_document
from ..errors import InputError
from ..pipeline import check_direction, line_parallel, new_report, plan_directions
from ..report.json_report import write_json_report
from ..report.terminal import render_report
from ..translate import create_translator
from . import options as o
from .app import command


def _with_direction(path: Path, direction: str, several: bool) -> Path:
    return path.with_name(f"{path.stem}.{direction}{path.suffix}") if several else path


@command("check")
def check(
    source: Annotated[Optional[str], typer.Argument(metavar="SOURCE", help="Source document (default: the bundled Swedish seed).", show_default=False)] = None,
    reference: Annotated[Optional[str], typer.Argument(metavar="REFERENCE", help="Its human translation (default: the bundled English seed).", show_default=False)] = None,
    direction: Annotated[Optional[str], typer.Option("--direction", "-d", help="sv-en, en-sv or both: which document is translated. Default: both for the seed pair, SOURCE→REFERENCE otherwise.")] = None,
    src_lang: Annotated[Optional[str], typer.Option("--src-lang", help="Language of SOURCE (default: identified from the text).")] = None,
    tgt_lang: Annotated[Optional[str], typer.Option("--tgt-lang", help="Language of REFERENCE (default: identified from the text).")] = None,
    engine: o.EngineOpt = "marian",
    model: o.ModelOpt = None,
    command: o.CommandOpt = None,
    hypothesis: o.HypothesisOpt = None,
    beam_size: o.BeamOpt = None,
    batch_size: o.BatchOpt = None,
    device: o.DeviceOpt = None,
    engine_option: o.EngineOptionOpt = None,
    metrics: o.MetricsOpt = None,
    comet_model: o.CometModelOpt = None,
    comet_batch_size: o.CometBatchOpt = 16,
    comet_gpus: o.CometGpusOpt = None,
    json_path: o.JsonOpt = None,
    save_translation: Annotated[Optional[str], typer.Option("--save-translation", help="Write the MT, line-parallel to the source (with both directions: NAME.sv-en.txt and NAME.en-sv.txt).")] = None,
) -> None:
    """Machine-translate SOURCE, align it with REFERENCE, and score the MT (BLEU, chrF, TER, COMET)."""
    if (source is None) != (reference is None):
        raise InputError("pass both SOURCE and REFERENCE, or neither to check the bundled seed pair")
    if source is None:
        first = load_document(seed_path("sv"), "sv")
        second = load_document(seed_path("en"), "en")
        default_both = True
    else:
        first = load_document(source, src_lang)
        second = load_document(reference, tgt_lang)
        default_both = False
    plan = plan_directions(first, second, direction, default_both=default_both)
    metric_names, explicit = o.metric_selection(metrics, comet_model)
    translator = create_translator(engine, o.engine_options(model, command, hypothesis, beam_size, batch_size, device, engine_option))

    reports = []
    err = o.console(stderr=True)
    with err.status("starting") as status:
        for src_doc, ref_doc in plan:
            report, translations = check_direction(
                src_doc, ref_doc, translator, metric_names,
                comet_model=comet_model, comet_batch_size=comet_batch_size, comet_gpus=comet_gpus,
                explicit_metrics=explicit, progress=lambda message, d=f"{src_doc.lang}→{ref_doc.lang}": status.update(f"{d}: {message}"),
            )
            reports.append(report)
            if save_translation is not None:
                target = _with_direction(Path(save_translation), report.direction, len(plan) > 1)
                write_text_atomic(target, "\n".join(line_parallel(src_doc, translations)) + "\n")
    full = new_report("check", reports)
    if json_path is not None:
        write_json_report(full, json_path)
    render_report(full, o.console())
