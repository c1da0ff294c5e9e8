"""Check a corpus direction: every document translated and aligned in turn, then every segment of
every document scored in one pass of each metric (full COMET batches), pooled and per document.

Documents are read a chunk at a time; an engine whose segments are independent translates a whole
chunk in one call (full batches across documents), through the cache, which stores each finished
chunk, so an interrupted run resumes where it stopped. What is kept per document is its report.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..align import Aligner, GivenAlignment
from ..errors import InputError, UnusableTranslationError
from ..executor import cluster_summary, cluster_work, runner_for
from ..formats.bilingual import Columns
from ..metrics import Metric, MetricResult, ScoringSettings, TranslationTriple
from ..pipeline import align_many, scoring_units
from ..report.model import DirectionReport, DocumentReport
from ..scoring import load_libraries_while_engine_runs, metric_warnings, score_triples, segment_results
from ..translate import Translator
from ..translate.base import EngineInfo, TranslatorBase
from ..translation import Progress, announce, translate_for_unit
from .directions import CorpusDirection, LoadedPair, load_pairs

CHUNK_SEGMENTS = 512  # segments translated per engine call across documents


class _Served(TranslatorBase):
    """The engine, with the MT of a chunk of documents already made: each document's call is served
    from it (a text not in it, e.g. a sentence in sentence mode, goes to the engine)."""

    def __init__(self, inner: Translator, made: dict[str, str]) -> None:
        self.inner, self.made = inner, made
        self.name = inner.name
        self.translates_any_text = inner.translates_any_text
        self.independent_segments = inner.independent_segments
        self.reads_line_parallel_file = inner.reads_line_parallel_file

    def translate(self, texts, src_lang: str, tgt_lang: str, *, progress=None) -> list[str]:
        if all(text in self.made for text in texts):
            return [self.made[text] for text in texts]
        return self.inner.translate(texts, src_lang, tgt_lang, progress=progress)

    def translate_document(self, document, tgt_lang: str) -> list[str]:
        return self.inner.translate_document(document, tgt_lang)

    def info(self, src_lang: str, tgt_lang: str) -> EngineInfo:
        return self.inner.info(src_lang, tgt_lang)

    def take_usage(self):
        return self.inner.take_usage()


@dataclass
class _CacheTally:
    """Segments served from the translation cache and translated afresh, over every engine call."""

    hits: int = 0
    misses: int = 0
    not_cached: str | None = None
    seen: bool = False

    def add(self, translator: Translator) -> None:
        from ..translate.cached import CachedTranslator

        if isinstance(translator, CachedTranslator):
            self.seen = True
            self.hits += translator.hits
            self.misses += translator.misses
            self.not_cached = self.not_cached or translator.not_cached

    def summary(self) -> dict | None:
        if not self.seen:
            return None
        out: dict = {"from_cache": self.hits, "translated": self.misses}
        if self.not_cached:
            out["not_cached"] = self.not_cached
        return out


def _chunks(pairs: Iterator[LoadedPair], size: int) -> Iterator[list[LoadedPair]]:
    chunk: list[LoadedPair] = []
    count = 0
    for pair in pairs:
        chunk.append(pair)
        count += len(pair.source.segments)
        if count >= size:
            yield chunk
            chunk, count = [], 0
    if chunk:
        yield chunk


@dataclass
class _Collected:
    """What the scoring pass needs from every document, and each document's report so far."""

    triples: list[TranslationTriple] = field(default_factory=list)
    units: list = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    documents: list[DocumentReport] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=lambda: {"translate": 0.0, "align": 0.0})
    source_segments: int = 0
    off_target_segments: int = 0  # source segments of documents whose MT was not in the target language


@dataclass
class _Translated:
    """A document translated and waiting for its alignment."""

    pair: LoadedPair
    report: DocumentReport
    translated: Any
    aligner: Aligner
    seconds: float


def _translate_document(pair: LoadedPair, translator: Translator, collected: _Collected, *, aligner, unit, strict):
    """Translate one document for its alignment; one that cannot be aligned or whose MT is not in the
    target language is reported as not scored (the rest of the corpus still is) and gives None."""
    collected.source_segments += len(pair.source.segments)
    document = DocumentReport(
        name=pair.name,
        source_path=pair.source_path,
        reference_path=pair.reference_path,
        format=pair.format,
        first_segment=len(collected.triples),
        end_segment=len(collected.triples),
        source_line_count=pair.source.line_count,
        reference_line_count=pair.reference.line_count,
        source_segments=len(pair.source.segments),
        reference_segments=len(pair.reference.segments),
        skipped_entries=dict(pair.skipped_entries),
        warnings=[w for w in (pair.source.lang_warning, pair.reference.lang_warning) if w],
    )
    collected.documents.append(document)
    aligner = GivenAlignment() if pair.given_alignment else aligner
    try:
        aligner.check_size(pair.source, pair.reference)
    except InputError as error:
        document.not_scored = str(error)
        return None
    started = time.perf_counter()
    # an engine's error (a hypothesis file that does not fit) is the run's, not this document's; MT in
    # another language is this document's (a page of product names the engine leaves untranslated)
    try:
        translated = translate_for_unit(translator, pair.source, pair.reference.lang, unit, strict=strict)
    except UnusableTranslationError as error:
        document.not_scored = str(error)
        collected.off_target_segments += len(pair.source.segments)
        return None
    return _Translated(pair, document, translated, aligner, time.perf_counter() - started)


