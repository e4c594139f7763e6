"""Helpers for the statement detector tests (a uniquely named module: tests/ has no packages)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from stancewatch.extractors.statements import TextUnit

FIXTURES = Path(__file__).parent / "fixtures"
SHARED = Path(__file__).resolve().parents[3].parent / "shared"


def unit(
    text: str, *, day: str = "2021-06-01", country: str = "", speaker: str = "", role: str = "", uid: str = ""
) -> TextUnit:
    """A TextUnit with an ISO date string, for terse tests."""
    return TextUnit(text, dt.date.fromisoformat(day), country, speaker, role, uid)


def keys(statements) -> set[tuple[str, str, str]]:
    """(actor, stance, target) of each statement: what most grammar tests pin down."""
    return {(s.actor, s.stance, s.target) for s in statements}
