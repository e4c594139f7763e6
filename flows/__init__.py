"""Orchestration: Prefect flows that call into `domain`, `extractors` and `warehouse`.

Importing this package first sets the offline environment (no telemetry, a
project-owned PREFECT_HOME), because Prefect reads it at import time.
"""

import stancewatch.flows.offline  # noqa: F401  (side effect: environment before Prefect)
