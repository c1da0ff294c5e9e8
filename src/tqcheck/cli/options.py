"""Options shared by several commands, and the small helpers that turn them into library calls."""

from __future__ import annotations

import os
from typing import Annotated, Optional

import typer
from rich.console import Console

from ..errors import InputError
from ..metrics.registry import DEFAULT_METRICS

EngineOpt = Annotated[
    Optional[str],
    typer.Option(
        "--engine",
        "-e",
        help="MT engine: marian (default), ctranslate2, command, file, or a plugin's name.",
        show_default=False,
    ),
]
ModelOpt = Annotated[
    Optional[str],
    typer.Option("--model", "-m", help="marian: hub name or local directory; per direction as sv-en=NAME,en-sv=NAME."),
]
CommandOpt = Annotated[
    Optional[str],
    typer.Option(
        "--command",
        help="command engine: shell pipeline, one segment per line in and out; {src}/{tgt} are replaced by language codes.",
    ),
]
HypothesisOpt = Annotated[
    Optional[str],
    typer.Option(
        "--hypothesis", help="file engine: the translation, one line per source line (per direction as sv-en=PATH,...)."
    ),
]
BeamOpt = Annotated[Optional[int], typer.Option("--beam-size", help="marian: beam size (default: the model's).")]
BatchOpt = Annotated[
    Optional[int],
    typer.Option(
        "--batch-size",
        help="marian, ctranslate2: segments per batch (default 64: on a 2-core CPU 1.9× the throughput of 16 for marian, 1.3× of 32 for ctranslate2).",
    ),
]
DeviceOpt = Annotated[Optional[str], typer.Option("--device", help="marian: auto (CUDA when available), cpu or cuda.")]
EngineOptionOpt = Annotated[
    Optional[list[str]],
    typer.Option("--engine-option", help="Any engine option as KEY=VALUE (repeatable); unknown keys are an error."),
]
MetricsOpt = Annotated[
    Optional[str], typer.Option("--metrics", help=f"Comma-separated metrics (default {','.join(DEFAULT_METRICS)}).")
]
CometModelOpt = Annotated[
    Optional[str],
    typer.Option(
        "--comet-model", help="COMET: hub name (default Unbabel/wmt22-comet-da), checkpoint directory or .ckpt path."
    ),
]
QeModelOpt = Annotated[
    Optional[str],
    typer.Option(
        "--qe-model",
        help="cometkiwi (reference-free quality estimation): hub name (default Unbabel/wmt22-cometkiwi-da, licensed CC BY-NC-SA: non-commercial use only) or a local referenceless_regression_metric, unified_metric or xcomet_metric checkpoint.",
    ),
]
HtmlOpt = Annotated[
    Optional[str],
    typer.Option(
        "--html",
        help="Write a self-contained HTML report (scores, alignment, sortable segment table with word differences and error spans, score histograms); no network needed to view it.",
    ),
]
UnitOpt = Annotated[
    Optional[str],
    typer.Option(
        "--unit",
        metavar="paragraph|sentence",
        help="What a scored segment is: an aligned paragraph pair (default), or a sentence pair: aligned paragraphs are split into sentences (Moses' splitter; sentencex for other languages) and aligned inside each pair, so COMET sees sentence-sized segments like those it was trained on.",
        show_default=False,
    ),
]
CometBatchOpt = Annotated[
    Optional[int], typer.Option("--comet-batch-size", help="COMET batch size (default 16).", show_default=False)
]
CometGpusOpt = Annotated[
    Optional[int], typer.Option("--comet-gpus", help="COMET: GPUs to use (default 1 when CUDA is available, else 0).")
]
CometPrecisionOpt = Annotated[
    Optional[str],
    typer.Option(
        "--comet-precision",
        metavar="fp32|fp16",
        help="COMET arithmetic: fp32 (default) or fp16 on a GPU (faster; the signature says fp16, and scores move by ~1e-4).",
        show_default=False,
    ),
]
JsonOpt = Annotated[
    Optional[str],
    typer.Option("--json", help="Write the report as versioned JSON to this path (it can be a later --baseline)."),
]
StrictOpt = Annotated[
    Optional[bool],
    typer.Option(
        "--strict",
        metavar="",
        help="Refuse (exit 2) when language identification disagrees with --src-lang/--tgt-lang, instead of warning.",
        show_default=False,
    ),
]
CacheDirOpt = Annotated[
    Optional[str],
    typer.Option(
        "--cache-dir",
        help="Where translations and COMET segment scores are cached (default: the platform cache folder, or $TQCHECK_CACHE_DIR).",
    ),
]
NoCacheOpt = Annotated[
    Optional[bool], typer.Option("--no-cache", metavar="", help="Neither read nor write the cache.", show_default=False)
]
ConfigOpt = Annotated[
    Optional[str],
    typer.Option(
        "--config",
        help="Settings file: tqcheck.toml or pyproject.toml with \\[tool.tqcheck] (default: the nearest one up to the repository root). Flags win over it.",
        rich_help_panel="Quality gate",
    ),
]
FailUnderOpt = Annotated[
    Optional[list[str]],
    typer.Option(
        "--fail-under",
        metavar="[DIR:]METRIC=VALUE",
        help="Fail (exit 1) when a system score is below VALUE: bleu=30, chrf=55, comet=0.80, or for one direction sv-en:bleu=30. Repeatable; equal passes.",
        rich_help_panel="Quality gate",
        show_default=False,
    ),
]
FailOverOpt = Annotated[
    Optional[list[str]],
    typer.Option(
        "--fail-over",
        metavar="[DIR:]METRIC=VALUE",
        help="Fail (exit 1) when a lower-is-better score is above VALUE: ter=60.",
        rich_help_panel="Quality gate",
        show_default=False,
    ),
]
UpdateBaselineOpt = Annotated[
    Optional[bool],
    typer.Option(
        "--update-baseline",
        metavar="",
        help="Write this run's report as the baseline that --baseline (or baseline in the settings file) names, creating its folder: the first baseline, or a new accepted quality level. Drops are not checked; thresholds are, and a run that fails them writes nothing.",
        rich_help_panel="Quality gate",
        show_default=False,
    ),
]
BaselineOpt = Annotated[
    Optional[str],
    typer.Option(
        "--baseline",
        metavar="REPORT.json",
        help="An earlier --json report of the same documents: fail when a score dropped significantly against it (see --max-drop). Its signatures must match this run's.",
        rich_help_panel="Quality gate",
    ),
]
MaxDropOpt = Annotated[
    Optional[list[str]],
    typer.Option(
        "--max-drop",
        metavar="[DIR:]METRIC[=DELTA]",
        help='Fail when METRIC is worse than --baseline by more than DELTA and the difference is significant (p < --alpha). Without DELTA, and with --baseline but no --max-drop: BLEU 2.34, chrF 1.63, COMET 0.0056, the deltas at which a metric agrees with human judgements 80% of the time (Kocmi et al. 2024, "Navigating the Metrics Maze"). TER has no published delta: give one.',
        rich_help_panel="Quality gate",
        show_default=False,
    ),
]
SignificanceOpt = Annotated[
    Optional[str],
    typer.Option(
        "--significance",
        metavar="bs|ar",
        help="Paired test for drops: bs = sacrebleu's paired bootstrap (default, 1000 resamples), ar = approximate randomization (10000 trials). The seed is SACREBLEU_SEED (default 12345).",
        rich_help_panel="Quality gate",
        show_default=False,
    ),
]
SamplesOpt = Annotated[
    Optional[int],
    typer.Option(
        "--samples",
        help="Resamples (bs) or trials (ar) for the paired test.",
        rich_help_panel="Quality gate",
        show_default=False,
    ),
]
AlphaOpt = Annotated[
    Optional[float],
    typer.Option(
        "--alpha",
        help="Significance level for drops (default 0.05).",
        rich_help_panel="Quality gate",
        show_default=False,
    ),
]
JunitOpt = Annotated[
    Optional[str],
    typer.Option(
        "--junit",
        help="Write JUnit XML: one test case per direction and metric, failed checks as failures.",
        rich_help_panel="Quality gate",
    ),
]
MarkdownOpt = Annotated[
    Optional[str],
    typer.Option(
        "--markdown",
        help="Write a Markdown summary for a pull-request comment (also appended to $GITHUB_STEP_SUMMARY when set).",
        rich_help_panel="Quality gate",
    ),
]


