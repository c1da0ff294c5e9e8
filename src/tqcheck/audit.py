"""Audit the reference itself: is the human translation we score against any good?

Every other metric trusts the reference. Here the reference is scored as a translation of the
source with a quality-estimation model (cometkiwi), next to the MT scored the same way, and
compared with the MT by chrF. A reference segment is suspicious when its QE is low for this
document, or when the machine translation of the same source scores far above it.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from .align import AlignedPair, Aligner, Alignment
from .align.base import place
from .documents import Document
from .errors import InputError
from .metrics import MetricResult, TranslationTriple
from .metrics.comet_metric import CometMetric
from .pipeline import Progress, announce, scoring_units, translate_and_align
from .translate import Translator
from .translate.base import EngineInfo

# How many (robust) standard deviations from the document's typical segment a signal must be to be named a reason.
REASON_Z = 2.0
# The least spread assumed, so a reason needs at least twice this difference from the median:
# 0.05 on COMET's 0-1 scale for QE (segment-level QE is far noisier than the 0.0056 that separates
# systems), 10 chrF points for the distance from the MT.
QE_LEAST_SPREAD = 0.025
CHRF_LEAST_SPREAD = 5.0


@dataclass(frozen=True)
class AuditSegment:
    source_lines: tuple[int, ...]
    reference_lines: tuple[int, ...]
    source: str
    reference: str
    mt: str | None
    reference_qe: float
    mt_qe: float | None
    chrf_vs_mt: float | None  # sentence chrF of the reference against the MT, 0-100
    suspicion: float  # higher: more likely a bad reference (a z-score, see audit_reference)
    reasons: tuple[str, ...]
    error_spans: tuple[dict, ...] = ()  # in the reference, when the QE model is an XCOMET
    source_sentences: tuple[str, ...] = ()  # --unit sentence: "LINE.K" ids
    reference_sentences: tuple[str, ...] = ()

    def where(self) -> str:
        """For people: 3↔4 by paragraph, 3.1↔4.1,4.2 by sentence."""
        return place(self.source_lines, self.reference_lines, self.source_sentences, self.reference_sentences)


@dataclass
class AuditReport:
    src_lang: str
    tgt_lang: str
    source_path: str | None
    reference_path: str | None
    engine: EngineInfo | None
    reference_qe: MetricResult
    mt_qe: MetricResult | None
    chrf_signature: str | None
    alignment: Alignment
    segments: list[AuditSegment]
    warnings: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)
    unit: str = "paragraph"

    @property
    def direction(self) -> str:
        return f"{self.src_lang}-{self.tgt_lang}"

    def most_suspicious(self, count: int) -> list[int]:
        """Indices of the ``count`` most suspicious reference segments, most suspicious first."""
        return sorted(range(len(self.segments)), key=lambda k: (-self.segments[k].suspicion, k))[:count]


def _standardise(values: Sequence[float], least_spread: float) -> list[float]:
    """Robust z-scores within the document: distance from the median in units of the median absolute
    deviation (scaled to a standard deviation), so that one very bad segment does not hide a second.
    The spread is at least ``least_spread``, so that differences too small to matter never count as
    outliers, however uniform the rest of the document is."""
    if len(values) < 2:
        return [0.0] * len(values)
    centre = statistics.median(values)
    spread = max(1.4826 * statistics.median(abs(v - centre) for v in values), least_spread)
    return [(v - centre) / spread for v in values]


def rank_suspicion(
    reference_qe: Sequence[float], mt_qe: Sequence[float] | None, chrf_vs_mt: Sequence[float] | None
) -> list[tuple[float, tuple[str, ...]]]:
    """Per segment: a suspicion score and the reasons behind it.

    The score is the largest of three robust z-scores: how far the reference's QE is below the
    document's median; how far the MT's lead over the reference (MT QE − reference QE) is above its
    median; and how far the reference's chrF against the MT is below its median (a reference that shares little with a
    literal MT of its source is a free translation, a wrong one, or misaligned)."""
    low = [-z for z in _standardise(reference_qe, QE_LEAST_SPREAD)]
    gaps = [m - r for m, r in zip(mt_qe, reference_qe)] if mt_qe is not None else None
    lead = _standardise(gaps, QE_LEAST_SPREAD) if gaps is not None else [0.0] * len(reference_qe)
    far = (
        [-z for z in _standardise(chrf_vs_mt, CHRF_LEAST_SPREAD)]
        if chrf_vs_mt is not None
        else [0.0] * len(reference_qe)
    )
    median = statistics.median(reference_qe) if reference_qe else 0.0
    ranked = []
    for k, qe in enumerate(reference_qe):
        reasons = []
        if low[k] >= REASON_Z:
            reasons.append(f"low QE for this document ({qe:.4f}; median {median:.4f})")
        if gaps is not None and lead[k] >= REASON_Z and gaps[k] > 0:
            reasons.append(f"the MT scores {gaps[k]:.4f} above the reference")
        if chrf_vs_mt is not None and far[k] >= REASON_Z:
            reasons.append(
                f"far from the MT (chrF {chrf_vs_mt[k]:.1f}): a free or wrong translation, or a misalignment"
            )
        ranked.append((max(low[k], lead[k], far[k]), tuple(reasons)))
    return ranked


ORPHAN_REASON = "the aligner left this pair unmatched: the reference does not read as a translation of its source"


def sandwiched_orphans(
    alignment: Alignment, source: Document, reference: Document, translations: Sequence[str] | None
) -> list[AlignedPair]:
    """Pairs the aligner refused but the document order implies: exactly one unmatched source line
    and one unmatched reference line in the same gap between aligned pairs. The checker leaves them
    out (a bad pair would distort the scores); the audit looks at them, since a reference too poor to
    align is exactly what it is for."""
    anchors = [(0, 0)] + [(max(p.source_lines), max(p.reference_lines)) for p in alignment.pairs]
    anchors.append((source.line_count + 1, reference.line_count + 1))
    mt_by_line = dict(zip((seg.line for seg in source.segments), translations)) if translations is not None else {}
    orphans = []
    for (src_low, ref_low), (src_high, ref_high) in zip(anchors, anchors[1:]):
        src = [u for u in alignment.unmatched_on("source") if src_low < u.line < src_high]
        ref = [u for u in alignment.unmatched_on("reference") if ref_low < u.line < ref_high]
        if len(src) == 1 and len(ref) == 1:
            orphans.append(
                AlignedPair(
                    source_lines=(src[0].line,),
                    reference_lines=(ref[0].line,),
                    source=src[0].text,
                    hypothesis=mt_by_line.get(src[0].line),
                    reference=ref[0].text,
                    similarity=0.0,
                    margin=0.0,
                )
            )
    return orphans


def audit_reference(
    source: Document,
    reference: Document,
    qe_metric: CometMetric,
    translator: Translator | None = None,
    *,
    aligner: Aligner | None = None,
    cache=None,
    progress: Progress | None = None,
    unit: str = "paragraph",
) -> AuditReport:
    """Align source and reference (with the MT when there is an engine), then score each aligned
    reference segment (or, by sentence, each sentence pair inside the aligned pairs) as a
    translation of its source with the QE metric, and the MT likewise."""
    if not qe_metric.reference_free:
        raise InputError("the audit needs a reference-free (quality-estimation) metric")
    seconds: dict[str, float] = {}
    translated, alignment = translate_and_align(
        translator, source, reference, unit, aligner=aligner, cache=cache, progress=progress, seconds=seconds
    )
    translations = translated.paragraphs
    orphans = sandwiched_orphans(alignment, source, reference, translations)
    pairs = sorted([*alignment.pairs, *orphans], key=lambda p: p.source_lines)
    paired = {("source", p.source_lines[0]) for p in orphans} | {("reference", p.reference_lines[0]) for p in orphans}
    alignment = Alignment(pairs=pairs, unmatched=[u for u in alignment.unmatched if (u.side, u.line) not in paired])
    units, unit_warnings = scoring_units(pairs, reference, translated)
    warnings = translated.warnings + unit_warnings
    orphan_lines = {p.source_lines for p in orphans}
    announce(progress, f"scoring the reference with {qe_metric.model_name}")
    started = time.perf_counter()
    reference_qe = qe_metric.score([TranslationTriple(p.source, p.reference, None) for p in units])
    mt_qe = chrf = None
    chrf_scores = None
    if translations is not None:
        announce(progress, f"scoring the MT with {qe_metric.model_name}")
        mt_qe = qe_metric.score([TranslationTriple(p.source, p.hypothesis or "", None) for p in units])
        from sacrebleu.metrics import CHRF

        chrf = CHRF()
        chrf_scores = [chrf.sentence_score(p.reference, [p.hypothesis or ""]).score for p in units]
    seconds["qe"] = round(time.perf_counter() - started, 3)
    ranked = rank_suspicion(reference_qe.segment_scores, mt_qe.segment_scores if mt_qe else None, chrf_scores)
    spans = reference_qe.details.get("error_spans") or [[] for _ in units]
    orphan = [p.source_lines in orphan_lines for p in units]
    segments = [
        AuditSegment(
            source_lines=p.source_lines,
            reference_lines=p.reference_lines,
            source=p.source,
            reference=p.reference,
            source_sentences=p.source_sentences,
            reference_sentences=p.reference_sentences,
            mt=p.hypothesis if translations is not None else None,
            reference_qe=reference_qe.segment_scores[k],
            mt_qe=mt_qe.segment_scores[k] if mt_qe else None,
            chrf_vs_mt=chrf_scores[k] if chrf_scores else None,
            suspicion=max(ranked[k][0], REASON_Z) if orphan[k] else ranked[k][0],
            error_spans=tuple(spans[k]),
            reasons=(ORPHAN_REASON, *ranked[k][1]) if orphan[k] else ranked[k][1],
        )
        for k, p in enumerate(units)
    ]
    if reference_qe.details.get("licence_note"):
        warnings.append(reference_qe.details["licence_note"])
    return AuditReport(
        src_lang=source.lang,
        tgt_lang=reference.lang,
        source_path=source.path,
        reference_path=reference.path,
        engine=translator.info(source.lang, reference.lang) if translator is not None else None,
        reference_qe=reference_qe,
        mt_qe=mt_qe,
        chrf_signature=str(chrf.get_signature()) if chrf else None,
        alignment=alignment,
        segments=segments,
        warnings=warnings,
        seconds=seconds,
        unit=unit,
    )
