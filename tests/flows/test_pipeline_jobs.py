"""How the pipeline cuts its detection work into jobs (no network, no warehouse, no processes)."""

from __future__ import annotations

from stancewatch.extractors.detection import ArticleText
from stancewatch.extractors.fetch import FetchPolicy
from stancewatch.extractors.records import Unit
from stancewatch.flows.pipeline import Limits, Pipeline
from stancewatch.flows.workers import WorkerPool


def _texts(n: int, chars: int) -> list[ArticleText]:
    return [ArticleText(f"a{i}", None, "USA", (Unit(0, "x" * chars),)) for i in range(n)]


def _pipeline(**state: object) -> Pipeline:
    pipe = Pipeline(None, "r", "v", FetchPolicy(), WorkerPool(1), limits=Limits(chars_per_job=60_000))  # type: ignore[arg-type]
    pipe._jobs, pipe._backlog, pipe._fetch_done = None, None, True
    for name, value in state.items():
        setattr(pipe, name, value)
    return pipe


def test_the_last_texts_of_a_run_go_out_in_small_jobs_so_the_workers_finish_together():
    pipe = _pipeline()
    pipe._texts.extend(_texts(20, 3_000))
    sizes = []
    while pipe._texts:
        sizes.append(len(pipe._take_texts()))
    assert sizes == [3] * 6 + [2]  # 8,000 characters a job (a job takes texts until it reaches the limit)


def test_while_pages_are_still_coming_detection_jobs_stay_large():
    pipe = _pipeline(_fetch_done=False)
    pipe._texts.extend(_texts(40, 3_000))
    assert len(pipe._take_texts()) == 20  # 60,000 characters
    pipe = _pipeline()
    pipe._ready.append((None, None, False))  # a page still to extract: its text will come
    pipe._texts.extend(_texts(40, 3_000))
    assert len(pipe._take_texts()) == 20


def test_an_article_longer_than_a_job_is_one_job():
    pipe = _pipeline()
    pipe._texts.extend(_texts(2, 50_000))
    assert [len(pipe._take_texts()), len(pipe._take_texts())] == [1, 1]
