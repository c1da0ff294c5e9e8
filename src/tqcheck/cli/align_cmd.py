"""tqcheck align: write the alignment of two documents as TSV."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from ..align import Alignment
from ..atomic import write_text_atomic
from ..config import load_config
from ..documents import Document, load_document
from ..iopaths import RunFiles
from ..pipeline import plan_directions
from ..translation import translate_document
from . import flags
from . import options as o


def alignment_tsv(alignment: Alignment, source: Document, reference: Document) -> str:
    """``source_lines<TAB>reference_lines``: every line of each file in exactly one row, in order."""
    rows = alignment.rows(source.line_count, reference.line_count)
    return "".join(f"{','.join(map(str, s))}\t{','.join(map(str, r))}\n" for s, r in rows)


def align(
    source: Annotated[str, typer.Argument(metavar="SOURCE", help="Source document.")],
    reference: Annotated[str, typer.Argument(metavar="REFERENCE", help="Its translation.")],
    tsv: Annotated[
        str,
        typer.Option(
            "--tsv",
            help="Write rows `source_lines<TAB>reference_lines` (1-based, comma-separated; one side empty when unmatched).",
        ),
    ],
    src_lang: Annotated[
        Optional[str], typer.Option("--src-lang", help="Language of SOURCE (default: identified from the text).")
    ] = None,
    tgt_lang: Annotated[
        Optional[str], typer.Option("--tgt-lang", help="Language of REFERENCE (default: identified from the text).")
    ] = None,
    engine: Annotated[
        Optional[str],
        typer.Option(
            "--engine",
            "-e",
            help="MT engine that guides the alignment (marian, ctranslate2, command, file, ...), or none for source/anchor evidence only.",
        ),
    ] = None,
    model: flags.ModelOpt = None,
    command: flags.CommandOpt = None,
    hypothesis: flags.HypothesisOpt = None,
    engine_option: flags.EngineOptionOpt = None,
    cache_dir: flags.CacheDirOpt = None,
    no_cache: flags.NoCacheOpt = None,
    config_path: flags.ConfigOpt = None,
    align_embeddings: flags.AlignEmbeddingsOpt = None,
) -> None:
    """Align SOURCE with REFERENCE (one-sided, merged and split paragraphs allowed) and write a TSV.
    The engine and its options come from the flags over the settings file, as for check."""
    config = load_config(config_path)
    run = RunFiles().read("--config", config.path).read("SOURCE", source).read("REFERENCE", reference)
    run.write("--tsv", tsv).read("--hypothesis", *o.hypothesis_paths(config, hypothesis)).check()
    first = load_document(source, src_lang)
    second = load_document(reference, tgt_lang)
    src_doc, ref_doc = plan_directions(first, second, None)[0]
    aligner = o.configured_aligner(config, align_embeddings)
    aligner.check_size(src_doc, ref_doc)
    translations = None
    err = o.console(stderr=True)
    with err.status("aligning") as status:
        if config.pick("engine", engine, "marian") != "none":
            translator = o.configured_translator(
                config,
                o.open_cache(config, cache_dir, no_cache),
                engine=engine,
                model=model,
                command=command,
                hypothesis=hypothesis,
                extra=engine_option,
            )
            translations = translate_document(translator, src_doc, ref_doc.lang, status.update)
        alignment = aligner.align(src_doc, ref_doc, translations)
    write_text_atomic(tsv, alignment_tsv(alignment, src_doc, ref_doc))
    out = o.console()
    out.print(
        f"{len(alignment.pairs)} aligned pairs {alignment.bead_counts()}; "
        f"{len(alignment.unmatched_on('source'))} source and {len(alignment.unmatched_on('reference'))} reference lines unmatched; "
        f"written to {tsv}"
    )
    for u in alignment.unmatched:
        out.print(f"  {u.side} line {u.line}: {u.reason}", style="dim")
