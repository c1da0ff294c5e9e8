"""Reports: the plain-data model and its renderers (terminal, JSON)."""

from .model import SCHEMA_VERSION, DirectionReport, Report, SegmentResult

__all__ = ["SCHEMA_VERSION", "DirectionReport", "Report", "SegmentResult"]
