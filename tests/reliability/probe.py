"""Measure one fetch-and-parse in a fresh process: wall time and peak memory.

Run as ``python tests/reliability/probe.py '<json>'``; prints one JSON line.
The job is what the flow does for one source (`read_source`) or one
article (`harvest`), with the given fetch policy. Memory is the process's
resident high-water mark (VmHWM) minus its resident size just before the
job, so the imports are not counted. The address space is capped
(RLIMIT_AS) so that a regression - a bomb that does expand - fails with a
MemoryError instead of taking the machine down.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

ADDRESS_SPACE_LIMIT = 6 * 1024**3


def _status(field: str) -> float:
    """A VmXXX field of /proc/self/status, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise KeyError(field)


def main(spec: dict) -> dict:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE_LIMIT, ADDRESS_SPACE_LIMIT))
    from stancewatch.extractors.fetch import FetchPolicy
    from stancewatch.extractors.pages import PageJob, harvest
    from stancewatch.extractors.sources import FeedState, SourceSpec, read_source

    policy = FetchPolicy(**spec["policy"])
    before = _status("VmRSS")
    started = time.monotonic()
    try:
        if spec["kind"] == "source":
            out = read_source(
                SourceSpec("probe", spec["url"], None, spec.get("listing", False)),
                FeedState(),
                policy,
                spec.get("max_items", 20),
            )
            result = {
                "status": out.status,
                "error": out.error,
                "warnings": out.warnings[:5],
                "items": len(out.items),
                "attempts": out.attempts,
                "longest_field": max(
                    (len(getattr(i, f)) for i in out.items for f in ("title", "summary", "content_html", "link")),
                    default=0,
                ),
            }
        else:
            job = PageJob(url=spec["url"], link=spec["url"], source_id="probe", feed_html=spec.get("feed_html", ""))
            res = harvest([job], policy)[0]
            result = {
                "status": res.status,
                "error": res.error,
                "text_chars": len(res.extracted.text) if res.extracted else 0,
            }
    except MemoryError:
        result = {"status": "crashed", "error": "MemoryError"}
    result["elapsed"] = round(time.monotonic() - started, 3)
    result["rss_before_mb"] = round(before, 1)
    result["peak_mb"] = round(_status("VmHWM"), 1)
    result["memory_mb"] = round(result["peak_mb"] - before, 1)
    return result


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    print(json.dumps(main(json.loads(sys.argv[1]))))
