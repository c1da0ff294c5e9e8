"""The library API behind the CLI: check (translate, align, score) and score (line-parallel files)."""

from __future__ import annotations

import time
from types import SimpleNamespace
from datetime import datetime, timezone
from typing import Sequence

from . import __version__
from .align import Aligner, Alignment, DynamicProgrammingAligner
from .documents import Document
from .errors import InputError, ModelUnavailableError
from .metrics import MetricResult, TranslationTriple, create_metric
from .metrics.registry import NEURAL_METRICS, REFERENCE_FREE_METRICS, label
from .report.model import DirectionReport, Report, SegmentResult
from .translate import Translator

from .translation import (  # noqa: F401  (the translation stage; names kept importable from here)
    UNITS, Progress, Translated, announce, cache_warnings, check_translation_language, preflight_models,
    translate_document, translate_for_unit, translation_cache_summary,
)


def new_report(command: str, directions: list[DirectionReport]) -> Report:
    return Report(
        command=command,
        tqcheck_version=__version__,
        created=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        directions=directions,
    )


def score_triples(
    triples: Sequence[TranslationTriple],
    metric_names: Sequence[str],
    *,
    tgt_lang: str,
    comet_model: str | None = None,
    comet_batch_size: int = 16,
    comet_gpus: int | None = None,
    explicit: Sequence[str] = (),
    progress: Progress | None = None,
    cache=None,
    comet_precision: str = "fp32",
    qe_model: str | None = None,
) -> tuple[list[MetricResult], dict[str, str], dict[str, float]]:
    """Score with each metric. A neural metric that was not asked for explicitly and cannot
    be loaded is skipped with its reason instead of failing the run."""
    results: list[MetricResult] = []
    skipped: dict[str, str] = {}
    seconds: dict[str, float] = {}
    for name in metric_names:
        metric = create_metric(name, tgt_lang=tgt_lang, comet_model=comet_model,
                               comet_batch_size=comet_batch_size, comet_gpus=comet_gpus, cache=cache,
                               comet_precision=comet_precision, qe_model=qe_model)
        announce(progress, f"{label(name)}: loading the model (unless every segment is cached) and scoring "
                           f"{len(triples)} segments" if name in NEURAL_METRICS else f"scoring {name} on {len(triples)} segments")
        started = time.perf_counter()
        try:
            results.append(metric.score(triples))
        except ModelUnavailableError as error:
            if name in explicit:
                raise
            skipped[name] = str(error)
        seconds[name] = round(time.perf_counter() - started, 3)
    return results, skipped, seconds


def _metric_warnings(results: list[MetricResult], segments: list[SegmentResult]) -> list[str]:
    """Say which segments a neural metric saw only in part (its encoder takes 512 tokens), and
    which model may not be used commercially."""
    warnings = [r.details["licence_note"] for r in results if r.details.get("licence_note")]
    for result in results:
        truncated = result.details.get("truncated_segments") or []
        if truncated:
            lines = ", ".join(",".join(map(str, segments[k].reference_lines)) for k in truncated[:10])
            warnings.append(
                f"{result.name}: {len(truncated)} segment(s) are longer than its encoder's 512 tokens and were "
                f"scored on their first 512 tokens only (reference lines {lines}{', ...' if len(truncated) > 10 else ''})"
            )
    return warnings


def _segments(triples: Sequence[TranslationTriple], results: list[MetricResult], units: Sequence) -> list[SegmentResult]:
    """Segment results; ``units`` say where each triple came from (aligned pairs or sentence pairs)."""
    return [
        SegmentResult(
            source_lines=unit.source_lines,
            reference_lines=unit.reference_lines,
            source_sentences=getattr(unit, "source_sentences", ()),
            reference_sentences=getattr(unit, "reference_sentences", ()),
            source=triple.source,
            hypothesis=triple.hypothesis,
            reference=triple.reference,
            scores={r.name: r.segment_scores[index] for r in results},
            error_spans={r.name: r.details["error_spans"][index] for r in results
                         if r.details.get("error_spans") and r.details["error_spans"][index]},
        )
        for index, (triple, unit) in enumerate(zip(triples, units))
    ]


