"""The command line as scripts and operators meet it: exit statuses they can trust, one line per
error, filters and formats, the packaged sample, help that reads like help."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from stancewatch import __version__
from stancewatch.cli import app
from stancewatch.warehouse import open_warehouse
from stancewatch.warehouse.publish import publish
from tests.support.warehouse import small_warehouse

STANCEWATCH = str(Path(sys.executable).with_name("stancewatch"))


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    return small_warehouse(tmp_path_factory.mktemp("cli") / "w.duckdb")


def invoke(*args: str, stdin: str | None = None):
    return CliRunner().invoke(app, [str(a) for a in args], input=stdin)


def one_error_line(result, code: int) -> str:
    """The command failed with `code` and said why in exactly one line on stderr; returns the line."""
    assert result.exit_code == code, (result.exit_code, result.output)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.output
    return lines[0]


# ----------------------------------------------------------------------------- help and version
def test_version():
    result = invoke("--version")
    assert result.exit_code == 0 and result.stdout.strip() == f"stancewatch {__version__}"


@pytest.mark.parametrize("command", ["run", "demo", "reprocess", "eval", "shifts"])
def test_flags_show_no_value_type_in_help(command):
    result = CliRunner().invoke(app, [command, "--help"], env={"COLUMNS": "160"})
    assert result.exit_code == 0
    assert "<bool>" not in result.output
    flag = {"eval": "--json", "shifts": "--actor", "reprocess": "--send-alerts"}.get(command, "--quiet")
    assert flag in result.output


def test_run_help_says_what_a_second_run_does():
    text = " ".join(CliRunner().invoke(app, ["run", "--help"], env={"COLUMNS": "160"}).output.split())
    assert "2026-12-04.2" in text and "conditional GET" in text and "resumed" in text


# ----------------------------------------------------------------------------- sql
def test_sql_prints_the_result_of_every_statement(db):
    result = invoke("sql", "--db", db, "--format", "csv", "SELECT 1 AS first; SELECT 2 AS second")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == ["first", "1", "second", "2"]


@pytest.mark.parametrize(
    "query, says",
    [
        ("SELEC 1", "syntax error"),
        ("SELECT * FROM no_such_view", "no_such_view"),
        ("DELETE FROM store.articles", "read-only"),
        ("SELECT 1 AS fine; DROP TABLE store.statements", "read-only"),
    ],
)
def test_sql_fails_with_one_line_and_status_1(db, query, says):
    result = invoke("sql", "--db", db, query)
    assert says in one_error_line(result, 1)


def test_sql_on_a_missing_warehouse_is_status_2(tmp_path):
    assert "does not exist" in one_error_line(invoke("sql", "--db", tmp_path / "typo.duckdb", "SELECT 1"), 2)
    assert not list(tmp_path.iterdir())


# ----------------------------------------------------------------------------- shifts
def test_shifts_filter_by_actor_and_print_quotes_as_json(db):
    result = invoke("shifts", "--db", db, "--since", "2026-01-01", "--actor", "rus", "--format", "json")
    assert result.exit_code == 0
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["actor"], r["target"], r["topic"]) for r in rows] == [("RUS", "UKR", "dialogue")]
    assert rows[0]["previous_quotes"] == ["Moscow is concerned about the talks with Kyiv."]
    assert rows[0]["new_quotes"] == ["Moscow rejects the talks Kyiv proposed."]


def test_shifts_filter_by_target_and_topic_as_csv(db):
    result = invoke("shifts", "--db", db, "--since", "2026-01-01", "--target", "none", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["actor"], r["target"], r["new_quotes"]) for r in rows] == [("CHN", "", "China supports sanctions.")]
    result = invoke(
        "shifts", "--db", db, "--since", "2026-01-01", "--topic", "Dialogue", "--target", "ukr", "-f", "csv"
    )
    assert [r["actor"] for r in csv.DictReader(io.StringIO(result.stdout))] == ["RUS"]
    empty = invoke("shifts", "--db", db, "--since", "2026-01-01", "--actor", "FRA", "-f", "csv")
    assert (
        empty.exit_code == 0
        and empty.stdout.startswith("new_on,actor,target,topic")
        and len(empty.stdout.splitlines()) == 1
    )


def test_shifts_table_shows_both_sides_and_a_dash_for_no_target(db):
    result = CliRunner().invoke(
        app, ["shifts", "--db", str(db), "--since", "2026-01-01", "--actor", "CHN"], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0
    assert "CHN → — · sanctions" in result.stdout
    assert "“China opposes sanctions.”" in result.stdout and "“China supports sanctions.”" in result.stdout


@pytest.mark.parametrize(
    "args, says",
    [(["--since", "last week"], "--since must be a date"), (["--format", "xml"], "--format must be one of")],
)
def test_shifts_refuses_bad_options_in_one_line(db, args, says):
    assert says in one_error_line(invoke("shifts", "--db", db, *args), 2)


# ----------------------------------------------------------------------------- report and export
def test_report_and_export_refuse_a_missing_warehouse(tmp_path):
    assert "does not exist" in one_error_line(invoke("report", "--db", tmp_path / "typo.duckdb"), 2)
    assert "does not exist" in one_error_line(
        invoke("export", "--db", tmp_path / "typo.duckdb", "--parquet", tmp_path / "out"), 2
    )
    assert not list(tmp_path.iterdir())


def test_report_that_cannot_be_written_is_one_line(db, tmp_path):
    (tmp_path / "a-file").write_text("x")
    assert "cannot write" in one_error_line(invoke("report", "--db", db, "--out", tmp_path / "a-file" / "r.html"), 2)
    assert "since must be a date" in one_error_line(invoke("report", "--db", db, "--since", "soon"), 2)


# ----------------------------------------------------------------------------- run and reprocess
def test_reprocess_refuses_a_warehouse_that_does_not_exist(tmp_path):
    line = one_error_line(invoke("reprocess", "--db", tmp_path / "typo.duckdb"), 2)
    assert "typo.duckdb does not exist" in line
    assert not list(tmp_path.iterdir())  # no empty warehouse made from a typo


def _sources(tmp_path: Path, sources: list[dict]) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(yaml.safe_dump({"sources": sources}))
    return path


FEED = {"name": "x", "url": "https://example.org/feed.xml"}


@pytest.mark.parametrize(
    "sources, config, night, says",
    [
        ([FEED], {}, "notadate", "night must be a date like 2026-12-04"),
        ([FEED], {}, "2026-02-30", "night must be a date"),
        ([], {}, None, "no sources listed"),
        ([{**FEED, "kind": "ministry"}], {}, None, "ministry without a country"),
        ([FEED], {"timezone": "Mars/Olympus"}, None, "unknown timezone 'Mars/Olympus'"),
        ([FEED], {"alerts": {"recipients": [{"email": "not-an-email"}]}}, None, "not an e-mail address"),
    ],
)
def test_run_validates_everything_before_it_starts(tmp_path, sources, config, night, says):
    config_file = tmp_path / "config.yaml"
    config_file.write_text(yaml.safe_dump(config))
    args = ["run", "--sources", _sources(tmp_path, sources), "--config", config_file, "--db", tmp_path / "w.duckdb"]
    result = invoke(*args, *(["--night", night] if night else []))
    assert says in one_error_line(result, 2)
    assert not (tmp_path / "w.duckdb").exists()


# ----------------------------------------------------------------------------- detect and eval
@pytest.mark.parametrize(
    "content, says",
    [
        ('{"id": "a", "text": "China opposes it.", "statements": []}\nChina opposes it.\n', "units.jsonl:2: not JSON"),
        ('{"id": "a", "text": "ok", "statements": []}\n\n{"id": "b", "statements": []}\n', 'units.jsonl:3: no "text"'),
        ('["a list"]\n', "units.jsonl:1: expected a JSON object"),
        ('{"id": "a", "text": "x", "date": "Feb 26"}\n', 'units.jsonl:1: "date" must be YYYY-MM-DD'),
    ],
)
@pytest.mark.parametrize("command", ["detect", "eval"])
def test_bad_lines_are_named_by_file_and_line(tmp_path, command, content, says):
    path = tmp_path / "units.jsonl"
    path.write_text(content)
    assert says in one_error_line(invoke(command, path), 2)


def test_a_missing_file_is_one_line(tmp_path):
    for command in ("detect", "eval"):
        assert "nope.jsonl: file not found" in one_error_line(invoke(command, tmp_path / "nope.jsonl"), 2)


def test_eval_needs_gold_statements_and_ids(tmp_path):
    path = tmp_path / "plain.jsonl"
    path.write_text('{"id": "a", "text": "China opposes sanctions."}\n')
    assert 'plain.jsonl:1: no "statements" list' in one_error_line(invoke("eval", path), 2)
    path.write_text('{"text": "China opposes sanctions.", "statements": []}\n')
    assert 'plain.jsonl:1: no "id"' in one_error_line(invoke("eval", path), 2)


def test_detect_reads_stdin():
    result = invoke("detect", stdin='{"id": "u1", "text": "China firmly opposes unilateral sanctions."}\n')
    assert result.exit_code == 0
    out = json.loads(result.stdout)
    assert out["id"] == "u1" and [(s["actor"], s["stance"]) for s in out["statements"]] == [("CHN", "oppose")]


# ----------------------------------------------------------------------------- the clone stands alone
ROOT = Path(__file__).resolve().parents[2]
STATEMENTS = ROOT / "extractors" / "statements"
TOPICS = {
    "sanctions", "use_of_force", "arms_transfers", "alliance_expansion", "dialogue", "sovereignty", "taiwan",
    "trade", "human_rights", "nuclear", "terrorism", "humanitarian", "climate", "interference", "multilateralism",
    "cooperation", "maritime", "health",
}  # fmt: skip
BODIES = {"NATO", "EU", "UN", "UNSC", "G7", "G20", "ASEAN", "AU", "WTO", "OSCE", "IAEA", "WHO", "BRICS", "SCO", "GCC"}


def test_eval_without_an_argument_scores_the_packaged_sample(tmp_path):
    """From any folder (no ../shared beside it): the sample inside the package is scored."""
    from stancewatch.cli import packaged_sample

    sample = packaged_sample()
    assert sample.is_relative_to(STATEMENTS) and sample.exists()
    units = [json.loads(line) for line in sample.read_text(encoding="utf-8").splitlines() if line.strip()]
    done = subprocess.run(
        [STANCEWATCH, "eval", "--json"], cwd=tmp_path, capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout)
    assert result["units"] == len(units) and result["gold_statements"] == sum(len(u["statements"]) for u in units)
    assert 0 < result["strict"]["f1"] <= 1


def test_the_package_ships_the_contract_and_the_sample():
    import tomllib

    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    patterns = package_data["*"] + package_data["stancewatch.extractors.statements"]
    shipped = {p.relative_to(STATEMENTS).as_posix() for pattern in patterns for p in STATEMENTS.glob(pattern)}
    assert {"CONTRACT.md", "sample/sample.jsonl", "sample/README.md"} <= shipped


def test_the_sample_is_well_formed_and_covers_the_contract():
    from stancewatch.extractors.statements.jsonl import objects_from_jsonl, read_lines

    units = list(objects_from_jsonl(read_lines(STATEMENTS / "sample" / "sample.jsonl"), "sample.jsonl", gold=True))
    assert 35 <= len(units) <= 50 and len({u["id"] for u in units}) == len(units)
    statements = [s for u in units for s in u["statements"]]
    assert {s["stance"] for s in statements} == {"support", "oppose", "concern"}
    assert 8 <= sum(1 for u in units if not u["statements"]) <= 12
    assert all(u["title"] and u["text"] for u in units)
    for s in statements:
        assert set(s) == {"actor", "speaker", "stance", "topics", "targets"}
        assert set(s["topics"]) <= TOPICS, s
        for code in [s["actor"], *s["targets"]]:
            assert code in BODIES or (len(code) == 3 and code.isalpha() and code.isupper()), code
    assert {"G7", "BRICS"} <= {s["actor"] for s in statements}  # collective voices


def test_the_shell_passes_over_a_line_with_no_statement(tmp_path: Path) -> None:
    """A lone ';' is no query (DuckDB returns no result for it): the prompt goes on to the next one."""
    db = tmp_path / "w.duckdb"
    with open_warehouse(db):
        pass
    publish(db)
    result = CliRunner().invoke(app, ["shell", "--db", str(db)], input=";\nSELECT 40 + 2 AS answer;\n")
    assert result.exit_code == 0, result.output
    assert "42" in result.output and "1 row(s)" in result.output


def test_eval_scores_the_locked_part_apart(tmp_path):
    """A gold file with documents on both sides of the split: the whole set, then the tuning part and
    the locked part, each with its own figures (the locked part is the honest one)."""
    from stancewatch.extractors.statements.split import is_locked

    units = []
    for n in range(40):
        unit = {
            "id": f"u-{n}",
            "url": f"https://example.org/{n}",
            "text": "China firmly opposes unilateral sanctions.",
            "source_country": "CHN",
            "statements": [{"actor": "CHN", "stance": "oppose", "speaker": "", "topics": ["sanctions"], "targets": []}],
        }
        units.append(unit)
    locked = sum(is_locked(u) for u in units)
    assert 0 < locked < len(units)
    path = tmp_path / "gold.jsonl"
    path.write_text("".join(json.dumps(u) + "\n" for u in units))
    result = invoke("eval", path, "--mode", "rules")
    assert result.exit_code == 0, result.output
    assert f"tuning part (trained and tuned on: flatters), {len(units) - locked} units:" in result.stdout
    assert f"locked part (never trained on), {locked} units:" in result.stdout
