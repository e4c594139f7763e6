"""`stancewatch report`: one self-contained HTML page an analyst reads at a glance.

It holds stance timelines per actor and topic with the shifts marked, a
table of the keys it does not chart (one day of statements is still a
position), the latest shifts with the quotes on both sides, and per-source
health. The page
is built from the published (read-only) copy of the warehouse, carries its
own CSS and inline SVG, and loads nothing: it opens offline and prints.

    from stancewatch.report import build_report
    build_report(Path("stancewatch.published.duckdb"), Path("report.html"))

Modules: `data` reads the warehouse, `charts` draws the SVG, `render` lays out
the page, `markup` is the escaping boundary for text that came from the web.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from stancewatch.report.data import ReportData, load_report_data
from stancewatch.report.render import render_page

__all__ = ["ReportData", "build_report", "load_report_data", "render_page"]


def build_report(
    db: Path,
    out: Path,
    since: date | str | None = None,
    actors: list[str] | None = None,
    *,
    max_charts: int = 60,
    max_shifts: int = 50,
    max_keys: int = 500,
) -> Path:
    """Write the report for warehouse `db` (its published copy is read) to `out`; returns `out`.

    `since` (a date or 'YYYY-MM-DD') limits the timelines and shifts to that day
    onwards, `actors` to those actors; source health always covers every source.
    At most `max_charts` timelines (the most active keys) and the latest
    `max_shifts` shifts are shown; every other key with records in the period
    (a single day's statements, or beyond the charts) is listed in a table, up
    to `max_keys`; the page says how many were left out.
    The file is written under a temporary name and renamed, so a browser
    never sees half a page.
    """
    data = load_report_data(
        Path(db), _as_date(since), actors, max_charts=max_charts, max_shifts=max_shifts, max_keys=max_keys
    )
    return write_atomically(Path(out), render_page(data))


def _as_date(since: date | str | None) -> date | None:
    """Accept a date or an ISO string (what the command line hands over)."""
    if since is None or isinstance(since, date):
        return since
    try:
        return date.fromisoformat(since)
    except ValueError:
        raise ValueError(f"since must be a date like 2022-03-01, got {since!r}") from None


def write_atomically(out: Path, text: str) -> Path:
    """Write `text` to `out` through a temporary file in the same folder and a rename."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, out)
    return out
