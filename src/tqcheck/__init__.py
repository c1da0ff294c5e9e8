"""tqcheck: check a translation against its source with MT, alignment, sacrebleu and COMET.

The library API (the CLI is a thin layer over it)::

    from tqcheck import load_document, create_translator, check_direction
"""

__version__ = "0.1.0"

from .documents import Document, Segment, load_document  # noqa: E402
from .errors import EngineError, InputError, ModelUnavailableError, TqcheckError  # noqa: E402
from .pipeline import check_direction, new_report, score_lines  # noqa: E402
from .report.model import DirectionReport, Report, SegmentResult  # noqa: E402
from .translate import Translator, create_translator  # noqa: E402

__all__ = [
    "DirectionReport", "Document", "EngineError", "InputError", "ModelUnavailableError", "Report", "Segment",
    "SegmentResult", "TqcheckError", "Translator", "__version__", "check_direction", "create_translator",
    "load_document", "new_report", "score_lines",
]
