"""What `stancewatch demo` prints at the end: what it found, and SQL to try."""
from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table

from warehouse import open_warehouse

TRY_SQL = """SELECT source, published, title FROM articles ORDER BY published;"""


def print_findings(db: Path, console: Console) -> None:
    """Summarise the demo warehouse: articles by source, then a query to try."""
    with open_warehouse(db, read_only=True) as wh:
        rows = wh.query("SELECT source, count(*) AS articles, min(published) AS first, max(published) AS last "
                        "FROM articles GROUP BY source ORDER BY source")
        failures = wh.query("SELECT source, status, error FROM fetch_log WHERE status = 'failed' "
                            "ORDER BY run_id, source")
    table = Table(title=f"Articles in {db}")
    for col in ("source", "articles", "first", "last"):
        table.add_column(col)
    for r in rows:
        table.add_row(r["source"], str(r["articles"]), str(r["first"]), str(r["last"]))
    console.print(table)
    for f in failures:
        console.print(f"[yellow]recorded failure[/] {f['source']}: {f['error']}")
    console.print(f"\nTry it:  [bold]stancewatch sql --db {db} \"{TRY_SQL}\"[/]")
    console.print(f"or open it in DuckDB:  duckdb -readonly {db}")
