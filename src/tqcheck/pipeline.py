"""The library API behind the CLI: check (translate, align, score) and score (line-parallel files)."""

from __future__ import annotations

import functools
import hashlib
import time
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path

from ._version import __version__
from .align import Aligner, Alignment
from .documents import Document
from .errors import InputError
from .metrics import ScoringSettings, TranslationTriple
from .metrics.registry import NEURAL_METRICS, REFERENCE_FREE_METRICS, label
from .report.model import DirectionReport, Report
from .scoring import LinePair, load_libraries_while_engine_runs, metric_warnings, score_triples, segment_results
from .translate import Translator
from .translation import (  # noqa: F401  (the translation stage; names kept importable from here)
    UNITS,
    Progress,
    Translated,
    announce,
    cache_warnings,
    check_translation_language,
    preflight_models,
    translate_document,
    translate_for_unit,
    translation_cache_summary,
)


def new_report(command: str, directions: list[DirectionReport]) -> Report:
    return Report(
        command=command,
        tqcheck_version=__version__,
        created=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        directions=directions,
    )


def align_cached(
    aligner: Aligner, source: Document, reference: Document, translations: Sequence[str] | None, cache=None
) -> Alignment:
    """Align, or take the alignment a previous run made of exactly these inputs with this aligner
    (and this tqcheck version and aligner code, since the code is part of the result)."""
    return align_many(aligner, [(source, reference, translations)], cache)[0]


