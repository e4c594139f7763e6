"""Replay dated documents through the real nightly flow, one night per date.

Analysts use it to backfill a warehouse from documents they already have;
the tests use it to replay the real statement sequences. Each night, the
documents dated up to that night are served on 127.0.0.1 the way their
publishers serve them: a ministry spokesperson's answers as press-conference
transcripts behind a listing page (read by the MFA site extractor, which
names the spokesperson from the title), everything else as RSS items that
carry their full text in content:encoded. Input: JSON lines with id, date,
text, and optionally source_country, speaker, speaker_role, title, url.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import tempfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timezone
from email.utils import format_datetime
from html import escape
from pathlib import Path
from typing import Any

import feedparser
import lxml.html
import yaml

from stancewatch.localsite import LocalSite

FEED_ITEMS = 50  # items per replayed feed, newest first (like a real feed's window)


def load_docs(path: str | Path) -> list[dict[str, Any]]:
    """Documents from a JSON-lines file, sorted by date then id."""
    docs = [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
    return sorted(docs, key=lambda d: (d["date"], d["id"]))


def load_sequence(path: str | Path, corpora: str | Path) -> list[dict[str, Any]]:
    """Documents of a sequence defined over the saved corpora (benchmarks/sequences/README.md).

    Each line names a document instead of carrying its text: `corpus` (a file
    under `corpora`) and one of `turn` (the n-th turn of a saved MFA
    press-conference page, which must be an answer), `link` (the item of a
    saved RSS snapshot with that link) or `"page": true` (the whole saved page,
    e.g. a Kremlin readout, read as the nightly flow reads a fetched page;
    see `_page_text`). The text is read from the corpus and
    checked against the line's `sha256` (first 16 hex digits), so an edited
    corpus or extractor is an error, not a silently different sequence.
    """
    docs = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        doc = json.loads(line)
        text = _corpus_text(Path(corpora) / doc["corpus"], doc)
        digest = hashlib.sha256(text.encode()).hexdigest()[:16]
        if digest != doc["sha256"]:
            raise ValueError(f"{path}:{n}: {doc['id']}: the corpus text changed (sha256 {digest})")
        docs.append({k: v for k, v in doc.items() if k not in ("corpus", "turn", "page", "sha256")} | {"text": text})
    return sorted(docs, key=lambda d: (d["date"], d["id"]))


def _corpus_text(path: Path, doc: dict[str, Any]) -> str:
    raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    if doc.get("page"):
        return _page_text(raw, doc.get("url") or "")
    if "turn" in doc:
        from stancewatch.extractors.sites.mfa_press import read_transcript

        transcript = read_transcript(raw)
        if transcript is None or transcript.turns[doc["turn"]].kind != "answer":
            raise ValueError(f"{path}: turn {doc['turn']} of {doc['id']} is not an answer")
        return "\n".join(transcript.turns[doc["turn"]].paragraphs)
    entry = next((e for e in feedparser.parse(raw).entries if e.get("link") == doc["link"]), None)
    if entry is None:
        raise ValueError(f"{path}: no item {doc['link']}")
    html = entry["content"][0]["value"] if entry.get("content") else entry.get("summary", "")
    paragraphs = [" ".join(p.text_content().split()) for p in lxml.html.fragment_fromstring(html, "div").iter("p")]
    return "\n".join(p for p in paragraphs if p)


def _page_text(raw: bytes, url: str) -> str:
    """The main text of a whole saved page, one paragraph per line.

    Read the way the nightly flow reads a page it fetched: the site extractor
    that matches `url`, else trafilatura (`extractors.sites.extract_page`),
    and its paragraph units. A sequence over saved pages (the Kremlin's news
    pages have no feed with full text) then holds the text the detector
    would see in production, not a hand-made cut of it.
    """
    from stancewatch.extractors.sites import extract_page

    extracted = extract_page(raw, url)
    paragraphs = [u.text for u in extracted.units] or extracted.text.split("\n")
    return "\n".join(p.strip() for p in paragraphs if p.strip())


def nights(docs: list[dict[str, Any]]) -> list[str]:
    """The distinct dates, in order: one night each."""
    return sorted({d["date"] for d in docs})


def is_transcript(doc: dict[str, Any]) -> bool:
    """A spokesperson's answer at a press conference (served as a transcript page)."""
    return bool(doc.get("speaker")) and "press conference" in (doc.get("title") or "").lower()


def _feed_name(doc: dict[str, Any]) -> str:
    return (doc.get("source_country") or "news").lower()