def _align_chunk(waiting: list[_Translated], collected: _Collected, *, cache, runner, progress=None) -> None:
    """Align the chunk's documents (as Ray tasks under --executor ray, one per document; bilingual
    files carry their alignment) and keep each one's scoring units, in document order."""
    started = time.perf_counter()
    alignments: dict[int, Any] = {}
    for given in (True, False):
        group = [k for k, item in enumerate(waiting) if isinstance(item.aligner, GivenAlignment) == given]
        if group:
            made = align_many(
                waiting[group[0]].aligner,
                [(waiting[k].pair.source, waiting[k].pair.reference, waiting[k].translated.paragraphs) for k in group],
                cache,
                runner=None if given else runner,
                done=None if given or progress is None else _aligned_so_far(progress, runner.name, started),
            )
            alignments.update(zip(group, made))
    collected.seconds["align"] += time.perf_counter() - started
    for k, item in enumerate(waiting):
        alignment, document = alignments[k], item.report
        if not alignment.pairs:
            document.not_scored = (
                f"{alignment.why_nothing_aligned()}; check that the reference is a translation of the source "
                "(and the engine translates into its language)"
            )
            continue
        collected.seconds["translate"] += item.seconds
        units, unit_warnings = scoring_units(alignment.pairs, item.pair.reference, item.translated)
        document.warnings += item.translated.warnings + unit_warnings
        document.aligned_pairs = len(alignment.pairs)
        document.beads = alignment.bead_counts()
        document.unmatched = list(alignment.unmatched)
        document.first_segment = len(collected.triples)
        collected.triples += [TranslationTriple(u.source, u.hypothesis or "", u.reference) for u in units]
        collected.units += units
        collected.names += [item.pair.name] * len(units)
        document.end_segment = len(collected.triples)


def _aligned_so_far(progress: Progress, where: str, started: float):
    def done(count: int, total: int) -> None:
        rate = count / max(time.perf_counter() - started, 1e-9)
        progress(f"aligning documents{' on Ray' if where == 'ray' else ''}: {count}/{total} ({rate:.1f}/s)")

    return done


def _prefetch(translator: Translator, chunk: list[LoadedPair], direction: CorpusDirection, unit: str, tally, progress):
    """One engine call for the whole chunk when segments are independent (and by paragraph);
    otherwise the engine as it is, called per document."""
    if unit != "paragraph" or not translator.independent_segments or translator.reads_line_parallel_file:
        return translator
    texts = list(dict.fromkeys(text for pair in chunk for text in pair.source.texts))
    what = f"translating {len(texts)} segments of {len(chunk)} document(s) with {translator.name}"
    announce(progress, what)
    started = time.perf_counter()

    def counted(done: int, total: int) -> None:  # the engine's own count: across the cluster on Ray
        assert progress is not None
        progress(f"{what}: {done}/{total} ({done / max(time.perf_counter() - started, 1e-9):.1f}/s)")

    made = translator.translate(
        texts, direction.src_lang, direction.tgt_lang, progress=counted if progress is not None else None
    )
    tally.add(translator)
    return _Served(translator, dict(zip(texts, made)))


