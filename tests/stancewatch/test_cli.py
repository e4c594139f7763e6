"""The analysts' command line on a real (empty) published warehouse."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from stancewatch.cli import app
from stancewatch.warehouse import open_warehouse
from stancewatch.warehouse.publish import publish


def test_the_shell_passes_over_a_line_with_no_statement(tmp_path: Path) -> None:
    """A lone ';' is no query (DuckDB returns no result for it): the prompt goes on to the next one."""
    db = tmp_path / "w.duckdb"
    with open_warehouse(db):
        pass
    publish(db)
    result = CliRunner().invoke(app, ["shell", "--db", str(db)], input=";\nSELECT 40 + 2 AS answer;\n")
    assert result.exit_code == 0, result.output
    assert "42" in result.output and "1 row(s)" in result.output
