"""What a worker process of the CPU stages runs: a start-up that loads everything once, and timed jobs.

A spawned worker starts empty. Loading spaCy and the detector's lexicons
takes a second or two, importing trafilatura and lxml a little more; done on
the first batch, that cost sits on the critical path of every night. The
pool's initializer (`prepare`) pays it when the worker starts, while the
first pages are still being fetched.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

#: A small page through the whole extractor, so trafilatura's own lazy set-up happens at start too.
_WARM_PAGE = (
    b"<html><head><title>Warm-up</title></head><body><article><p>The minister said the talks "
    b"would continue next week in Geneva, and that both sides had agreed to meet again.</p>"
    b"<p>Officials described the meeting as constructive.</p></article></body></html>"
)


def prepare(mode: str = "auto") -> None:
    """Load the detector of `mode` and the page extractors (a process-pool initializer)."""
    from stancewatch.extractors import sites
    from stancewatch.extractors.statements import get_detector

    get_detector(mode)
    try:
        sites.extract_page(_WARM_PAGE, "http://warm-up.invalid/page.html")
    except Exception:  # noqa: BLE001 - a warm-up must never stop a worker from starting
        pass


def timed(fn: Callable[..., T], *args: Any) -> tuple[T, float]:
    """`fn(*args)` and the CPU seconds this process spent on it (the pipeline's busy time)."""
    start = time.process_time()
    result = fn(*args)
    return result, time.process_time() - start
