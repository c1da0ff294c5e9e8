"""The versioned JSON report. ``schema_version`` changes only when a field changes meaning.

Written atomically; read back as a baseline or for ``tqcheck compare``, where a file that does
not parse, or is not a tqcheck report, is an error (never a pass)."""

from __future__ import annotations

import json
import math
from dataclasses import asdict
from typing import Any

from .._version import __version__
from ..atomic import write_text_atomic
from ..errors import InputError
from ..metrics.base import MetricResult
from .model import SCHEMA_VERSION, DirectionReport, DocumentReport, Report, SegmentResult


def _direction(d: DirectionReport) -> dict[str, Any]:
    alignment = None
    if d.alignment is not None:
        alignment = {
            "pairs": len(d.alignment.pairs),
            "beads": d.alignment.bead_counts(),
            "source_lines": d.source_line_count,
            "reference_lines": d.reference_line_count,
            "unmatched": [asdict(u) for u in d.alignment.unmatched],
        }
    worst_by, worst = d.worst_segments(5)
    return {
        "direction": d.direction,
        "src_lang": d.src_lang,
        "tgt_lang": d.tgt_lang,
        "source": d.source_path,
        "reference": d.reference_path,
        "hypothesis": d.hypothesis_path,
        "engine": asdict(d.engine) if d.engine else None,
        "translation_cache": d.translation_cache,
        "engine_usage": d.engine_usage,
        **({"cluster": d.cluster} if d.cluster is not None else {}),
        "scores": _scores(d.metrics),
        "skipped_metrics": d.skipped_metrics,
        "alignment": alignment,
        "worst_segments": {"by": worst_by, "indices": worst},
        "segments": [
            {
                "source_lines": list(s.source_lines),
                "reference_lines": list(s.reference_lines),
                "source": s.source,
                "hypothesis": s.hypothesis,
                "reference": s.reference,
                "scores": s.scores,
                **({"document": s.document} if s.document is not None else {}),
                **({"error_spans": s.error_spans} if s.error_spans else {}),
                **(
                    {"source_sentences": list(s.source_sentences), "reference_sentences": list(s.reference_sentences)}
                    if s.source_sentences or s.reference_sentences
                    else {}
                ),
            }
            for s in d.segments
        ],
        "warnings": d.warnings,
        "seconds": d.seconds,
        "unit": d.unit,
        **(
            {"documents": [_document(doc) for doc in d.documents], "unpaired_files": d.unpaired_files}
            if d.documents is not None
            else {}
        ),
    }


def _scores(metrics: list[MetricResult]) -> dict[str, Any]:
    return {
        m.name: {
            "score": m.score,
            "signature": m.signature,
            "higher_is_better": m.higher_is_better,
            "details": _details(m),
        }
        for m in metrics
    }


def _document(doc: DocumentReport) -> dict[str, Any]:
    """One document pair of a corpus: its segments are the direction's ``segments[first:end]``."""
    return {
        "name": doc.name,
        "source": doc.source_path,
        "reference": doc.reference_path,
        "format": doc.format,
        "segments": {"count": doc.segment_count, "first": doc.first_segment, "end": doc.end_segment},
        "alignment": {
            "pairs": doc.aligned_pairs,
            "beads": doc.beads,
            "source_lines": doc.source_line_count,
            "reference_lines": doc.reference_line_count,
            "source_segments": doc.source_segments,
            "reference_segments": doc.reference_segments,
            "unmatched": [asdict(u) for u in doc.unmatched],
        },
        "skipped_entries": doc.skipped_entries,
        "scores": _scores(doc.metrics),
        "not_scored": doc.not_scored,
        "warnings": doc.warnings,
    }


def _number(value: float | None) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value


def gate_to_dict(gate) -> dict[str, Any]:
    return {
        "passed": gate.passed,
        "baseline": gate.baseline,
        "significance": (
            {"test": gate.test, "samples": gate.samples, "alpha": gate.alpha, "resample": gate.resample or "segments"}
            if gate.test
            else None
        ),
        "checks": [
            {
                "direction": c.direction,
                "metric": c.metric,
                "kind": c.kind,
                "passed": c.passed,
                "value": _number(c.value),
                "threshold" if c.kind != "max_drop" else "margin": c.limit,
                **(
                    {
                        "baseline": c.baseline,
                        "delta": c.delta,
                        "p_value": c.p_value,
                        "ci95": {"mean": c.ci[0], "half_width": c.ci[1]} if c.ci else None,
                        "baseline_ci95": {"mean": c.baseline_ci[0], "half_width": c.baseline_ci[1]}
                        if c.baseline_ci
                        else None,
                        "margin_source": c.margin_source,
                        "paired_segments": c.segments,
                    }
                    if c.kind == "max_drop"
                    else {}
                ),
                "reason": c.reason,
                **({"document": c.document} if c.document is not None else {}),
            }
            for c in gate.checks
        ],
        "notes": gate.notes,
    }


def report_to_dict(report: Report) -> dict[str, Any]:
    return {
        "schema_version": report.schema_version,
        "tool": {"name": "tqcheck", "version": report.tqcheck_version},
        "command": report.command,
        "created": report.created,
        "directions": [_direction(d) for d in report.directions],
        "gate": gate_to_dict(report.gate) if report.gate is not None else None,
    }