def align_cached(aligner: Aligner, source: Document, reference: Document, translations: Sequence[str] | None,
                 cache=None) -> Alignment:
    """Align, or take the alignment a previous run made of exactly these inputs with this aligner
    (and this tqcheck version, since the aligner's code is part of the result)."""
    if cache is None:
        return aligner.align(source, reference, translations)
    import json
    from dataclasses import asdict

    from .align.base import AlignedPair, UnmatchedLine
    from .cache import cache_key

    key = cache_key("alignment", __version__, type(aligner).__name__, repr(getattr(aligner, "settings", None)),
                    [(s.line, s.text) for s in source.segments], [(s.line, s.text) for s in reference.segments],
                    list(translations) if translations is not None else None)
    stored = cache.get_many("alignments", [key]).get(key)
    if stored is not None:
        data = json.loads(stored)
        return Alignment(
            pairs=[AlignedPair(**{**p, "source_lines": tuple(p["source_lines"]), "reference_lines": tuple(p["reference_lines"])})
                   for p in data["pairs"]],
            unmatched=[UnmatchedLine(**u) for u in data["unmatched"]],
        )
    alignment = aligner.align(source, reference, translations)
    cache.put_many("alignments", {key: json.dumps(asdict(alignment), ensure_ascii=False)})
    return alignment


def scoring_units(pairs: Sequence, reference: Document, translated: Translated) -> tuple[list, list[str]]:
    """What is scored: the aligned pairs themselves, or (sentence unit) the sentence pairs aligned
    inside each of them. Also warnings for sentences only one side has."""
    if translated.sentences is None:
        return list(pairs), []
    from .align.sentences import sentence_pairs, split_lines

    reference_sentences = split_lines({seg.line: seg.text for seg in reference.segments}, reference.lang)
    units, unmatched = sentence_pairs(pairs, translated.sentences, reference_sentences, translated.sentence_mt)
    warnings = [f"{len(unmatched)} sentence(s) inside aligned paragraphs have no counterpart and are not scored: "
                + "; ".join(unmatched[:5]) + ("; …" if len(unmatched) > 5 else "")] if unmatched else []
    return units, warnings


def translate_and_align(translator: Translator | None, source: Document, reference: Document, unit: str, *,
                        aligner: Aligner | None = None, cache=None, progress: Progress | None = None,
                        seconds: dict[str, float], strict: bool = False) -> tuple[Translated, Alignment]:
    """The first half of check and audit: the MT of the source (when there is an engine) and the
    alignment it guides; ``seconds`` gets the time of each. No aligned line at all is bad input."""
    aligner = aligner or DynamicProgrammingAligner()
    check_size = getattr(aligner, "check_size", None)
    if check_size is not None:
        check_size(source, reference)
    started = time.perf_counter()
    translated = translate_for_unit(translator, source, reference.lang, unit, progress, strict)
    seconds["translate"] = round(time.perf_counter() - started, 3)
    announce(progress, "aligning")
    started = time.perf_counter()
    alignment = align_cached(aligner, source, reference, translated.paragraphs, cache)
    seconds["align"] = round(time.perf_counter() - started, 3)
    if not alignment.pairs:
        raise InputError(
            f"no line of {source.path} could be aligned with {reference.path}; check that the reference is a "
            "translation of the source" + (" (and the engine translates into its language)" if translator else "")
        )
    return translated, alignment