def check_corpus(
    direction: CorpusDirection,
    translator: Translator,
    scoring: ScoringSettings | Sequence[str],
    *,
    columns: Columns | None = None,
    aligner: Aligner | None = None,
    cache=None,
    unit: str = "paragraph",
    strict: bool = False,
    progress: Progress | None = None,
    chunk_segments: int = CHUNK_SEGMENTS,
) -> DirectionReport:
    """Translate, align and score every document pair of ``direction``; the direction's metrics are
    the pooled scores (corpus BLEU/chrF/TER over all segments, COMET their mean), each document
    has its own."""
    scoring = ScoringSettings.of(scoring)
    if aligner is None:
        from ..align import DynamicProgrammingAligner

        aligner = DynamicProgrammingAligner()
    collected = _Collected()
    tally = _CacheTally()
    total = len(direction.pairs)
    pairs = load_pairs(direction, columns or Columns())
    runner = runner_for(scoring.executor, scoring.ray_address)
    sent_before = cluster_work()
    load_libraries_while_engine_runs(translator, scoring)
    for chunk in _chunks(pairs, chunk_segments):
        started = time.perf_counter()
        served = _prefetch(translator, chunk, direction, unit, tally, progress)
        collected.seconds["translate"] += time.perf_counter() - started
        waiting = []
        for pair in chunk:
            announce(progress, f"document {len(collected.documents) + 1}/{total}: {pair.name}")
            item = _translate_document(pair, served, collected, aligner=aligner, unit=unit, strict=strict)
            if item is not None:
                waiting.append(item)
            if served is translator:
                tally.add(translator)
        if waiting:
            announce(progress, f"aligning {len(waiting)} document(s)" + (" on Ray" if runner.name == "ray" else ""))
            _align_chunk(waiting, collected, cache=cache, runner=runner, progress=progress)
    if collected.off_target_segments * 2 > collected.source_segments:
        off = [doc for doc in collected.documents if doc.not_scored and "is not in" in doc.not_scored]
        raise UnusableTranslationError(
            f"the MT of {len(off)} of {len(collected.documents)} documents ({collected.off_target_segments} of "
            f"{collected.source_segments} source segments) is not in {direction.tgt_lang!r}; the first: "
            f"{off[0].name}: {off[0].not_scored}"
        )
    scored = [doc for doc in collected.documents if doc.not_scored is None and doc.segment_count]
    if not scored:
        reasons = "; ".join(f"{doc.name}: {doc.not_scored}" for doc in collected.documents[:3])
        raise InputError(f"no document of the corpus could be aligned ({reasons})")
    results, skipped, metric_seconds = score_triples(
        collected.triples,
        scoring,
        tgt_lang=direction.tgt_lang,
        progress=progress,
        cache=cache,
        on_scored=lambda metric, result: _document_scores(metric, result, scored),
    )
    segments = segment_results(collected.triples, results, collected.units, documents=collected.names)
    roots = (direction.plan.source_root, direction.plan.reference_root)
    if direction.pairs[0][1] and roots[1] is not None:
        roots = (roots[1], roots[0])
    return DirectionReport(
        src_lang=direction.src_lang,
        tgt_lang=direction.tgt_lang,
        source_path=roots[0],
        reference_path=roots[1],
        hypothesis_path=None,
        engine=translator.info(direction.src_lang, direction.tgt_lang),
        metrics=results,
        segments=segments,
        source_line_count=sum(doc.source_line_count for doc in collected.documents),
        reference_line_count=sum(doc.reference_line_count for doc in collected.documents),
        skipped_metrics=skipped,
        warnings=corpus_warnings(collected.documents, direction.plan.unpaired) + metric_warnings(results, segments),
        seconds={**{k: round(v, 3) for k, v in collected.seconds.items()}, **metric_seconds},
        unit=unit,
        translation_cache=tally.summary(),
        engine_usage=translator.take_usage(),
        cluster=cluster_summary(scoring.executor, scoring.ray_address, sent_before),
        documents=collected.documents,
        unpaired_files=list(direction.plan.unpaired),
    )


def _document_scores(metric: Metric, result: MetricResult, documents: list[DocumentReport]) -> None:
    """Each scored document's own system score, as a run on that document alone would give it."""
    scores = metric.group_scores(result, [(doc.first_segment, doc.end_segment) for doc in documents])
    for doc, score in zip(documents, scores):
        doc.metrics.append(
            MetricResult(
                name=result.name,
                score=score,
                signature=result.signature,
                segment_scores=result.segment_scores[doc.first_segment : doc.end_segment],
                higher_is_better=result.higher_is_better,
            )
        )


def corpus_warnings(documents: list[DocumentReport], unpaired: list[dict[str, str]]) -> list[str]:
    """What a reader of the pooled score must know: documents and files it does not cover."""
    warnings = []
    failed = [doc for doc in documents if doc.not_scored is not None]
    if failed:
        names = ", ".join(doc.name for doc in failed[:5]) + (", …" if len(failed) > 5 else "")
        warnings.append(
            f"{len(failed)} of {len(documents)} documents could not be scored (see each one: not aligned, or MT not in the target language) and are not in the pooled score: {names}"
        )
    if unpaired:
        names = ", ".join(f"{u['path']} ({u['side']} only)" for u in unpaired[:5]) + (
            ", …" if len(unpaired) > 5 else ""
        )
        warnings.append(f"{len(unpaired)} file(s) have no counterpart on the other side and are not scored: {names}")
    with_warnings = [doc for doc in documents if doc.warnings]
    if with_warnings:
        warnings.append(
            f"{len(with_warnings)} document(s) have warnings of their own (see each document): "
            + "; ".join(f"{doc.name}: {doc.warnings[0]}" for doc in with_warnings[:3])
        )
    return warnings
