"""tqcheck score: score a line-parallel translation made elsewhere."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from ..documents import read_lines
from ..langid import detect_language
from ..pipeline import new_report, score_lines
from ..report.json_report import write_json_report
from ..report.terminal import render_report
from . import options as o
from .app import command


@command("score")
def score(
    hyp: Annotated[str, typer.Option("--hyp", help="The translation to score, one segment per line.")],
    ref: Annotated[str, typer.Option("--ref", help="The reference, line-parallel with --hyp.")],
    src: Annotated[Optional[str], typer.Option("--src", help="The source, line-parallel (needed for COMET).")] = None,
    src_lang: Annotated[Optional[str], typer.Option("--src-lang", help="Source language (default: identified).")] = None,
    tgt_lang: Annotated[Optional[str], typer.Option("--tgt-lang", help="Target language, picks BLEU's tokeniser (default: identified).")] = None,
    metrics: o.MetricsOpt = None,
    comet_model: o.CometModelOpt = None,
    comet_batch_size: o.CometBatchOpt = 16,
    comet_gpus: o.CometGpusOpt = None,
    json_path: o.JsonOpt = None,
) -> None:
    """Score --hyp against --ref (and --src for COMET); the numbers equal sacrebleu's CLI on the same files."""
    hypotheses = read_lines(hyp)
    references = read_lines(ref)
    sources = read_lines(src) if src is not None else None
    target = (tgt_lang or detect_language("\n".join(references)).lang).lower()
    origin = (src_lang or (detect_language("\n".join(sources)).lang if sources else "und")).lower()
    metric_names, explicit = o.metric_selection(metrics, comet_model)
    err = o.console(stderr=True)
    with err.status("scoring") as status:
        direction = score_lines(
            hypotheses, references, sources, metric_names,
            src_lang=origin, tgt_lang=target, paths=(src, hyp, ref),
            comet_model=comet_model, comet_batch_size=comet_batch_size, comet_gpus=comet_gpus,
            explicit_metrics=explicit, progress=status.update,
        )
    report = new_report("score", [direction])
    if json_path is not None:
        write_json_report(report, json_path)
    render_report(report, o.console())
