"""A worker pool started ahead of its night (while Prefect's temporary server starts) is the one the night uses."""

from __future__ import annotations

import pytest

from stancewatch.flows import workers
from stancewatch.flows.workers import discard_prestarted, prestart, worker_pool

pytestmark = pytest.mark.slow


def test_the_night_takes_over_the_prestarted_pool_of_its_shape_and_only_that():
    prestart(2, "rules")
    early = workers._prestarted
    try:
        assert early is not None and early.parallel
        with worker_pool(2, "auto") as other:  # another shape: a pool of its own
            assert other is not early and not other.parallel
        with worker_pool(2, "rules") as pool:
            assert pool is early and workers._prestarted is None
            assert pool.submit(sum, [1, 2]).result()[0] == 3
        assert not pool.parallel  # closed with its night
    finally:
        discard_prestarted()


def test_a_prestarted_pool_no_night_took_is_stopped():
    prestart(2, "rules")
    early = workers._prestarted
    assert early is not None
    discard_prestarted()
    assert workers._prestarted is None and not early.parallel
    prestart(1, "rules")  # one worker: jobs run inline, there is nothing to start
    assert workers._prestarted is None
