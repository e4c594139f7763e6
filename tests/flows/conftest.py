"""Fixtures for real Prefect flow runs (the Prefect environment is set in tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.flows.helpers import TEST_CONFIG


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(TEST_CONFIG))
    return path
