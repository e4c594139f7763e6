"""The night over several workers, with real parts: the session's Prefect server, two process workers
taking one shard each (started once for the module), DuckLake on the session's PostgreSQL, the demo
site on 127.0.0.1 and a real SMTP catcher.

One module-scoped scenario: the two demo nights (4 articles, then 1) in the embedded default, then
the same nights sharded over the 2 workers into DuckLake, after one shard of the first night died
half way (its process ended abruptly after storing its articles); then the answers are compared.
The coordinator runs in the test process, against the same server.
"""

from __future__ import annotations

import asyncio
import hashlib
from pathlib import Path
from typing import cast

import pytest
import yaml
from prefect.client.schemas.objects import FlowRun
from prefect.deployments import run_deployment
from prefect.flow_runs import wait_for_flow_run
from typer.testing import CliRunner

from stancewatch.cli import app
from stancewatch.demo import NIGHTS, write_config, write_sources
from stancewatch.demo.mailcatcher import MailCatcher
from stancewatch.demo.server import DemoServer
from stancewatch.flows.nightly import run_night
from stancewatch.flows.shards import nightly_sharded, shard_of
from stancewatch.warehouse import open_reader, open_warehouse
from stancewatch.warehouse.lake import Lake
from stancewatch.warehouse.publish import published_path

pytestmark = pytest.mark.slow
SHARDS = 2


def answers(db: str | Path) -> dict[str, list]:
    """What a night must agree on: articles, statements, shifts and alerts (from the published state)."""
    with open_reader(published_path(db)) as wh:
        return {
            "articles": wh.query(
                "SELECT url, status, title, content_hash, md5(coalesce(text, '')) AS text "
                "FROM store.articles ORDER BY url"
            ),
            "units": wh.scalar("SELECT count(*) FROM store.article_units"),
            "statements": wh.query(
                "SELECT statement_id, actor, stance, target, topic, stated_on, sentence FROM statements "
                "ORDER BY statement_id"
            ),
            "shifts": wh.query(
                "SELECT shift_id, actor, target, topic, previous_stance, new_stance, severity, detected_run_id "
                "FROM stance_shifts ORDER BY shift_id"
            ),
            "alerts": wh.query(
                "SELECT alert_id, recipient, channel, status, queued_run_id, sent_run_id FROM alerts ORDER BY alert_id"
            ),
            "runs": wh.query("SELECT run_id, kind, night, seq, status, attempts FROM runs ORDER BY run_id"),
        }


@pytest.fixture(scope="module")
def shard_workers(prefect_server):
    """Two real process workers on the `shards` queue, one shard at a time each, started once for the module."""
    workers = [prefect_server.worker("stancewatch", "shards", 1, f"shard-worker-{i}") for i in range(SHARDS)]
    yield workers
    for worker in workers:
        prefect_server.kill(worker)  # nothing of theirs is left running: no need to wait for a graceful stop


