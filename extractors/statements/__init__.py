"""Statement detector: who took what stance on whom or what (shared/docs/statements.md).

Public surface::

    from stancewatch.extractors.statements import Detector, TextUnit, Statement, DETECTOR_VERSION, get_detector
    statements = get_detector().detect(TextUnit(text, date=..., source_country="CHN"))
"""

from typing import TYPE_CHECKING, Any

from .schema import Statement, TextUnit
from .version import DETECTOR_VERSION

__all__ = ["DETECTOR_VERSION", "Detector", "Statement", "TextUnit", "get_detector"]

if TYPE_CHECKING:
    from .pipeline import Detector, get_detector


def __getattr__(name: str) -> Any:
    """Detector and get_detector load spaCy: imported on first use, so the version and the
    records stay cheap to import (an unchanged night never loads spaCy)."""
    if name in ("Detector", "get_detector"):
        from . import pipeline

        return getattr(pipeline, name)
    raise AttributeError(name)
