"""tqcheck: check a translation against its source with MT, alignment, sacrebleu and COMET.

The library API (the CLI is a thin layer over it)::

    from tqcheck import load_document, create_translator, check_direction
"""

from ._version import __version__
from .documents import Document, Segment, load_document
from .errors import EngineError, InputError, ModelUnavailableError, TqcheckError
from .pipeline import check_direction, new_report, score_lines
from .report.model import DirectionReport, Report, SegmentResult
from .translate import Translator, create_translator

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
