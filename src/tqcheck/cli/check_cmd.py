"""tqcheck check: translate, align and score a source document against its reference."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..atomic import write_text_atomic
from ..config import load_config
from ..corpus import corpus_directions
from ..errors import InputError
from ..iopaths import per_direction
from ..pipeline import check_direction, line_parallel, new_report, plan_directions
from ..settings import preflight_checkpoints, scoring_settings
from ..translation import preflight_models
from . import flags
from . import options as o
from .corpus_inputs import columns, corpus_plan, planned_files
from .outputs import finish, gate_policy, outputs, read_baseline, run_files


def check(
    source: Annotated[
        Optional[str],
        typer.Argument(
            metavar="SOURCE",
            help="Source document or folder, or a bilingual file (default: the bundled Swedish seed).",
            show_default=False,
        ),
    ] = None,
    reference: Annotated[
        Optional[str],
        typer.Argument(
            metavar="REFERENCE",
            help="Its human translation, file or folder (default: the bundled English seed).",
            show_default=False,
        ),
    ] = None,
    direction: Annotated[
        Optional[str],
        typer.Option(
            "--direction",
            "-d",
            help="sv-en, en-sv or both: which document is translated. Default: both for the seed pair, SOURCE→REFERENCE otherwise.",
        ),
    ] = None,
    src_lang: Annotated[
        Optional[str], typer.Option("--src-lang", help="Language of SOURCE (default: identified from the text).")
    ] = None,
    tgt_lang: Annotated[
        Optional[str], typer.Option("--tgt-lang", help="Language of REFERENCE (default: identified from the text).")
    ] = None,
    engine: flags.EngineOpt = None,
    model: flags.ModelOpt = None,
    command: flags.CommandOpt = None,
    hypothesis: flags.HypothesisOpt = None,
    beam_size: flags.BeamOpt = None,
    batch_size: flags.BatchOpt = None,
    device: flags.DeviceOpt = None,
    engine_option: flags.EngineOptionOpt = None,
    metrics: flags.MetricsOpt = None,
    unit: flags.UnitOpt = None,
    comet_model: flags.CometModelOpt = None,
    qe_model: flags.QeModelOpt = None,
    comet_batch_size: flags.CometBatchOpt = None,
    comet_gpus: flags.CometGpusOpt = None,
    comet_precision: flags.CometPrecisionOpt = None,
    json_path: flags.JsonOpt = None,
    html: flags.HtmlOpt = None,
    save_translation: Annotated[
        Optional[str],
        typer.Option(
            "--save-translation",
            help="Write the MT, line-parallel to the source (with both directions: NAME.sv-en.txt and NAME.en-sv.txt).",
        ),
    ] = None,
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
    align_embeddings: flags.AlignEmbeddingsOpt = None,
    manifest: flags.ManifestOpt = None,
    include: flags.IncludeOpt = None,
    exclude: flags.ExcludeOpt = None,
    src_column: flags.SrcColumnOpt = None,
    ref_column: flags.RefColumnOpt = None,
    resample: flags.ResampleOpt = None,
    executor: flags.ExecutorOpt = None,
    ray_address: flags.RayAddressOpt = None,
) -> None:
    """Machine-translate SOURCE, align it with REFERENCE, and score the MT (BLEU, chrF, TER, COMET).

    SOURCE and REFERENCE may be two files, or two folders (documents paired by relative path). One
    argument alone is a bilingual file (.po, .xlf/.xliff, .tmx, .tsv, .jsonl), a folder of them, or
    a layout pattern such as 'docs/{lang}/**/*.md'; --manifest lists pairs. A corpus gets pooled
    scores and a report per document.

    With --fail-under/--fail-over/--baseline it is a quality gate: exit 0 passed, 1 gate failed,
    2 bad usage or input, 3 model or runtime failure."""
    config = load_config(config_path)
    files = outputs(config, json_path, junit, markdown, html)
    src_lang, tgt_lang = config.pick("src_lang", src_lang), config.pick("tgt_lang", tgt_lang)
    corpus = corpus_plan(
        config,
        source,
        reference,
        manifest=manifest,
        include=include,
        exclude=exclude,
        src_lang=src_lang,
        tgt_lang=tgt_lang,
    )
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
        resample=resample,
    )
    run = run_files(config, files, policy)
    mismatches: list[str] = []
    if corpus is not None:
        if save_translation is not None:
            raise InputError(
                "--save-translation writes one file per direction, and a corpus has many documents; "
                "leave it out (the JSON report holds every segment's MT)"
            )
        text_columns = columns(config, src_column, ref_column)
        corpus_run = corpus_directions(corpus, src_lang, tgt_lang, config.pick("direction", direction), text_columns)
        directions = [d.name for d in corpus_run]
        run.read("SOURCE", *planned_files(corpus)).read("--manifest", config.pick("manifest", manifest))
        save_paths: list[Path] = []
    else:
        first, second, default_both = o.document_pair(config, source, reference, src_lang, tgt_lang, "check")
        mismatches = o.language_warnings(config, strict, [first.lang_warning, second.lang_warning])
        plan = plan_directions(first, second, config.pick("direction", direction), default_both=default_both)
        directions = [f"{s.lang}-{r.lang}" for s, r in plan]
        save_paths = per_direction(save_translation, directions)
        run.read("SOURCE", first.path).read("REFERENCE", second.path)
    run.read("--hypothesis", *o.hypothesis_paths(config, hypothesis)).write("--save-translation", *save_paths)
    run.check()
    previous = read_baseline(policy)
    scoring = scoring_settings(
        config,
        metrics=metrics,
        comet_model=comet_model,
        qe_model=qe_model,
        comet_batch_size=comet_batch_size,
        comet_gpus=comet_gpus,
        comet_precision=comet_precision,
        required=policy.metrics_needed(),
        executor=executor,
        ray_address=ray_address,
    )
    policy.check_applies(directions, scoring.metrics, corpus=corpus is not None)
    preflight_checkpoints(scoring)
    cache = o.open_cache(config, cache_dir, no_cache)
    translator = o.configured_translator(
        config,
        cache,
        engine=engine,
        model=model,
        command=command,
        hypothesis=hypothesis,
        beam_size=beam_size,
        batch_size=batch_size,
        device=device,
        extra=engine_option,
        executor=executor,
        ray_address=ray_address,
    )
    language_pairs = [(name.split("-", 1)[0], name.split("-", 1)[1]) for name in directions]
    translator.check_directions(language_pairs)
    preflight_models(translator, language_pairs, scoring.explicit, scoring.comet_model, scoring.qe_model)
    settings = dict(
        cache=cache,
        aligner=o.configured_aligner(config, align_embeddings),
        unit=str(config.pick("unit", unit, "paragraph")).lower(),
        strict=bool(config.pick("strict", strict, False)),
    )
    if corpus is not None:
        reports = _run_corpus(corpus_run, translator, scoring, text_columns, **settings)
    else:
        reports = _run(plan, translator, scoring, save_paths, **settings)
    for report in reports:
        report.warnings[:0] = mismatches
    finish(new_report("check", reports), policy, previous, files)


def _run_corpus(directions, translator, scoring, text_columns, *, cache, aligner, unit: str, strict: bool) -> list:
    """Each direction of the corpus in turn, under one status line."""
    from ..corpus import check_corpus

    with o.console(stderr=True).status("starting") as status:
        return [
            check_corpus(
                d,
                translator,
                scoring,
                columns=text_columns,
                cache=cache,
                aligner=aligner,
                unit=unit,
                strict=strict,
                progress=functools.partial(_status, status, f"{d.src_lang}→{d.tgt_lang}"),
            )
            for d in directions
        ]


def _run(plan, translator, scoring, save_paths: list[Path], *, cache, aligner, unit: str, strict: bool) -> list:
    """Each direction in turn, under one status line; the MT saved as each direction finishes."""
    reports = []
    with o.console(stderr=True).status("starting") as status:
        saves: list[Path | None] = list(save_paths) or [None] * len(plan)
        for (src_doc, ref_doc), save in zip(plan, saves):
            report, translations = check_direction(
                src_doc,
                ref_doc,
                translator,
                scoring,
                cache=cache,
                aligner=aligner,
                unit=unit,
                strict=strict,
                progress=functools.partial(_status, status, f"{src_doc.lang}→{ref_doc.lang}"),
            )
            reports.append(report)
            if save is not None:
                write_text_atomic(save, "\n".join(line_parallel(src_doc, translations)) + "\n")
    return reports


def _status(status, direction: str, message: str) -> None:
    status.update(f"{direction}: {message}")
