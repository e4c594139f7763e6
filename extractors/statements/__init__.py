"""Statement detector: who took what stance on whom or what (shared/docs/statements.md).

Public surface::

    from extractors.statements import Detector, TextUnit, Statement, DETECTOR_VERSION, get_detector
    statements = get_detector().detect(TextUnit(text, date=..., source_country="CHN"))
"""
from .pipeline import DETECTOR_VERSION, Detector, get_detector
from .schema import Statement, TextUnit

__all__ = ["DETECTOR_VERSION", "Detector", "Statement", "TextUnit", "get_detector"]