@pytest.fixture(scope="module")
def scenario(postgres, prefect_server, shard_workers, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("sharded")
    lake = Lake(postgres.create_database("sharded_night"), str(tmp / "lake-data") + "/")
    with DemoServer() as site, MailCatcher() as mail, prefect_server.client():
        sources = write_sources(site.base, tmp)
        config = write_config(mail.port, tmp)
        data = yaml.safe_load(config.read_text())
        scale_config = tmp / "scale.yaml"
        scale_config.write_text(
            yaml.safe_dump(
                {
                    **data,
                    "warehouse": {"kind": "ducklake", "catalog": lake.catalog, "data_path": lake.data_path},
                    "scale": {"shards": SHARDS},
                }
            )
        )
        with open_warehouse(lake):  # what the coordinator does first: the schema, once
            pass

        # The first night's shard holding the news feed dies after storing its articles, before
        # detection: its process ends abruptly, as if its machine were switched off. It runs on a
        # worker while this process runs the same night in the embedded default.
        site.night = 1
        news_id = hashlib.sha256(f"{site.base}/news/rss.xml".encode()).hexdigest()[:16]
        crash = cast(
            FlowRun,
            run_deployment(
                "night-shard/night-shard",
                parameters={"sources": str(sources), "config": str(scale_config), "run_id": NIGHTS[1]}
                | {"shard": shard_of(news_id, SHARDS), "shards": SHARDS},
                job_variables={"env": {"STANCEWATCH_CRASH_AT": "extracted"}},
                timeout=0,  # started; awaited below
            ),
        )

        # The embedded default: one process, one file.
        embedded, embedded_mail = tmp / "embedded.duckdb", []
        for number, night in NIGHTS.items():
            site.night = number
            run_night(sources, embedded, config=config, night=night, quiet=True)
            embedded_mail.append(sorted(m["Subject"] for m in mail.messages))
            mail.messages.clear()
            if number == 1:
                crashed = asyncio.run(wait_for_flow_run(crash.id, timeout=300))
        with open_warehouse(lake, migrate=False) as wh:
            after_crash = {
                "articles": wh.scalar("SELECT count(*) FROM store.articles"),
                "detected": wh.scalar("SELECT count(*) FROM store.detections"),
            }

        # Both nights over the two shard workers into DuckLake: the crashed shard is simply run again.
        sharded_mail, summaries = [], []
        for number, night in NIGHTS.items():
            site.night = number
            summaries.append(nightly_sharded(sources=str(sources), config=str(scale_config), night=night, quiet=True))
            sharded_mail.append(sorted(m["Subject"] for m in mail.messages))
            mail.messages.clear()
    shard_runs = [prefect_server.flow_run(r["flow_run"]) for s in summaries for r in s["shards"]]
    return {
        "lake": lake,
        "embedded": embedded,
        "embedded_mail": embedded_mail,
        "sharded_mail": sharded_mail,
        "crashed_state": crashed.state.type.value if crashed.state else None,
        "after_crash": after_crash,
        "summaries": summaries,
        "shard_runs": shard_runs,
        "tmp": tmp,
    }


def test_a_night_sharded_over_two_workers_gives_the_same_answers_as_the_embedded_default(scenario):
    expected, got = answers(scenario["embedded"]), answers(scenario["lake"].address)
    assert expected["statements"] and expected["shifts"] and expected["alerts"]  # the demo's shift and alert
    assert got == expected
    assert scenario["sharded_mail"] == scenario["embedded_mail"]  # the alert email, once, on the second night
    assert [len(m) for m in scenario["sharded_mail"]] == [0, 1]


def test_each_shard_ran_as_its_own_flow_run_on_a_worker(scenario):
    for summary in scenario["summaries"]:
        assert sorted(r["shard"] for r in summary["shards"]) == list(range(SHARDS))
        assert all(r["state"] == "COMPLETED" for r in summary["shards"])
    runs = scenario["shard_runs"]
    assert {r["deployment_id"] for r in runs} and all(r["work_queue_name"] == "shards" for r in runs)
    assert all(r["parameters"]["shards"] == SHARDS for r in runs)


def test_a_shard_killed_half_way_loses_nothing_when_the_night_runs_again(scenario):
    assert scenario["crashed_state"] in {"CRASHED", "FAILED"}
    # it had committed its articles, and had detected nothing, when it died ...
    assert scenario["after_crash"]["articles"] > 0 and scenario["after_crash"]["detected"] == 0
    # ... and the night run again completed it: every article read, nothing twice (compared above)
    with open_reader(scenario["lake"].address) as wh:
        assert wh.scalar("SELECT count(*) FROM store.articles WHERE status = 'ok'") == wh.scalar(
            "SELECT count(DISTINCT article_id) FROM store.detections"
        )
        assert wh.scalar("SELECT count(*) - count(DISTINCT statement_id) FROM store.statements") == 0


def test_analyst_commands_work_on_the_lake(scenario, tmp_path):
    address = scenario["lake"].address
    runner = CliRunner()
    out = runner.invoke(app, ["sql", "--db", address, "SELECT actor, stance FROM statements WHERE topic = 'sanctions'"])
    assert out.exit_code == 0, out.output
    assert "CHN" in out.output and "support" in out.output
    report = tmp_path / "report.html"
    out = runner.invoke(app, ["report", "--db", address, "--out", str(report), "--since", "2022-01-01"])
    assert out.exit_code == 0, out.output
    assert "sanctions" in report.read_text()
    out = runner.invoke(app, ["export", "--db", address, "--parquet", str(tmp_path / "pq")])
    assert out.exit_code == 0, out.output
    assert (tmp_path / "pq" / "store_statements.parquet").exists()
    out = runner.invoke(app, ["shell", "--db", address], input="SELECT count(*) AS n FROM shifts_of('CHN');\n")
    assert out.exit_code == 0, out.output
    assert "1" in out.output