def check_direction(
    source: Document,
    reference: Document,
    translator: Translator,
    metric_names: Sequence[str],
    *,
    aligner: Aligner | None = None,
    comet_model: str | None = None,
    comet_batch_size: int = 16,
    comet_gpus: int | None = None,
    explicit_metrics: Sequence[str] = (),
    progress: Progress | None = None,
    cache=None,
    comet_precision: str = "fp32",
    qe_model: str | None = None,
    unit: str = "paragraph",
    strict: bool = False,
) -> tuple[DirectionReport, list[str]]:
    """Translate ``source`` into the reference's language, align, and score the aligned pairs.

    Returns the report and the MT of every source segment (for --save-translation)."""
    seconds: dict[str, float] = {}
    translated, alignment = translate_and_align(translator, source, reference, unit, aligner=aligner, cache=cache,
                                                progress=progress, seconds=seconds, strict=strict)
    translations = translated.paragraphs
    units, unit_warnings = scoring_units(alignment.pairs, reference, translated)
    warnings = translated.warnings + unit_warnings + cache_warnings(translator)
    triples = [TranslationTriple(u.source, u.hypothesis or "", u.reference) for u in units]
    results, skipped, metric_seconds = score_triples(
        triples, metric_names, tgt_lang=reference.lang, comet_model=comet_model,
        comet_batch_size=comet_batch_size, comet_gpus=comet_gpus, explicit=explicit_metrics, progress=progress,
        cache=cache, comet_precision=comet_precision, qe_model=qe_model,
    )
    seconds.update(metric_seconds)
    segments = _segments(triples, results, units)
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
        warnings=warnings + _metric_warnings(results, segments),
        seconds=seconds,
        unit=unit,
        translation_cache=translation_cache_summary(translator),
    )
    return report, translations


def score_lines(
    hypotheses: Sequence[str],
    references: Sequence[str] | None,
    sources: Sequence[str] | None,
    metric_names: Sequence[str],
    *,
    src_lang: str,
    tgt_lang: str,
    paths: tuple[str | None, str | None, str | None] = (None, None, None),
    comet_model: str | None = None,
    comet_batch_size: int = 16,
    comet_gpus: int | None = None,
    explicit_metrics: Sequence[str] = (),
    progress: Progress | None = None,
    cache=None,
    comet_precision: str = "fp32",
    qe_model: str | None = None,
) -> DirectionReport:
    """Score a line-parallel hypothesis against a reference (and source, for COMET), or with
    references=None against the source alone (reference-free metrics such as cometkiwi)."""
    from .documents import check_line_parallel

    for name, lines in ((paths[2] or "reference", references), (paths[0] or "source", sources)):
        if lines is not None:
            check_line_parallel(hypotheses, paths[1] or "hypothesis", lines, name)
    metric_names = list(metric_names)
    skipped: dict[str, str] = {}
    needs = {name: [what for what, given in (("--src", sources is not None), ("--ref", references is not None))
                    if not given and (what == "--src" and name in NEURAL_METRICS
                                      or what == "--ref" and name not in REFERENCE_FREE_METRICS)]
             for name in metric_names}
    for name, missing in needs.items():
        if not missing:
            continue
        reason = f"{label(name)} needs {' and '.join(missing)}"
        if name in explicit_metrics:
            hint = "; without a reference score with --metrics cometkiwi (quality estimation)" if "--ref" in missing else ""
            raise InputError(f"{reason}: pass {' and '.join(m + ' FILE' for m in missing)} (line-parallel with --hyp){hint}")
        metric_names.remove(name)
        skipped[name] = f"no {' or '.join(missing)} given; {reason}"
    if not metric_names:
        raise InputError("nothing to score: " + "; ".join(skipped.values()))
    triples = [
        TranslationTriple(sources[i] if sources is not None else "", h, references[i] if references is not None else None)
        for i, h in enumerate(hypotheses)
    ]
    results, more_skipped, seconds = score_triples(
        triples, metric_names, tgt_lang=tgt_lang, comet_model=comet_model,
        comet_batch_size=comet_batch_size, comet_gpus=comet_gpus, explicit=explicit_metrics, progress=progress,
        cache=cache, comet_precision=comet_precision, qe_model=qe_model,
    )
    skipped.update(more_skipped)
    lines = [SimpleNamespace(source_lines=(i,), reference_lines=(i,)) for i in range(1, len(triples) + 1)]
    segments = _segments(triples, results, lines)
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
        warnings=_metric_warnings(results, segments),
        seconds=seconds,
    )


def plan_directions(first: Document, second: Document, direction: str | None,
                    default_both: bool = False) -> list[tuple[Document, Document]]:
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
