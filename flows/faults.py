"""Fault injection at stage boundaries, for the crash tests (issue: nothing is lost).

Setting STANCEWATCH_CRASH_AT=<stage> makes the process die abruptly
(os._exit, no cleanup, no flush) when the flow reaches that boundary, as a
power cut or an OOM kill would. Unset, `checkpoint` does nothing.
"""

from __future__ import annotations

import os

STAGES = ("fetched", "extracted", "detected", "committed")


def checkpoint(stage: str) -> None:
    """Die here if the fault-injection variable names this stage."""
    if os.environ.get("STANCEWATCH_CRASH_AT") == stage:
        os._exit(86)
