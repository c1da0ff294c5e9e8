"""The versioned JSON report. ``schema_version`` changes only when a field changes meaning."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from ..atomic import write_text_atomic
from .model import DirectionReport, Report


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
        "scores": {
            m.name: {"score": m.score, "signature": m.signature, "higher_is_better": m.higher_is_better,
                     **({"details": m.details} if m.details else {})}
            for m in d.metrics
        },
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
            }
            for s in d.segments
        ],
        "warnings": d.warnings,
        "seconds": d.seconds,
    }


def report_to_dict(report: Report) -> dict[str, Any]:
    return {
        "schema_version": report.schema_version,
        "tool": {"name": "tqcheck", "version": report.tqcheck_version},
        "command": report.command,
        "created": report.created,
        "directions": [_direction(d) for d in report.directions],
    }


def write_json_report(report: Report, path: str) -> None:
    write_text_atomic(path, json.dumps(report_to_dict(report), ensure_ascii=False, indent=2) + "\n")
