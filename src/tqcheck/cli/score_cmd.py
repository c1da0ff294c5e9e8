"""tqcheck score: score a line-parallel translation made elsewhere."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from ..config import load_config
from ..documents import read_lines
from ..langid import line_languages
from ..pipeline import new_report, score_lines
from ..settings import preflight_checkpoints, scoring_settings
from . import flags
from . import options as o
from .outputs import finish, gate_policy, outputs, read_baseline, run_files


def score(
    hyp: Annotated[str, typer.Option("--hyp", help="The translation to score, one segment per line.")],
    ref: Annotated[
        Optional[str],
        typer.Option(
            "--ref",
            help="The reference, line-parallel with --hyp. Without it only reference-free metrics score (default then: cometkiwi, which needs --src).",
        ),
    ] = None,
    src: Annotated[
        Optional[str], typer.Option("--src", help="The source, line-parallel (needed for COMET and cometkiwi).")
    ] = None,
    src_lang: Annotated[
        Optional[str], typer.Option("--src-lang", help="Source language (default: identified).")
    ] = None,
    tgt_lang: Annotated[
        Optional[str], typer.Option("--tgt-lang", help="Target language, picks BLEU's tokeniser (default: identified).")
    ] = None,
    metrics: flags.MetricsOpt = None,
    comet_model: flags.CometModelOpt = None,
    qe_model: flags.QeModelOpt = None,
    comet_batch_size: flags.CometBatchOpt = None,
    comet_gpus: flags.CometGpusOpt = None,
    comet_precision: flags.CometPrecisionOpt = None,
    json_path: flags.JsonOpt = None,
    html: flags.HtmlOpt = None,
    fail_under: flags.FailUnderOpt = None,
    fail_over: flags.FailOverOpt = None,
    baseline: flags.BaselineOpt = None,
    update_baseline: flags.UpdateBaselineOpt = None,
    max_drop: flags.MaxDropOpt = None,
    significance: flags.SignificanceOpt = None,
    samples: flags.SamplesOpt = None,
    alpha: flags.AlphaOpt = None,
    junit: flags.JunitOpt = None,
    markdown: flags.MarkdownOpt = None,
    strict: flags.StrictOpt = None,
    cache_dir: flags.CacheDirOpt = None,
    no_cache: flags.NoCacheOpt = None,
    config_path: flags.ConfigOpt = None,
    executor: flags.ExecutorOpt = None,
    ray_address: flags.RayAddressOpt = None,
) -> None:
    """Score --hyp against --ref (and --src for COMET); the numbers equal sacrebleu's CLI on the same files.
    Without --ref, score --hyp against --src alone with a quality-estimation model (cometkiwi).

    With --fail-under/--fail-over/--baseline it is a quality gate: exit 0 passed, 1 gate failed,
    2 bad usage or input, 3 model or runtime failure."""
    config = load_config(config_path)
    files = outputs(config, json_path, junit, markdown, html)
    policy = gate_policy(
        config,
        fail_under=fail_under,
        fail_over=fail_over,
        max_drop=max_drop,
        baseline=baseline,
        significance=significance,
        samples=samples,
        alpha=alpha,
        update_baseline=update_baseline,
    )
    run_files(config, files, policy).read("--hyp", hyp).read("--ref", ref).read("--src", src).check()
    previous = read_baseline(policy)
    hypotheses = read_lines(hyp)
    references = read_lines(ref) if ref is not None else None
    sources = read_lines(src) if src is not None else None
    origin, target, warnings = line_languages(
        hypotheses,
        references,
        sources,
        (src, hyp, ref),
        declared=(config.pick("src_lang", src_lang), config.pick("tgt_lang", tgt_lang)),
    )
    mismatches = o.language_warnings(config, strict, warnings)
    scoring = scoring_settings(
        config,
        metrics=metrics,
        comet_model=comet_model,
        qe_model=qe_model,
        comet_batch_size=comet_batch_size,
        comet_gpus=comet_gpus,
        comet_precision=comet_precision,
        required=policy.metrics_needed(),
        have_reference=references is not None,
        executor=executor,
        ray_address=ray_address,
    )
    policy.check_applies([f"{origin}-{target}"], scoring.metrics)
    preflight_checkpoints(scoring)
    err = o.console(stderr=True)
    with err.status("scoring") as status:
        direction = score_lines(
            hypotheses,
            references,
            sources,
            scoring,
            src_lang=origin,
            tgt_lang=target,
            paths=(src, hyp, ref),
            progress=status.update,
            cache=o.open_cache(config, cache_dir, no_cache),
        )
    direction.warnings[:0] = mismatches
    finish(new_report("score", [direction]), policy, previous, files)
