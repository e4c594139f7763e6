"""Offline-by-default environment for Prefect, set before Prefect is imported.

Prefect reads its settings from the environment at import time, so this
module must not import Prefect itself. It turns telemetry off and gives
Prefect a project-owned home (its SQLite database, logs and profiles) instead
of ~/.prefect, unless the operator already chose one.
"""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE_ROOT = Path(__file__).resolve().parent.parent


def project_root() -> Path | None:
    """The source checkout this package runs from (editable install), if any."""
    return _PACKAGE_ROOT if (_PACKAGE_ROOT / "pyproject.toml").exists() else None


def default_prefect_home() -> Path:
    """<checkout>/.prefect for a source checkout, else ~/.local/share/stancewatch/prefect."""
    root = project_root()
    if root is not None:
        return root / ".prefect"
    return Path.home() / ".local" / "share" / "stancewatch" / "prefect"


def configure() -> None:
    """Set the offline environment (idempotent; explicit settings win)."""
    os.environ["DO_NOT_TRACK"] = "1"
    os.environ["PREFECT_SERVER_ANALYTICS_ENABLED"] = "false"
    os.environ.setdefault("PREFECT_HOME", str(default_prefect_home()))
    # The temporary local API server can take longer than Prefect's 20 s to
    # start on a busy 2-core machine; a night should wait, not fail.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")


configure()
