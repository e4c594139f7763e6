"""The README cannot drift: every command is documented, and every SQL example runs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from stancewatch.cli import app
from stancewatch.warehouse import open_reader
from stancewatch.warehouse.publish import published_path

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()
SQL_BLOCKS = re.findall(r"```sql\n(.*?)```", README, re.S)


def test_every_command_is_in_the_readme_reference():
    commands = {c.name or c.callback.__name__ for c in app.registered_commands}
    documented = set(re.findall(r"\| `stancewatch (\w+)`", README))
    assert commands == documented


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    from stancewatch.demo import run_demo

    db = tmp_path_factory.mktemp("docs") / "demo.duckdb"
    run_demo(db, quiet=True)
    return db


@pytest.mark.slow
@pytest.mark.parametrize("block", SQL_BLOCKS, ids=[b.split("\n")[0][:50] for b in SQL_BLOCKS])
def test_every_sql_example_runs_on_the_demo_warehouse(demo_db, block):
    code = re.sub(r"--[^\n]*", "", block)  # comments out, then one statement at a time
    statements = [s for s in code.split(";") if s.strip()]
    assert statements
    with open_reader(published_path(demo_db)) as wh:
        for statement in statements:
            wh.con.execute(statement).fetchall()


def test_ci_runs_exactly_the_readmes_second_command():
    two_commands = README.split("## Two commands", 1)[1].split("\n## ", 1)[0]
    first, second = re.findall(r"```sh\n(.*?)\n```", two_commands, re.S)[:2]
    ci = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text().strip().splitlines()[-1]
    assert ci == second
    assert first.endswith("stancewatch demo") and "pytest" in second
