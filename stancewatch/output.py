"""Rows on the terminal, as a table for people or as CSV / JSON lines for scripts.

Shared by `sql`, `shell` and `shifts`, so `--format csv` means the same
everywhere. Tables fold long cells instead of cutting them; CSV and JSON
carry every value in full (lists as JSON arrays in JSON lines).
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

FORMATS = ("table", "csv", "json")


def print_rows(cols: Sequence[str], rows: Sequence[Sequence[Any]], fmt: str, console: Console) -> None:
    """Print rows in `fmt` (one of FORMATS); a table ends with its row count."""
    if fmt == "csv":
        writer = csv.writer(sys.stdout)
        writer.writerow(cols)
        writer.writerows(rows)
        sys.stdout.flush()
    elif fmt == "json":
        for row in rows:
            print(json.dumps(dict(zip(cols, row)), default=str, ensure_ascii=False))
        sys.stdout.flush()
    else:
        table = Table(show_lines=False)
        for c in cols:
            table.add_column(c, overflow="fold")
        for row in rows:
            table.add_row(*(Text("" if v is None else str(v)) for v in row))  # text, never markup
        console.print(table)
        console.print(f"[dim]{len(rows)} row(s)[/]")
