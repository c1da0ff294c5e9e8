"""tqcheck: check a translation against its source with MT, alignment, sacrebleu and COMET.

The library API (the CLI is a thin layer over it)::

    from tqcheck import load_document, create_translator, check_direction

Names are imported on first use (PEP 562), so ``tqcheck --help`` and a refusal of bad input do not
pay for numpy, the aligner or the report model.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__

_WHERE = {
    "Document": "documents",
    "Segment": "documents",
    "load_document": "documents",
    "EngineError": "errors",
    "InputError": "errors",
    "ModelUnavailableError": "errors",
    "TqcheckError": "errors",
    "check_direction": "pipeline",
    "new_report": "pipeline",
    "score_lines": "pipeline",
    "DirectionReport": "report.model",
    "Report": "report.model",
    "SegmentResult": "report.model",
    "Translator": "translate",
    "create_translator": "translate",
}

__all__ = [
    "DirectionReport",
    "Document",
    "EngineError",
    "InputError",
    "ModelUnavailableError",
    "Report",
    "Segment",
    "SegmentResult",
    "TqcheckError",
    "Translator",
    "__version__",
    "check_direction",
    "create_translator",
    "load_document",
    "new_report",
    "score_lines",
]

if TYPE_CHECKING:
    from .documents import Document, Segment, load_document
    from .errors import EngineError, InputError, ModelUnavailableError, TqcheckError
    from .pipeline import check_direction, new_report, score_lines
    from .report.model import DirectionReport, Report, SegmentResult
    from .translate import Translator, create_translator


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'tqcheck' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
    globals()[name] = value
    return value
