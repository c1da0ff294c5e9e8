"""tqcheck audit: score the reference itself as a translation of the source."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from ..config import load_config
from ..iopaths import RunFiles
from ..pipeline import plan_directions
from ..settings import preflight_checkpoints, scoring_settings
from . import flags
from . import options as o


def audit(
    source: Annotated[
        Optional[str],
        typer.Argument(
            metavar="SOURCE", help="Source document (default: the bundled Swedish seed).", show_default=False
        ),
    ] = None,
    reference: Annotated[
        Optional[str],
        typer.Argument(
            metavar="REFERENCE",
            help="The human translation to audit (default: the bundled English seed).",
            show_default=False,
        ),
    ] = None,
    src_lang: Annotated[
        Optional[str], typer.Option("--src-lang", help="Language of SOURCE (default: identified from the text).")
    ] = None,
    tgt_lang: Annotated[
        Optional[str], typer.Option("--tgt-lang", help="Language of REFERENCE (default: identified from the text).")
    ] = None,
    qe_model: flags.QeModelOpt = None,
    no_mt: Annotated[
        Optional[bool],
        typer.Option(
            "--no-mt",
            metavar="",
            help="Do not machine-translate: align on the source alone and audit with QE only (no MT comparison).",
            show_default=False,
        ),
    ] = None,
    engine: flags.EngineOpt = None,
    model: flags.ModelOpt = None,
    command: flags.CommandOpt = None,
    hypothesis: flags.HypothesisOpt = None,
    beam_size: flags.BeamOpt = None,
    batch_size: flags.BatchOpt = None,
    device: flags.DeviceOpt = None,
    engine_option: flags.EngineOptionOpt = None,
    unit: flags.UnitOpt = None,
    comet_batch_size: flags.CometBatchOpt = None,
    comet_gpus: flags.CometGpusOpt = None,
    top: Annotated[int, typer.Option("--top", min=1, help="How many suspicious reference segments to list.")] = 5,
    json_path: Annotated[
        Optional[str],
        typer.Option(
            "--json",
            help='Write the audit as versioned JSON (the same top-level fields as check\'s report, with kind "audit"; it is not a --baseline).',
        ),
    ] = None,
    html: flags.HtmlOpt = None,
    strict: flags.StrictOpt = None,
    cache_dir: flags.CacheDirOpt = None,
    no_cache: flags.NoCacheOpt = None,
    config_path: flags.ConfigOpt = None,
    align_embeddings: flags.AlignEmbeddingsOpt = None,
    executor: flags.ExecutorOpt = None,
    ray_address: flags.RayAddressOpt = None,
) -> None:
    """Audit REFERENCE as a translation of SOURCE: score each aligned reference segment with a
    quality-estimation model (cometkiwi), compare it with the MT of the same source (QE and chrF),
    and list the reference segments most likely to be bad."""
    config = load_config(config_path)
    json_path, html = config.pick("json", json_path), config.pick("html", html)
    first, second, _ = o.document_pair(config, source, reference, src_lang, tgt_lang, "audit")
    run = RunFiles().read("--config", config.path).read("SOURCE", first.path).read("REFERENCE", second.path)
    run.read("--hypothesis", *o.hypothesis_paths(config, hypothesis)).write("--json", json_path).write("--html", html)
    run.check()
    warnings = o.language_warnings(config, strict, [first.lang_warning, second.lang_warning])
    ((src_doc, ref_doc),) = plan_directions(first, second, None)
    scoring = scoring_settings(
        config,
        qe_model=qe_model,
        comet_batch_size=comet_batch_size,
        comet_gpus=comet_gpus,
        only=["cometkiwi"],
        executor=executor,
        ray_address=ray_address,
    )
    preflight_checkpoints(scoring)
    cache = o.open_cache(config, cache_dir, no_cache)
    translator = (
        None
        if no_mt
        else o.configured_translator(
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
    )
    from ..audit import audit_reference
    from ..metrics.comet_metric import CometMetric
    from ..metrics.registry import create_metric

    qe = create_metric("cometkiwi", scoring, cache=cache)
    assert isinstance(qe, CometMetric)
    aligner = o.configured_aligner(config, align_embeddings)
    with o.console(stderr=True).status("starting") as status:
        result = audit_reference(
            src_doc,
            ref_doc,
            qe,
            translator,
            aligner=aligner,
            cache=cache,
            progress=status.update,
            unit=str(config.pick("unit", unit, "paragraph")).lower(),
        )
    result.warnings[:0] = warnings
    from ..report.audit_report import render_audit, write_audit_outputs

    write_audit_outputs(result, json_path=json_path, html=html)
    render_audit(result, o.console(), top)
