"""The run summary, as a Prefect markdown artifact and as a printed table.

Both render the same dict (from `warehouse.runs.run_summary`, plus the
night's totals from `warehouse.runs.night_summary` for a nightly run), so
what the operator sees in the Prefect UI and in the terminal never disagree.
A nightly run's table has two columns: this run's own figures, and the
night's totals over all its runs so far; a second run of a night that found
nothing new says so instead of repeating the first run's figures.
"""

from __future__ import annotations

import html
from typing import Any

from rich.console import Console
from rich.table import Table

#: (key in the summary dict, label) in display order.
COUNTS: list[tuple[str, str]] = [
    ("feeds_ok", "feeds ok"),
    ("feeds_not_modified", "feeds not modified"),
    ("feeds_failed", "feeds failed"),
    ("new_articles", "new articles"),
    ("duplicate_articles", "duplicate articles"),
    ("failed_articles", "failed articles"),
    ("articles_reprocessed", "articles re-read"),
    ("new_statements", "new statements"),
    ("new_shifts", "new stance shifts"),
    ("alerts_sent", "alert emails sent"),
    ("alerts_queued", "alert emails still queued"),
]
MAX_ERRORS_SHOWN = 50


def _md_cell(value: Any) -> str:
    """A table cell: text from the web is escaped, so the artifact renders it, never runs it."""
    text = html.escape(str(value if value is not None else ""), quote=False)
    return text.replace("|", "\\|").replace("\n", " ")


def title(summary: dict[str, Any]) -> str:
    """'stancewatch night 2026-12-04 · run 2026-12-04.2 (resumed, attempt 2)'; a reprocess run by its id."""
    if not summary.get("night"):
        return f"stancewatch run {summary['run_id']}"
    resumed = f" (resumed, attempt {summary['attempt']})" if summary.get("attempt", 1) > 1 else ""
    return f"stancewatch night {summary['night']} · run {summary['run_id']}{resumed}"


def _columns(summary: dict[str, Any]) -> tuple[list[str], list[tuple[str, list[Any]]]]:
    """Column headings and (label, values) rows: this run, and the night's totals when known."""
    night = summary.get("night_totals")
    heads = ["this run"]
    if night:
        heads.append(f"night {night['night']} ({night['runs']} run{'s' if night['runs'] != 1 else ''})")
    rows = []
    for key, label in COUNTS:
        if key not in summary:
            continue
        values = [summary[key]]
        if night:
            values.append(night.get(key, summary[key]))  # the queue is one, whatever the run
        rows.append((label, values))
    return heads, rows


def notes(summary: dict[str, Any]) -> list[str]:
    """Lines the operator must not miss (nobody told of a shift), for the artifact and the terminal."""
    return [summary["alerts_note"]] if summary.get("alerts_note") else []


def to_markdown(summary: dict[str, Any]) -> str:
    """Markdown for the Prefect artifact."""
    heads, rows = _columns(summary)
    lines = [f"# {_md_cell(title(summary))}", "", "| | " + " | ".join(heads) + " |", "|---|" + "---:|" * len(heads)]
    lines += [f"| {label} | " + " | ".join(str(v) for v in values) + " |" for label, values in rows]
    lines += [f"\n**Warning:** {_md_cell(note)}" for note in notes(summary)]
    errors = summary.get("errors") or []
    if errors:
        lines += ["", f"## Failures ({len(errors)})", "", "| what | source | url | reason |", "|---|---|---|---|"]
        lines += [
            f"| {e['what']} | {_md_cell(e['source'])} | {_md_cell(e['url'])} | {_md_cell(e['reason'])} |"
            for e in errors[:MAX_ERRORS_SHOWN]
        ]
    for name in summary.get("failing_sources") or []:
        lines.append(f"\n**Failing for {name['nights']} nights in a row:** {_md_cell(name['source'])}")
    return "\n".join(lines)


def print_summary(summary: dict[str, Any], console: Console | None = None) -> None:
    """The same content as a rich table on the terminal."""
    console = console or Console()
    heads, rows = _columns(summary)
    counts = Table(title=title(summary))
    counts.add_column("")
    for head in heads:
        counts.add_column(head, justify="right")
    for label, values in rows:
        counts.add_row(label, *(str(v) for v in values))
    console.print(counts)
    for note in notes(summary):
        console.print(f"[bold yellow]Warning:[/] {note}", markup=True, highlight=False)
    errors = summary.get("errors") or []
    if errors:
        table = Table(title=f"Failures ({len(errors)})")
        for col in ("what", "source", "url", "reason"):
            table.add_column(col, overflow="fold")
        for e in errors[:MAX_ERRORS_SHOWN]:
            table.add_row(e["what"], str(e["source"]), str(e["url"]), str(e["reason"]))
        console.print(table)
    for name in summary.get("failing_sources") or []:
        console.print(f"[bold red]Failing for {name['nights']} nights in a row:[/] {name['source']}")
