"""A shard's CPU jobs on a Dask cluster: prefect-dask's DaskTaskRunner against the address of a real
`distributed` scheduler (a LocalCluster of two worker processes, so every extraction and detection job of
the shard's pipeline is pickled to a worker and its result back), the session's Prefect server and
PostgreSQL, and the demo site's first night."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from stancewatch.demo import NIGHTS, write_config, write_sources
from stancewatch.demo.server import DemoServer
from stancewatch.flows.shards import night_shard
from stancewatch.warehouse import open_warehouse
from stancewatch.warehouse.lake import Lake

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    """Two single-threaded worker processes on 127.0.0.1; the scheduler's HTTP endpoint on a free port too."""
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address="127.0.0.1:0"
    ) as running:
        yield running


def _shard_night(postgres: Any, folder: Path, sources: Path, demo_config: Path, dask_address: str) -> dict:
    """Night 1 as one shard into a fresh lake; the lake's articles and statements afterwards."""
    lake = Lake(postgres.create_database(f"dask_{folder.name}"), str(folder / "lake-data") + "/")
    config = folder / "scale.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                **yaml.safe_load(demo_config.read_text()),
                "warehouse": {"kind": "ducklake", "catalog": lake.catalog, "data_path": lake.data_path},
                "scale": {"shards": 1, "dask_address": dask_address},
            }
        )
    )
    with open_warehouse(lake):  # the schema, as the coordinator would
        pass
    stats = night_shard(shard=0, shards=1, run_id=NIGHTS[1], sources=str(sources), config=str(config))
    with open_warehouse(lake, migrate=False) as wh:
        return {
            "stats": stats,
            "articles": wh.query("SELECT url, status, content_hash FROM store.articles ORDER BY url"),
            "statements": wh.query(
                "SELECT statement_id, actor, stance, target, topic, sentence FROM statements ORDER BY statement_id"
            ),
        }


def test_a_shards_cpu_stages_on_dask_give_the_same_statements_as_the_local_pool(
    postgres, prefect_server, cluster, tmp_path
):
    with DemoServer() as site, prefect_server.client():
        site.night = 1
        sources = write_sources(site.base, tmp_path)
        demo_config = write_config(0, tmp_path)
        (tmp_path / "local").mkdir()
        (tmp_path / "dask").mkdir()
        local = _shard_night(postgres, tmp_path / "local", sources, demo_config, "")
        on_dask = _shard_night(postgres, tmp_path / "dask", sources, demo_config, cluster.scheduler_address)
    assert local["statements"] and local["articles"]
    assert on_dask["articles"] == local["articles"]
    assert on_dask["statements"] == local["statements"]
    assert on_dask["stats"]["articles"] == on_dask["stats"]["detected"] == len(local["articles"]) == 4
    # the jobs did run on the cluster: its scheduler saw both kinds through to a result
    ran = {name: prefix.state_counts["memory"] for name, prefix in cluster.scheduler.task_prefixes.items()}
    assert ran.get("extract_task", 0) >= 1 and ran.get("detect_task", 0) >= 1, ran