def engine_options(
    model=None,
    command=None,
    hypothesis=None,
    beam_size=None,
    batch_size=None,
    device=None,
    extra: list[str] | None = None,
    configured: dict | None = None,
) -> dict[str, object]:
    """Collect engine options: the settings file's engine_options, then first-class flags, then --engine-option KEY=VALUE."""
    options: dict[str, object] = {str(k).replace("-", "_"): v for k, v in (configured or {}).items()}
    first_class = {
        "model": model,
        "command": command,
        "hypothesis": hypothesis,
        "beam_size": beam_size,
        "batch_size": batch_size,
        "device": device,
    }
    options.update({k: v for k, v in first_class.items() if v is not None})
    for item in extra or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise InputError(f"--engine-option {item!r} is not KEY=VALUE")
        options[key.strip().replace("-", "_")] = value
    return {k: v for k, v in options.items() if v is not None}


def document_pair(
    config, source: str | None, reference: str | None, src_lang: str | None, tgt_lang: str | None, what: str
):
    """SOURCE and REFERENCE (flags over the settings file), or the bundled seed pair when neither is
    given; the third value says it was the seed pair."""
    from ..bundled import seed_path
    from ..documents import load_document

    given = {"source": source, "reference": reference}
    source, reference = config.pick("source", source), config.pick("reference", reference)
    if (source is None) != (reference is None):
        raise InputError(f"pass both SOURCE and REFERENCE, or neither to {what} the bundled seed pair")
    if source is None:
        return load_document(seed_path("sv"), "sv"), load_document(seed_path("en"), "en"), True

    def load(key: str, path: str, lang: str | None, option: str):
        try:
            return load_document(path, lang, option=option)
        except InputError as error:
            if given[key] is None:  # the path came from the settings file: say which, so it can be found
                raise InputError(f"{error} (the path is {config.where(key)})") from None
            raise

    return (
        load("source", source, config.pick("src_lang", src_lang), "--src-lang"),
        load("reference", reference, config.pick("tgt_lang", tgt_lang), "--tgt-lang"),
        False,
    )