def source_digest(folder: Path) -> str:
    """A digest of the names and contents of a folder's Python files."""
    digest = hashlib.sha256()
    for path in sorted(folder.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


@functools.cache
def aligner_code_digest() -> str:
    """What the aligner's results depend on besides its inputs and settings: its own source files
    (between releases the version number does not change when the code does) and the sacrebleu
    whose chrF statistics are its evidence."""
    from importlib.metadata import version

    return f"{source_digest(Path(__file__).parent / 'align')}|sacrebleu {version('sacrebleu')}"


def _alignment_key(aligner: Aligner, parts, source: Document, reference: Document, translations) -> str:
    from .cache import cache_key

    return cache_key(
        "alignment",
        __version__,
        aligner_code_digest(),
        type(aligner).__name__,
        parts,
        [(s.line, s.text) for s in source.segments],
        [(s.line, s.text) for s in reference.segments],
        list(translations) if translations is not None else None,
    )


def _align_one(aligner: Aligner, source: Document, reference: Document, translations) -> Alignment:
    """One document's alignment: a top-level function, so a Ray task can run it."""
    return aligner.align(source, reference, translations)


_align_one.TASK_KIND = "alignment"  # type: ignore[attr-defined]


def align_many(
    aligner: Aligner,
    jobs: Sequence[tuple[Document, Document, Sequence[str] | None]],
    cache=None,
    runner=None,
    done=None,
) -> list[Alignment]:
    """Align each (source, reference, MT) job, in order: cached alignments are looked up here, the
    rest run on ``runner`` (this process by default; Ray tasks, one per document, under
    ``--executor ray``), and are stored here, the one writer of the cache. ``done(k, n)`` hears
    how many of the n uncached documents are aligned."""
    import json

    from .executor import InProcess

    runner = runner or InProcess()
    parts = aligner.cache_key_parts() if cache is not None else None
    keys = [_alignment_key(aligner, parts, *job) if parts is not None else None for job in jobs]
    found = {}
    if parts is not None:
        found = cache.get_many("alignments", [k for k in keys if k is not None])
    out: list[Alignment | None] = [
        Alignment.from_dict(json.loads(found[k])) if k is not None and k in found else None for k in keys
    ]
    todo = [k for k, alignment in enumerate(out) if alignment is None]
    if todo and runner.name == "ray" and not _picklable(aligner):
        runner = InProcess()  # an aligner holding a native object (an embedder) stays on the driver
    made = runner.map(_align_one, [(aligner, *jobs[k]) for k in todo], done=done)
    fresh = {}
    for k, alignment in zip(todo, made):
        out[k] = alignment
        if keys[k] is not None:
            fresh[keys[k]] = json.dumps(alignment.to_dict(), ensure_ascii=False)
    if fresh:
        cache.put_many("alignments", fresh)
    return [a for a in out if a is not None]


def _picklable(value) -> bool:
    import pickle

    try:
        pickle.dumps(value)
    except (pickle.PicklingError, TypeError, AttributeError):
        return False
    return True


def scoring_units(pairs: Sequence, reference: Document, translated: Translated) -> tuple[list, list[str]]:
    """What is scored: the aligned pairs themselves, or (sentence unit) the sentence pairs aligned
    inside each of them. Also warnings for sentences only one side has."""
    if translated.sentences is None:
        return list(pairs), []
    from .align.sentences import sentence_pairs, split_lines

    reference_sentences = split_lines({seg.line: seg.text for seg in reference.segments}, reference.lang)
    units, unmatched = sentence_pairs(pairs, translated.sentences, reference_sentences, translated.sentence_mt)
    warnings = (
        [
            f"{len(unmatched)} sentence(s) inside aligned paragraphs have no counterpart and are not scored: "
            + "; ".join(unmatched[:5])
            + ("; …" if len(unmatched) > 5 else "")
        ]
        if unmatched
        else []
    )
    return units, warnings


def translate_and_align(
    translator: Translator | None,
    source: Document,
    reference: Document,
    unit: str,
    *,
    aligner: Aligner | None = None,
    cache=None,
    progress: Progress | None = None,
    seconds: dict[str, float],
    strict: bool = False,
) -> tuple[Translated, Alignment]:
    """The first half of check and audit: the MT of the source (when there is an engine) and the
    alignment it guides; ``seconds`` gets the time of each. No aligned line at all is bad input."""
    if aligner is None:
        from .align import DynamicProgrammingAligner

        aligner = DynamicProgrammingAligner()
    aligner.check_size(source, reference)
    started = time.perf_counter()
    translated = translate_for_unit(translator, source, reference.lang, unit, progress, strict)
    seconds["translate"] = round(time.perf_counter() - started, 3)
    announce(progress, "aligning")
    started = time.perf_counter()
    alignment = align_cached(aligner, source, reference, translated.paragraphs, cache)
    seconds["align"] = round(time.perf_counter() - started, 3)
    if not alignment.pairs:
        why = alignment.why_nothing_aligned()
        what = (
            f"no line of {source.path} could be aligned with {reference.path}"
            if why.startswith("no line")
            else (f"{source.path} and {reference.path}: {why}")
        )
        raise InputError(
            f"{what}; check that the reference is a translation of the source"
            + (" (and the engine translates into its language)" if translator else "")
        )
    return translated, alignment


def check_direction(
    source: Document,
    reference: Document,
    translator: Translator,
    scoring: ScoringSettings | Sequence[str],
    *,
    aligner: Aligner | None = None,
    progress: Progress | None = None,
    cache=None,
    unit: str = "paragraph",
    strict: bool = False,
) -> tuple[DirectionReport, list[str]]:
    """Translate ``source`` into the reference's language, align, and score the aligned pairs with
    the metrics of ``scoring`` (settings, or just metric names).

    Returns the report and the MT of every source segment (for --save-translation)."""
    from .executor import cluster_summary, cluster_work

    scoring = ScoringSettings.of(scoring)
    sent_before = cluster_work()
    load_libraries_while_engine_runs(translator, scoring)
    seconds: dict[str, float] = {}
    translated, alignment = translate_and_align(
        translator,
        source,
        reference,
        unit,
        aligner=aligner,
        cache=cache,
        progress=progress,
        seconds=seconds,
        strict=strict,
    )
    translations = translated.paragraphs
    units, unit_warnings = scoring_units(alignment.pairs, reference, translated)
    warnings = translated.warnings + unit_warnings + cache_warnings(translator)
    triples = [TranslationTriple(u.source, u.hypothesis or "", u.reference) for u in units]
    results, skipped, metric_seconds = score_triples(
        triples, scoring, tgt_lang=reference.lang, progress=progress, cache=cache
    )
    seconds.update(metric_seconds)
    segments = segment_results(triples, results, units)
    report = DirectionReport(
        src_lang=source.lang,
        tgt_lang=reference.lang,
        source_path=source.path,
        reference_path=reference.path,
        hypothesis_path=None,
        engine=translator.info(source.lang, reference.lang),
        metrics=results,
        segments=segments,
        alignment=alignment,
        source_line_count=source.line_count,
        reference_line_count=reference.line_count,
        skipped_metrics=skipped,
        warnings=warnings + metric_warnings(results, segments),
        seconds=seconds,
        unit=unit,
        translation_cache=translation_cache_summary(translator),
        engine_usage=translator.take_usage(),
        cluster=cluster_summary(scoring.executor, scoring.ray_address, sent_before),
    )
    assert translations is not None  # there is an engine, so every source segment has its MT
    return report, translations


def metrics_for_inputs(
    scoring: ScoringSettings, *, have_source: bool, have_reference: bool
) -> tuple[list[str], dict[str, str]]:
    """The metrics these inputs can feed (neural ones read the source; all but the reference-free
    ones need a reference), and why each other one is skipped. One asked for by name that cannot
    run is bad input; so is nothing left to score."""
    names: list[str] = []
    skipped: dict[str, str] = {}
    for name in scoring.metrics:
        missing = [
            what
            for what, given, needed in (
                ("--src", have_source, name in NEURAL_METRICS),
                ("--ref", have_reference, name not in REFERENCE_FREE_METRICS),
            )
            if needed and not given
        ]
        if not missing:
            names.append(name)
            continue
        reason = f"{label(name)} needs {' and '.join(missing)}"
        if name in scoring.explicit:
            hint = (
                "; without a reference score with --metrics cometkiwi (quality estimation)"
                if "--ref" in missing
                else ""
            )
            raise InputError(
                f"{reason}: pass {' and '.join(m + ' FILE' for m in missing)} (line-parallel with --hyp){hint}"
            )
        skipped[name] = f"no {' or '.join(missing)} given; {reason}"
    if not names:
        raise InputError("nothing to score: " + "; ".join(skipped.values()))
    return names, skipped


def score_lines(
    hypotheses: Sequence[str],
    references: Sequence[str] | None,
    sources: Sequence[str] | None,
    scoring: ScoringSettings | Sequence[str],
    *,
    src_lang: str,
    tgt_lang: str,
    paths: tuple[str | None, str | None, str | None] = (None, None, None),
    progress: Progress | None = None,
    cache=None,
) -> DirectionReport:
    """Score a line-parallel hypothesis against a reference (and source, for COMET), or with
    references=None against the source alone (reference-free metrics such as cometkiwi)."""
    from .documents import check_line_parallel
    from .executor import cluster_summary, cluster_work

    scoring = ScoringSettings.of(scoring)
    sent_before = cluster_work()
    for name, lines in ((paths[2] or "reference", references), (paths[0] or "source", sources)):
        if lines is not None:
            check_line_parallel(hypotheses, paths[1] or "hypothesis", lines, name)
    metric_names, skipped = metrics_for_inputs(
        scoring, have_source=sources is not None, have_reference=references is not None
    )
    triples = [
        TranslationTriple(
            sources[i] if sources is not None else "", h, references[i] if references is not None else None
        )
        for i, h in enumerate(hypotheses)
    ]
    results, more_skipped, seconds = score_triples(
        triples, scoring.but(metrics=tuple(metric_names)), tgt_lang=tgt_lang, progress=progress, cache=cache
    )
    skipped.update(more_skipped)
    units = [LinePair(source_lines=(i,), reference_lines=(i,)) for i in range(1, len(triples) + 1)]
    segments = segment_results(triples, results, units)
    return DirectionReport(
        src_lang=src_lang,
        tgt_lang=tgt_lang,
        source_path=paths[0],
        reference_path=paths[2],
        hypothesis_path=paths[1],
        engine=None,
        metrics=results,
        segments=segments,
        source_line_count=len(sources) if sources is not None else 0,
        reference_line_count=len(references) if references is not None else 0,
        skipped_metrics=skipped,
        warnings=metric_warnings(results, segments),
        seconds=seconds,
        cluster=cluster_summary(scoring.executor, scoring.ray_address, sent_before),
    )


def plan_directions(
    first: Document, second: Document, direction: str | None, default_both: bool = False
) -> list[tuple[Document, Document]]:
    """Which (source, reference) pairs to check. ``direction`` is ``xx-yy``, ``both`` or None
    (None: ``first`` is the source, unless ``default_both``)."""
    if first.lang == second.lang:
        raise InputError(
            f"{first.path} and {second.path} are both in language {first.lang!r}; the reference must be a translation "
            "of the source (if detection is wrong, pass --src-lang and --tgt-lang)"
        )
    spec = (direction or ("both" if default_both else "")).lower()
    if not spec:
        return [(first, second)]
    if spec == "both":
        return [(first, second), (second, first)]
    src, sep, tgt = spec.partition("-")
    by_lang = {first.lang: first, second.lang: second}
    if not sep or src not in by_lang or tgt not in by_lang or src == tgt:
        raise InputError(
            f"--direction {direction} does not match the documents: {first.path} is {first.lang!r}, "
            f"{second.path} is {second.lang!r}; use {first.lang}-{second.lang}, {second.lang}-{first.lang} or both "
            "(or declare the languages with --src-lang and --tgt-lang if identification got them wrong)"
        )
    return [(by_lang[src], by_lang[tgt])]


def line_parallel(document: Document, texts: Sequence[str]) -> list[str]:
    """Put one text per segment back on its source line number, blank where the source is blank."""
    lines = [""] * document.line_count
    for segment, text in zip(document.segments, texts):
        lines[segment.line - 1] = text
    return lines
