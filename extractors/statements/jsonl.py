"""Reading units in the gold file format (JSON lines), so the CLI stays a thin wrapper."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Iterable, Iterator

from .schema import TextUnit


def unit_from_dict(obj: dict[str, Any]) -> TextUnit:
    """A gold-format object -> TextUnit; "date" is parsed, unknown keys (statements, url) ignored."""
    raw = obj.get("date") or None
    day = dt.date.fromisoformat(str(raw)[:10]) if raw else None
    return TextUnit(
        text=str(obj.get("text") or ""),
        date=day,
        source_country=str(obj.get("source_country") or ""),
        speaker=str(obj.get("speaker") or ""),
        speaker_role=str(obj.get("speaker_role") or ""),
        id=str(obj.get("id") or ""),
        title=str(obj.get("title") or ""),
    )


def units_from_jsonl(lines: Iterable[str]) -> Iterator[TextUnit]:
    """Units from JSON lines (blank lines skipped), e.g. ``units_from_jsonl(open(path))``."""
    for line in lines:
        if line.strip():
            yield unit_from_dict(json.loads(line))
