"""Documents and files the tests write: RSS feeds, article pages, sources files.

One copy for every test package (the flow tests and the reliability suite),
so a feed in one suite is built exactly like a feed in the other.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml


def rss(
    base: str,
    items: list[dict[str, Any]],
    title: str = "Test feed",
    prolog: str = "",
    encoding: str = "utf-8",
    tail: str = "",
) -> str:
    """An RSS 2.0 document. Item keys: title, link, guid, date, description, content (raw, in CDATA).

    `prolog` goes before the root element (a DOCTYPE), `tail` (raw XML) after the items.
    """
    parts = [
        f'<?xml version="1.0" encoding="{encoding}"?>\n{prolog}<rss version="2.0" '
        f'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>{title}</title>'
        f"<link>{base}/</link><description>test</description>"
    ]
    for it in items:
        parts.append(f"<item><title>{it.get('title', 'Untitled')}</title><link>{it['link']}</link>")
        if it.get("guid"):
            parts.append(f'<guid isPermaLink="false">{it["guid"]}</guid>')
        if it.get("date"):
            parts.append(f"<pubDate>{it['date']}</pubDate>")
        parts.append(f"<description>{it.get('description', 'summary')}</description>")
        if it.get("content"):
            parts.append(f"<content:encoded><![CDATA[{it['content']}]]></content:encoded>")
        parts.append("</item>")
    parts.append(tail + "</channel></rss>")
    return "".join(parts)


def page(title: str, paragraphs: list[str], date: str = "2026-01-05", charset: str = "utf-8") -> str:
    """A news-like article page with boilerplate around the text, as trafilatura meets it."""
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="{charset}"><title>{title}</title>'
        f'<meta property="article:published_time" content="{date}T09:00:00+00:00"></head><body>'
        f'<nav><a href="/">Home</a> <a href="/world">World</a></nav><main><article><h1>{title}</h1>'
        f"{body}</article></main><footer>Copyright Test News</footer></body></html>"
    )


def write_sources(
    path: Path, sources: list[dict[str, Any]], allowed_networks: list[str] | None = None, allow_private: bool = False
) -> Path:
    """A sources file in the contract's shape; the test server's address is allowed explicitly."""
    data: dict[str, Any] = {"allow_private_networks": allow_private, "sources": sources}
    if allowed_networks is not None:
        data["allowed_networks"] = allowed_networks
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path
