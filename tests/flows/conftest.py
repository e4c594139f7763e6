"""Fixtures for real Prefect flow runs (the Prefect environment is set in tests/conftest.py)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import yaml


FIXTURES = Path(__file__).resolve().parent / "fixtures"

#: Fast, strict settings for tests: short timeouts, quick retries, no politeness delay.
TEST_CONFIG = {
    "fetch": {"connect_timeout": 2, "read_timeout": 2, "total_timeout": 3, "retries": 1, "backoff": 0.05,
              "per_host_delay": 0, "per_host_concurrency": 8, "max_bytes": 200_000,
              "max_retry_after": 1},
    "articles": {"workers": 1, "batch_size": 50},
}


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(TEST_CONFIG))
    return path


def write_sources(path: Path, sources: list[dict], allowed_networks: list[str] | None = None,
                  allow_private: bool = False) -> Path:
    """A sources file in the contract's shape; the server's own address is allowed explicitly."""
    data = {"allow_private_networks": allow_private, "sources": sources}
    if allowed_networks is not None:
        data["allowed_networks"] = allowed_networks
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def rss(base: str, items: list[dict], title: str = "Test feed") -> str:
    """A small RSS 2.0 document; item keys: title, link, guid, date, description, content."""
    parts = [f'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" '
             f'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>{title}</title>'
             f"<link>{base}/</link><description>test</description>"]
    for it in items:
        parts.append("<item>")
        parts.append(f"<title>{it.get('title', 'Untitled')}</title><link>{it['link']}</link>")
        if it.get("guid"):
            parts.append(f'<guid isPermaLink="false">{it["guid"]}</guid>')
        if it.get("date"):
            parts.append(f"<pubDate>{it['date']}</pubDate>")
        parts.append(f"<description>{it.get('description', 'summary')}</description>")
        if it.get("content"):
            parts.append(f"<content:encoded><![CDATA[{it['content']}]]></content:encoded>")
        parts.append("</item>")
    parts.append("</channel></rss>")
    return "".join(parts)


def page(title: str, paragraphs: list[str], date: str = "2026-01-05") -> str:
    """A news-like article page with boilerplate around the text, as trafilatura meets it."""
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
            f'<meta property="article:published_time" content="{date}T09:00:00+00:00"></head><body>'
            f'<nav><a href="/">Home</a> <a href="/world">World</a></nav><main><article><h1>{title}</h1>'
            f"{body}</article></main><footer>Copyright Test News</footer></body></html>")


def run_crashing(code: str, crash_at: str) -> int:
    """Run `code` in a child that dies at `crash_at`; returns its exit status.

    The child gets its own process group: a process killed abruptly leaves
    Prefect's temporary API server (its own child) running, and the group
    kill cleans that up, as a supervisor would after a real crash.
    """
    proc = subprocess.Popen([sys.executable, "-c", code], env={**os.environ, "STANCEWATCH_CRASH_AT": crash_at},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        code = proc.wait(timeout=300)
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return code
