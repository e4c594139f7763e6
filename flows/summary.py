"""The run summary, as a Prefect markdown artifact and as a printed table.

Both render the same dict (from `warehouse.runs.run_summary`), so what the
operator sees in the Prefect UI and in the terminal never disagree.
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


def to_markdown(summary: dict[str, Any]) -> str:
    """Markdown for the Prefect artifact."""
    lines = [f"# stancewatch night {summary['run_id']}", "", "| | count |", "|---|---:|"]
    lines += [f"| {label} | {summary[key]} |" for key, label in COUNTS if key in summary]
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
    counts = Table(title=f"stancewatch night {summary['run_id']}", show_header=False)
    counts.add_column("what")
    counts.add_column("count", justify="right")
    for key, label in COUNTS:
        if key in summary:
            counts.add_row(label, str(summary[key]))
    console.print(counts)
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