def site_files(docs: list[dict[str, Any]], night: str, base: str) -> dict[str, bytes]:
    """The whole replay site as it stands on `night` (documents dated up to it)."""
    shown = [d for d in docs if d["date"] <= night]
    files: dict[str, bytes] = {}
    transcripts = [d for d in shown if is_transcript(d)]
    for i, doc in enumerate(docs):
        if doc in transcripts:
            files[f"/mfa/{_page_name(i)}"] = _transcript(doc).encode()
    files["/mfa/index.html"] = _listing([(_page_name(docs.index(d)), d) for d in reversed(transcripts)]).encode()
    by_feed: dict[str, list[dict[str, Any]]] = {}
    for doc in shown:
        if not is_transcript(doc):
            by_feed.setdefault(_feed_name(doc), []).append(doc)
    for name in {_feed_name(d) for d in docs if not is_transcript(d)}:
        files[f"/feeds/{name}.xml"] = _rss(name, by_feed.get(name, [])[::-1][:FEED_ITEMS], base).encode()
    return files


def sources(docs: list[dict[str, Any]], base: str) -> dict[str, Any]:
    """A sources file for the replay site (private networks allowed: it is on 127.0.0.1)."""
    out: list[dict[str, Any]] = []
    if any(is_transcript(d) for d in docs):
        country = next(d.get("source_country") for d in docs if is_transcript(d))
        out.append(
            {
                "name": "Replayed press conferences",
                "url": f"{base}/mfa/index.html",
                "country": country or "",
                "kind": "ministry" if country else "news",  # a ministry is always some country's voice
                "listing": True,
                "extractor": "mfa_press_conference",
            }
        )
    for name in sorted({_feed_name(d) for d in docs if not is_transcript(d)}):
        entry: dict[str, Any] = {"name": f"Replayed feed ({name})", "url": f"{base}/feeds/{name}.xml", "kind": "news"}
        if name != "news":
            entry.update(country=name.upper(), kind="ministry")
        out.append(entry)
    return {"allow_private_networks": True, "sources": out}


def _page_name(index: int) -> str:
    return f"t{1_000_000 + index}.shtml"


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n") if p.strip()]


def _transcript(doc: dict[str, Any]) -> str:
    title = doc.get("title") or (
        f"Foreign Ministry Spokesperson {doc['speaker']}'s Regular Press Conference on {doc['date']}"
    )
    paras = _paragraphs(doc["text"])
    answer = [f"<p>A: {escape(paras[0])}</p>"] + [f"<p>{escape(p)}</p>" for p in paras[1:]]
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{escape(title)}</title></head><body>'
        f'<div class="content_mod"><h2 class="title">{escape(title)}</h2><div class="content">'
        f"<p><b>Q: (The question is not part of this replay.)</b></p>{''.join(answer)}"
        f"</div></div></body></html>"
    )


def _listing(pages: list[tuple[str, dict[str, Any]]]) -> str:
    items = "".join(
        f'<li><a href="./{name}">{escape(d.get("title") or d["id"])}</a> <span>{d["date"]}</span></li>'
        for name, d in pages
    )
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>Regular Press Conference</title></head>'
        f'<body><div class="newsLst_mod"><ul>{items}</ul></div></body></html>'
    )


def _rss(name: str, docs: list[dict[str, Any]], base: str) -> str:
    items = []
    for d in docs:
        content = "".join(f"<p>{escape(p)}</p>" for p in _paragraphs(d["text"]))
        link = d.get("url") or f"{base}/items/{d['id']}"
        items.append(
            f"<item><title>{escape(d.get('title') or d['id'])}</title><link>{escape(link)}</link>"
            f'<guid isPermaLink="false">{escape(d["id"])}</guid><pubDate>{_rfc822(d["date"])}</pubDate>'
            f"<description>{escape(_paragraphs(d['text'])[0][:200])}</description>"
            f"<content:encoded><![CDATA[{content}]]></content:encoded></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        f"<title>Replayed {escape(name)}</title><link>{base}/</link><description>replay</description>"
        + "".join(items)
        + "</channel></rss>"
    )


def _rfc822(day: str) -> str:
    d = date.fromisoformat(day)
    return format_datetime(datetime(d.year, d.month, d.day, 12, tzinfo=timezone.utc))


def replay(
    docs: list[dict[str, Any]],
    db: str | Path,
    config: str | Path | None = None,
    quiet: bool = True,
    only: Iterable[str] | None = None,
) -> Iterator[tuple[str, dict[str, Any]]]:
    """Run one nightly flow per date (or per date in `only`); yields (night, summary)."""
    from stancewatch.flows.nightly import run_night

    wanted = set(only) if only is not None else None
    with LocalSite() as site, tempfile.TemporaryDirectory(prefix="stancewatch-replay-") as tmp:
        sources_file = Path(tmp) / "sources.yaml"
        sources_file.write_text(yaml.safe_dump(sources(docs, site.base), sort_keys=False))
        for night in nights(docs):
            if wanted is not None and night not in wanted:
                continue
            site.files = site_files(docs, night, site.base)
            yield night, run_night(sources_file, db, config=config, night=night, quiet=quiet)
