"""Reading units in the gold file format (JSON lines), so the CLI stays a thin wrapper.

A line that is not a unit is an error naming the file and the line
(`UnitsFileError`), never a traceback: `stancewatch detect` and `eval` are
pointed at hand-made files, and the person who made one needs to know which
line to fix.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any, Iterable, Iterator

from .schema import TextUnit


class UnitsFileError(ValueError):
    """A JSON-lines file that cannot be read as units; the message names the file and line."""


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


def read_line(line: str, where: str, gold: bool = False) -> dict[str, Any]:
    """One JSON line as a unit object, checked: an object, with a `text` string and a readable
    `date`; a gold unit (`gold`) also needs its `statements` list. `where` is 'file:line'."""
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise UnitsFileError(f"{where}: not JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(obj, dict):
        raise UnitsFileError(f'{where}: expected a JSON object with a "text", got {type(obj).__name__}')
    if not isinstance(obj.get("text"), str):
        raise UnitsFileError(f'{where}: no "text" (each line is one unit: {{"id": ..., "text": ...}})')
    raw = obj.get("date")
    if raw:
        try:
            dt.date.fromisoformat(str(raw)[:10])
        except ValueError:
            raise UnitsFileError(f'{where}: "date" must be YYYY-MM-DD, got {raw!r}') from None
    if gold and not obj.get("id"):
        raise UnitsFileError(f'{where}: no "id" (a gold unit is scored by its id)')
    if gold and not isinstance(obj.get("statements"), list):
        raise UnitsFileError(f'{where}: no "statements" list (a gold unit lists its labelled statements, maybe [])')
    return obj


def objects_from_jsonl(lines: Iterable[str], name: str = "<input>", gold: bool = False) -> Iterator[dict[str, Any]]:
    """Checked unit objects from JSON lines (blank lines skipped); `name` is used in error messages."""
    for number, line in enumerate(lines, 1):
        if line.strip():
            yield read_line(line, f"{name}:{number}", gold)


def units_from_jsonl(lines: Iterable[str], name: str = "<input>") -> Iterator[TextUnit]:
    """Units from JSON lines (blank lines skipped), e.g. ``units_from_jsonl(open(path))``."""
    for obj in objects_from_jsonl(lines, name):
        yield unit_from_dict(obj)


def read_lines(path: str | Path) -> list[str]:
    """The lines of a JSON-lines file; a missing, unreadable or non-UTF-8 file is a UnitsFileError."""
    try:
        return Path(path).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise UnitsFileError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise UnitsFileError(f"{path}: is a folder, not a JSON-lines file") from None
    except UnicodeDecodeError as exc:
        raise UnitsFileError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise UnitsFileError(f"{path}: cannot be read ({exc.strerror})") from None