def _details(metric: MetricResult) -> dict[str, Any]:
    """A metric's details for the JSON; error spans go with their segments instead."""
    return {k: v for k, v in metric.details.items() if k != "error_spans"}


def write_json_report(report: Report, path: str) -> None:
    write_text_atomic(path, json.dumps(report_to_dict(report), ensure_ascii=False, indent=2) + "\n")


def _direction_from_dict(data: dict[str, Any]) -> DirectionReport:
    segments = [
        SegmentResult(
            source_lines=tuple(s["source_lines"]),
            reference_lines=tuple(s["reference_lines"]),
            source=s["source"],
            hypothesis=s["hypothesis"],
            reference=s["reference"],
            scores={k: float(v) for k, v in s["scores"].items()},
            error_spans=s.get("error_spans") or {},
            source_sentences=tuple(s.get("source_sentences") or ()),
            reference_sentences=tuple(s.get("reference_sentences") or ()),
            document=s.get("document"),
        )
        for s in data["segments"]
    ]
    metrics = [
        MetricResult(
            name=name,
            score=float(m["score"]),
            signature=m["signature"],
            segment_scores=[s.scores[name] for s in segments],
            higher_is_better=bool(m["higher_is_better"]),
            details=m.get("details") or {},
        )
        for name, m in data["scores"].items()
    ]
    return DirectionReport(
        src_lang=data["src_lang"],
        tgt_lang=data["tgt_lang"],
        source_path=data["source"],
        reference_path=data["reference"],
        hypothesis_path=data.get("hypothesis"),
        engine=None,
        metrics=metrics,
        segments=segments,
        skipped_metrics=data.get("skipped_metrics") or {},
        warnings=data.get("warnings") or [],
        seconds=data.get("seconds") or {},
        unit=data.get("unit", "paragraph"),
        documents=[_document_from_dict(doc, segments) for doc in data["documents"]] if "documents" in data else None,
        unpaired_files=data.get("unpaired_files") or [],
    )


def _document_from_dict(data: dict[str, Any], segments: list[SegmentResult]) -> DocumentReport:
    first, end = int(data["segments"]["first"]), int(data["segments"]["end"])
    return DocumentReport(
        name=data["name"],
        source_path=data["source"],
        reference_path=data.get("reference"),
        format=data.get("format", "text"),
        first_segment=first,
        end_segment=end,
        metrics=[
            MetricResult(
                name=name,
                score=float(m["score"]),
                signature=m["signature"],
                segment_scores=[s.scores[name] for s in segments[first:end]],
                higher_is_better=bool(m["higher_is_better"]),
            )
            for name, m in data["scores"].items()
        ],
        aligned_pairs=int(data["alignment"]["pairs"]),
        skipped_entries=data.get("skipped_entries") or {},
        warnings=data.get("warnings") or [],
        not_scored=data.get("not_scored"),
    )


def read_json_report(path: str, role: str = "report") -> Report:
    """Read a report written by ``--json``. Anything else is an InputError naming the fix."""
    from ..documents import read_text

    text = read_text(path)
    fix = "pass a report written by `tqcheck check --json` or `tqcheck score --json`"
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(
            f"{role} {path} is not valid JSON ({error.msg}: line {error.lineno}, column {error.colno}); {fix}"
        ) from None
    if isinstance(data, dict) and data.get("kind") == "audit":
        raise InputError(
            f"{role} {path} is a reference audit (tqcheck audit --json), which scores the reference, "
            f"not a translation; {fix}"
        )
    tool = data.get("tool") if isinstance(data, dict) else None
    if not isinstance(tool, dict) or tool.get("name") != "tqcheck" or not isinstance(data.get("directions"), list):
        raise InputError(f"{role} {path} is not a tqcheck report; {fix}")
    version = data.get("schema_version")
    if version != SCHEMA_VERSION:
        raise InputError(
            f"{role} {path} has schema version {version}, this tqcheck reads version {SCHEMA_VERSION}; "
            "write it again with this version of tqcheck"
        )
    try:
        directions = [_direction_from_dict(d) for d in data["directions"]]
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise InputError(f"{role} {path} is incomplete or damaged ({type(error).__name__}: {error}); {fix}") from None
    return Report(
        command=data.get("command", "?"),
        tqcheck_version=data["tool"].get("version", "?"),
        created=data.get("created", "?"),
        directions=directions,
    )


def comparison_to_dict(comparison) -> dict[str, Any]:
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "tqcheck", "version": __version__},
        "command": "compare",
        "systems": comparison.names,
        "baseline": comparison.names[0],
        "significance": {"test": comparison.test, "samples": comparison.samples, "alpha": comparison.alpha},
        "comparisons": [
            {
                "direction": r.direction,
                "metric": r.metric,
                "higher_is_better": r.higher_is_better,
                "paired_segments": r.segments,
                "winner": r.winner,
                "runner_up": r.runner_up,
                "winner_p_value": r.winner_p_value,
                "clear_winner": r.clear_winner(comparison.alpha),
                "no_difference": r.no_difference,
                "systems": [
                    {
                        "name": s.name,
                        "score": s.score,
                        "ci95": {"mean": s.ci[0], "half_width": s.ci[1]},
                        "delta": s.delta,
                        "p_value": s.p_value,
                    }
                    for s in r.systems
                ],
            }
            for r in comparison.rows
        ],
        "notes": comparison.notes,
    }