def hypothesis_paths(config, hypothesis: str | None) -> list[str]:
    """The files the file engine reads (``PATH`` or ``sv-en=PATH,en-sv=PATH``), as inputs to protect."""
    from ..translate.base import parse_direction_spec

    return list(parse_direction_spec(config.pick("hypothesis", hypothesis)).values())


def configured_translator(
    config,
    cache,
    *,
    engine=None,
    model=None,
    command=None,
    hypothesis=None,
    beam_size=None,
    batch_size=None,
    device=None,
    extra: list[str] | None = None,
):
    """The MT engine from flags over the settings file, behind the cache."""
    options = engine_options(
        config.pick("model", model),
        config.pick("command", command),
        config.pick("hypothesis", hypothesis),
        config.pick("beam_size", beam_size),
        config.pick("batch_size", batch_size),
        config.pick("device", device),
        extra,
        configured=config.values.get("engine_options"),
    )
    return translator_for(config.pick("engine", engine, "marian"), options, cache)


LOG_WIDTH = 240  # when output goes to a CI log, not a terminal: wide enough that nothing wraps mid-word


def console(stderr: bool = False) -> Console:
    """Rich console: the terminal's width, $COLUMNS when set, and for a log (not a terminal) a wide
    line, so signatures and table rows stay on one line instead of wrapping at 80 columns."""
    import sys

    width = int(os.environ["COLUMNS"]) if os.environ.get("COLUMNS", "").isdigit() else None
    stream = sys.stderr if stderr else sys.stdout
    if width is None and not stream.isatty():
        width = LOG_WIDTH
    return Console(stderr=stderr, width=width, highlight=False)


def open_cache(config, cache_dir: str | None, no_cache: bool | None):
    """The translation/score cache, unless --no-cache (or cache = false in the settings)."""
    if no_cache or config.pick("cache", None, True) is False:
        return None
    from ..cache import Cache

    return Cache(config.pick("cache_dir", cache_dir))


def translator_for(engine: str, options: dict[str, object], cache):
    """Build the engine, behind the cache unless there is none. ``cache_key`` (an option every engine
    takes) versions the engine's cache entries explicitly."""
    from ..translate import create_translator

    options = dict(options)
    version = options.pop("cache_key", None)
    translator = create_translator(engine, options)
    if cache is None:
        return translator
    from ..translate.cached import CachedTranslator

    return CachedTranslator(translator, cache, version=None if version is None else str(version))


def language_warnings(config, strict: bool | None, warnings: list[str | None]) -> list[str]:
    """Warnings about declared languages; under --strict the first one is an error."""
    found = [w for w in warnings if w]
    if found and config.pick("strict", strict, False):
        raise InputError(found[0].replace(" (--strict makes this an error)", "") + "; --strict is on")
    return found
