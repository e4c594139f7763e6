"""A deterministic news corpus for the nightly benchmark, generated lazily from URLs.

    from benchmarks.corpus import Corpus, CorpusServer
    corpus = Corpus(feeds=200, per_feed=50, seed=1)
    with CorpusServer(corpus, latency=(0.02, 0.08)) as server:
        corpus.sources(server.port)   # a sources file's content: one feed per host 127.0.0.2, 127.0.0.3, ...

Nothing is held in memory: every feed and page is rebuilt from its URL and the
seed on each request (a seeded `random.Random` per feed and per article), so a
10,000-page corpus costs the server nothing to keep and the same URL always
gives the same bytes.

Feed `f` lives on host 127.0.0.(2+f) (127.0.1.x after 253 feeds; all of
127.0.0.0/8 is loopback on Linux and the server binds 0.0.0.0), so the
fetcher's per-host politeness applies per feed as it would on the web.

Pages: 30-150 KB of news-like HTML (head with metadata, CSS and scripts,
header navigation, rails, related stories, comments, footer) around an
article body of several paragraphs that mixes diplomatic statements (positions
held by officials and governments of many countries: oppose, concern,
support, demands) with plenty of ordinary news prose. Ministry feeds publish
press releases in the ministry's own voice.

Feeds: RSS 2.0, summary only (the page has to be fetched), except a share of
feeds (20 % by default) that carry the whole article in content:encoded the
way the US State Department feed does.

With `corpora=` (the shared `corpora/` folder: `kremlin-news/`,
`mfa-press-conferences/`, `statedept-rss-daily/`) real pages are the material
instead: Kremlin readouts and MFA transcripts become the article pages (each
copy made unique by a generated paragraph and padded with boilerplate to its
target size), and full-text feeds carry real State Department items. MFA
transcript feeds name the `mfa_press_conference` site extractor, as the real
sources file does. The real pages are read from that folder, never copied.
"""

from __future__ import annotations

import gzip
import hashlib
import ipaddress
import json
import random
import re
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from functools import lru_cache
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import yaml

#: Articles are dated in the two days before this instant (fixed: the corpus must not depend on the clock).
BASE_TIME = datetime(2026, 11, 20, 6, 0, tzinfo=timezone.utc)
FIRST_HOST = ipaddress.IPv4Address("127.0.0.2")

# ----------------------------------------------------------------------------- material
# Word lists and templates, in corpus_material.yaml (data, not code).
_MATERIAL = yaml.safe_load((Path(__file__).with_name("corpus_material.yaml")).read_text(encoding="utf-8"))
SPEAKERS: dict[str, list[tuple[str, str]]] = {
    code: [(name, role) for name, role in people] for code, people in _MATERIAL["speakers"].items()
}
COUNTRIES: dict[str, tuple[str, str, str]] = {
    code: (name, demonym, capital) for code, (name, demonym, capital) in _MATERIAL["countries"].items()
}
STATE_CODES = [c for c in COUNTRIES]
GIVEN: list[str] = _MATERIAL["given"]
FAMILY: list[str] = _MATERIAL["family"]
WEEKDAYS: list[str] = _MATERIAL["weekdays"]
ISSUES_BAD: list[str] = _MATERIAL["issues_bad"]
ISSUES_GOOD: list[str] = _MATERIAL["issues_good"]
DEMAND_BAD: list[str] = _MATERIAL["demand_bad"]
ALL_PARTIES: list[str] = _MATERIAL["all_parties"]
VERB_OPPOSE: list[str] = _MATERIAL["verb_oppose"]
VERB_OPPOSE_PAST: list[str] = _MATERIAL["verb_oppose_past"]
VERB_SUPPORT: list[str] = _MATERIAL["verb_support"]
REPORT: list[str] = _MATERIAL["report"]
EVAL_BAD: list[str] = _MATERIAL["eval_bad"]
PROSE: list[str] = _MATERIAL["prose"]
TITLE_PROSE: list[str] = _MATERIAL["title_prose"]
SECTIONS: list[str] = _MATERIAL["sections"]
NAV: list[str] = _MATERIAL["nav"]
FOOTER: list[str] = _MATERIAL["footer"]
PAPERS: list[str] = _MATERIAL["papers"]
COMMENTERS: list[str] = _MATERIAL["commenters"]
COMMENTS: list[str] = _MATERIAL["comments"]


# ----------------------------------------------------------------------------- feeds
@dataclass(frozen=True)
class FeedInfo:
    index: int
    host: str
    name: str
    country: str  # ISO3 for ministry feeds, "" for news outlets
    kind: str  # "ministry" | "news"
    full_text: bool  # carries the article in content:encoded
    template: str  # "synthetic" | "kremlin" | "mfa" | "statedept"


@dataclass(frozen=True)
class ArticleMeta:
    feed: int
    n: int
    title: str
    slug: str
    section: str
    published: datetime
    author: str
    political: bool


def host_for(feed: int) -> str:
    return str(FIRST_HOST + feed)


def _rng(seed: int, *key: Any) -> random.Random:
    return random.Random("|".join(map(str, (seed, *key))))


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:70] or "story"


def _fill(template: str, r: random.Random, cap: bool = True, **known: str) -> str:
    """Fill {T} {TD} {X} {XD} {XC} {C} {C2} {D} {WD} {N} {M} {K} {P} {UD} {PLACE} slots."""

    def pick(_: re.Match) -> str:
        key = _.group(1)
        if key in known:
            return known[key]
        if key in ("T", "TD", "TC"):
            code = known.setdefault("_T", r.choice(STATE_CODES))
            known["T"], known["TD"], known["TC"] = COUNTRIES[code]
            return known[key]
        if key in ("X", "XD", "XC"):
            code = known.setdefault("_X", r.choice(STATE_CODES))
            known["X"], known["XD"], known["XC"] = COUNTRIES[code]
            return known[key]
        value = {
            "C": lambda: COUNTRIES[r.choice(STATE_CODES)][2],
            "C2": lambda: COUNTRIES[r.choice(STATE_CODES)][2],
            "D": lambda: COUNTRIES[r.choice(STATE_CODES)][1],
            "WD": lambda: r.choice(WEEKDAYS),
            "N": lambda: str(r.randint(12, 9000)),
            "M": lambda: str(r.randint(2, 40)),
            "K": lambda: str(r.randint(0, 3)),
            "P": lambda: f"{r.uniform(0.1, 9.9):.1f}",
            "UD": lambda: r.choice(["up", "down"]),
            "PLACE": lambda: r.choice(["hospital", "library", "metro line", "stadium", "concert hall", "bridge"]),
        }[key]()
        return value

    out = re.sub(r"\{([A-Z0-9]+)\}", pick, template)
    return out[:1].upper() + out[1:] if cap else out


def _actor(r: random.Random, code: str) -> tuple[str, str, str]:
    """(state subject, official with role, official's bare name) for a position held by `code`."""
    name, demonym, capital = COUNTRIES.get(code, (code, code, ""))
    people = SPEAKERS.get(code)
    if people and r.random() < 0.8:
        person, role = r.choice(people)
        official = f"{role} {person}"
    else:
        person = f"{r.choice(GIVEN)} {r.choice(FAMILY)}"
        official = (
            f"a spokesperson, {person},"
            if code in ("NATO", "UN")
            else f"{demonym} Foreign Ministry spokesperson {person}"
        )
    if code in ("NATO", "UN"):
        subject = name
    else:
        subject = r.choice([name, name, f"the {demonym} government", f"the {demonym} Foreign Ministry", capital])
    return subject, official, person


def statement_sentence(r: random.Random, actor_code: str | None = None, ministry_voice: bool = False) -> str:
    """One sentence holding a position (oppose / concern / support / demand), in one of several shapes:
    "China firmly opposes X, Foreign Ministry spokesperson Mao Ning said on Tuesday." /
    "Lavrov condemned X, calling it Y." / a quote / "The Ministry urges T to stop Y." (ministry voice)."""
    code = actor_code or r.choice(list(SPEAKERS) + STATE_CODES[:12])
    target = r.choice([c for c in STATE_CODES if c != code])
    tname = COUNTRIES[target][0]
    subject, official, person = _actor(r, code)
    if ministry_voice:
        subject = r.choice(["the Ministry", "the Ministry of Foreign Affairs", "the Government", "we"])
    report = _fill(r.choice(REPORT), r, cap=False, C=COUNTRIES[target][2])
    tail = "" if ministry_voice else f", {official} {report}"
    shape = r.random()  # who holds it: the state (with a reporting clause) or the official himself
    if not ministry_voice and shape < 0.35:
        subject, tail = r.choice([official, person]), ""
    kind = r.random()
    if kind < 0.32:
        issue = _fill(r.choice(ISSUES_BAD), r, cap=False, _T=target)
        form = r.randrange(3)
        if form == 1 and not ministry_voice:
            out = f'"We {r.choice(["firmly oppose", "reject", "condemn"])} {issue}," {official} {report}.'
        elif form == 2:
            out = f"{subject} {r.choice(VERB_OPPOSE_PAST)} {issue}, calling it {r.choice(EVAL_BAD)}{tail}."
        else:
            out = f"{subject} {r.choice(VERB_OPPOSE)} {issue}{tail}."
    elif kind < 0.52:
        issue = _fill(r.choice(ISSUES_BAD + ISSUES_GOOD[:4]), r, cap=False, _T=target)
        cue = r.choice(
            [
                "is deeply concerned about",
                "expressed serious concern over",
                "voiced grave concern at",
                "is alarmed by",
                "is worried about",
                "raised concerns about",
            ]
        )
        out = f"{subject} {cue} {issue}{tail}."
    elif kind < 0.72:
        issue = _fill(r.choice(ISSUES_GOOD), r, cap=False, _T=target)
        extra = r.choice(
            [
                "",
                f" and stands ready to work with {tname} to consolidate the progress",
                " as an important step towards lasting peace",
                "",
            ]
        )
        out = f"{subject} {r.choice(VERB_SUPPORT)} {issue}{extra}{tail}."
    elif kind < 0.9:
        ask = _fill(r.choice(DEMAND_BAD), r, cap=False, X=COUNTRIES[r.choice(STATE_CODES)][0])
        verb = r.choice(["urges", "urged", "called on", "calls on", "demanded that"])
        body = (
            f"{subject} demanded that {tname} {ask}"
            if verb == "demanded that"
            else f"{subject} {verb} {tname} to {ask}"
        )
        out = f"{body}{tail}."
    else:
        out = (
            f"{subject} called on {r.choice(ALL_PARTIES)} to exercise restraint and resolve their differences "
            f"through dialogue and consultation{tail}."
        )
    return out[:1].upper() + out[1:]


def prose_sentence(r: random.Random) -> str:
    return _fill(r.choice(PROSE), r)


def body_paragraphs(r: random.Random, political: bool, ministry: str = "") -> list[str]:
    """The article body: several paragraphs; political stories carry statements among the prose."""
    paragraphs = []
    for i in range(r.randint(5, 16)):
        sentences = []
        for _ in range(r.randint(2, 5)):
            share = 0.25 if political else 0.03
            if i == 0 and political and not sentences:
                share = 0.9  # news leads with the position
            if r.random() < share:
                voice = bool(ministry) and r.random() < 0.6
                sentences.append(statement_sentence(r, ministry if voice else None, voice))
            else:
                sentence = prose_sentence(r)
                if sentence in sentences:
                    sentence = prose_sentence(r)
                sentences.append(sentence)
        paragraphs.append(" ".join(sentences))
    return paragraphs


# ----------------------------------------------------------------------------- boilerplate
def _css(r: random.Random, size: int) -> str:
    rules, total = [], 0
    while total < size:
        rule = (
            f".c-{r.randrange(10**6):x}{{margin:{r.randint(0, 24)}px {r.randint(0, 24)}px;"
            f"color:#{r.randrange(16**6):06x};font-size:{r.randint(11, 22)}px;display:{r.choice(['block', 'flex', 'grid'])}}}"
        )
        rules.append(rule)
        total += len(rule)
    return "".join(rules)


def _script(r: random.Random, size: int) -> str:
    parts, total = ["window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments);}"], 0
    while total < size:
        key = f"k{r.randrange(10**8):x}"
        part = (
            f"gtag('set','{key}',{{'slot':'ad-{r.randint(1, 99)}','sizes':[[300,250],[728,90]],"
            f"'targeting':{{'section':'{r.choice(SECTIONS)}','pos':{r.randint(1, 9)}}}}});"
        )
        parts.append(part)
        total += len(part)
    return "".join(parts)


def _headline(r: random.Random) -> str:
    if r.random() < 0.5:
        code = r.choice(STATE_CODES)
        name = COUNTRIES[code][0]
        verb = r.choice(["opposes", "welcomes", "warns over", "urges calm on", "condemns", "backs"])
        issue = _fill(r.choice(ISSUES_BAD + ISSUES_GOOD), r, cap=False)
        title = f"{name} {verb} {issue}"
    else:
        title = _fill(r.choice(TITLE_PROSE), r)
    return title[:1].upper() + title[1:]


def _links(r: random.Random, base: str, labels: list[str], cls: str) -> str:
    items = "".join(
        f'<li class="{cls}__item"><a class="{cls}__link" href="{base}/{_slug(label)}/">{escape(label)}</a></li>'
        for label in labels
    )
    return f'<ul class="{cls}">{items}</ul>'


def _teaser(r: random.Random, base: str) -> str:
    title = _headline(r)
    return (
        f'<div class="teaser c-{r.randrange(999)}"><a href="{base}/{r.choice(SECTIONS)}/{_slug(title)}-{r.randrange(10**6)}.html">'
        f'<img src="{base}/img/{r.randrange(10**7)}.jpg" alt="" loading="lazy" width="320" height="180">'
        f'<h3 class="teaser__title">{escape(title)}</h3></a><p class="teaser__dek">{escape(prose_sentence(r))}</p>'
        f'<span class="teaser__meta">{r.randint(1, 23)}h ago</span></div>'
    )


def _rail_block(r: random.Random, base: str) -> str:
    kind = r.randrange(4)
    if kind == 0:
        items = "".join(
            f'<li><span class="rank">{i + 1}</span><a href="{base}/{_slug(h)}.html">{escape(h)}</a></li>'
            for i, h in enumerate(_headline(r) for _ in range(10))
        )
        return f'<section class="most-read"><h2>Most read</h2><ol>{items}</ol></section>'
    if kind == 1:
        return (
            '<section class="newsletter"><h2>Sign up for our morning briefing</h2><p>The day\'s top stories '
            'in your inbox every weekday.</p><form action="/subscribe" method="post"><input type="email" '
            'name="email" placeholder="Your email address"><button type="submit">Sign up</button></form>'
            '<p class="small">By signing up you agree to our terms and privacy policy.</p></section>'
        )
    if kind == 2:
        return f'<div class="ad-slot" id="ad-{r.randrange(10**6)}" data-size="300x600"><span>Advertisement</span></div>'
    teasers = "".join(_teaser(r, base) for _ in range(4))
    return f'<section class="more-from"><h2>More from {r.choice(NAV)}</h2>{teasers}</section>'


def page_html(
    site: str, url: str, base: str, meta: ArticleMeta, paragraphs: list[str], target: int, r: random.Random
) -> str:
    """A whole article page of about `target` bytes around the body paragraphs."""
    iso = meta.published.isoformat()
    dek = paragraphs[0].split(". ")[0] + "."
    ld = json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": meta.title,
            "datePublished": iso,
            "dateModified": iso,
            "author": {"@type": "Person", "name": meta.author},
            "publisher": {"@type": "Organization", "name": site},
            "mainEntityOfPage": url,
        }
    )
    body_parts = []
    for i, p in enumerate(paragraphs):
        body_parts.append(f"<p>{escape(p)}</p>")
        if i == 2:
            body_parts.append(f'<aside class="inline-related"><h4>Read more</h4>{_teaser(r, base)}</aside>')
        if i == 5:
            body_parts.append('<div class="ad-slot ad-inline"><span>Advertisement</span></div>')
    article = (
        f'<article class="story" itemscope itemtype="https://schema.org/NewsArticle">'
        f'<div class="breadcrumb"><a href="{base}/">Home</a> &rsaquo; <a href="{base}/{meta.section}/">'
        f'{meta.section.title()}</a></div><h1 class="story__title" itemprop="headline">{escape(meta.title)}</h1>'
        f'<div class="byline">By <a rel="author" href="{base}/authors/{_slug(meta.author)}">{escape(meta.author)}</a>'
        f' &middot; <time datetime="{iso}">{meta.published:%d %B %Y, %H:%M} UTC</time></div>'
        f'<figure class="lead-image"><img src="{base}/img/{meta.feed}-{meta.n}.jpg" alt="" width="1200" height="675">'
        f"<figcaption>{escape(prose_sentence(r))} Photo: {escape(r.choice(FAMILY))}/{site}</figcaption></figure>"
        f'<div class="story__body" itemprop="articleBody">{"".join(body_parts)}</div>'
        f'<div class="tags">{_links(r, base, r.sample(NAV, 5), "tag-list")}</div>'
        f'<div class="share"><a href="#">Share</a><a href="#">Email</a><a href="#">Print</a></div></article>'
    )
    header = (
        f'<header class="site-header"><div class="top-bar"><a href="{base}/subscribe">Subscribe</a>'
        f'<a href="{base}/login">Log in</a><span class="date">{meta.published:%A %d %B %Y}</span></div>'
        f'<div class="logo"><a href="{base}/">{escape(site)}</a></div><nav class="main-nav" aria-label="Sections">'
        f'{_links(r, base, NAV, "nav")}</nav><div class="ticker"><strong>Breaking:</strong> '
        f'<a href="{base}/live/">{escape(_headline(r))}</a></div></header>'
    )
    footer_cols = "".join(
        f'<div class="footer-col"><h3>{h}</h3>{_links(r, base, r.sample(FOOTER, 8), "footer-links")}</div>'
        for h in ("Sections", "Company", "Help", "Follow us")
    )
    footer = (
        f'<footer class="site-footer">{footer_cols}<p class="copyright">&copy; 2026 {escape(site)}. All rights '
        f"reserved. Reproduction without permission is prohibited.</p><p>{escape(site)} is not responsible for "
        f"the content of external sites.</p></footer>"
    )
    head = (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{escape(meta.title)} | {escape(site)}</title>'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="description" content="{escape(dek)}"><meta property="og:title" content="{escape(meta.title)}">'
        f'<meta property="og:type" content="article"><meta property="og:url" content="{url}">'
        f'<meta property="og:site_name" content="{escape(site)}"><meta name="author" content="{escape(meta.author)}">'
        f'<meta property="article:published_time" content="{iso}"><meta property="article:section" content="{meta.section}">'
        f'<link rel="canonical" href="{url}"><script type="application/ld+json">{ld}</script>'
    )
    fixed = len(head) + len(header) + len(article) + len(footer) + 200
    room = max(0, target - fixed)
    css_size, script_size = int(room * 0.12), int(room * 0.18)
    markup_budget = room - css_size - script_size
    rails, related, comments = [], [], []
    used = 0
    while used < markup_budget:
        pick = r.random()
        if pick < 0.45:
            block = _rail_block(r, base)
            rails.append(block)
        elif pick < 0.85:
            block = _teaser(r, base)
            related.append(block)
        else:
            block = (
                f'<li class="comment"><span class="comment__author">{r.choice(COMMENTERS)}</span>'
                f'<span class="comment__time">{r.randint(1, 59)} minutes ago</span>'
                f'<p class="comment__text">{r.choice(COMMENTS)}</p><a class="reply" href="#">Reply</a></li>'
            )
            comments.append(block)
        used += len(block)
    half = len(rails) // 2
    left, right = "".join(rails[:half]), "".join(rails[half:])
    return (
        f"{head}<style>{_css(r, css_size)}</style><script>{_script(r, script_size // 2)}</script></head>"
        f'<body class="article-page">{header}<div class="layout"><aside class="rail rail--left">{left}</aside>'
        f'<main id="main">{article}<section class="related"><h2>Related stories</h2>{"".join(related)}</section>'
        f'<section class="comments" id="comments"><h2>Comments</h2><ol>{"".join(comments)}</ol></section></main>'
        f'<aside class="rail rail--right">{right}</aside></div>{footer}'
        f"<script>{_script(r, script_size - script_size // 2)}</script></body></html>"
    )


# ----------------------------------------------------------------------------- the corpus
class Corpus:
    """`feeds` x `per_feed` articles, every byte a function of (seed, URL)."""

    def __init__(
        self,
        feeds: int = 200,
        per_feed: int = 50,
        seed: int = 1,
        full_text_share: float = 0.2,
        ministry_share: float = 0.3,
        corpora: str | Path | None = None,
        min_kb: int = 30,
        max_kb: int = 150,
        edition: int = 1,
    ) -> None:
        self.feeds, self.per_feed, self.seed = feeds, per_feed, seed
        self.min_bytes, self.max_bytes = min_kb * 1000, max_kb * 1000
        self.edition = edition
        r = _rng(seed, "feeds")
        full = set(r.sample(range(feeds), round(feeds * full_text_share)))
        ministries = set(r.sample(range(feeds), round(feeds * ministry_share)))
        self.real = RealMaterial(Path(corpora)) if corpora else None
        self.feed_info: list[FeedInfo] = []
        for f in range(feeds):
            fr = _rng(seed, "feed", f)
            template = "synthetic"
            if f in ministries:
                code = fr.choice(list(SPEAKERS)[:17] + STATE_CODES[17:])
                country = code if len(code) == 3 else ""
                name = f"Ministry of Foreign Affairs of {COUNTRIES[code][0].removeprefix('the ')}" if country else code
                kind = "ministry" if country else "news"
            else:
                country, kind = "", "news"
                name = f"The {COUNTRIES[fr.choice(STATE_CODES)][2]} {fr.choice(PAPERS)}"
            if self.real is not None:
                if f in full:
                    template, country, kind, name = "statedept", "USA", "ministry", "US Department of State (replayed)"
                elif fr.random() < 0.15 and self.real.mfa:
                    template, country, kind, name = "mfa", "CHN", "ministry", "Chinese MFA press conferences (replayed)"
                elif fr.random() < 0.6 and self.real.kremlin:
                    template, country, kind, name = "kremlin", "RUS", "ministry", "Kremlin news (replayed)"
            self.feed_info.append(FeedInfo(f, host_for(f), f"{name} #{f}", country, kind, f in full, template))

    # -- addresses --------------------------------------------------------------
    def feed_path(self, f: int) -> str:
        return f"/rss/{f}.xml"

    @lru_cache(maxsize=4096)
    def meta(self, f: int, n: int) -> ArticleMeta:
        """Title, date, author of article n of feed f (n = 0 is the newest)."""
        offsets = self._offsets(f)
        r = _rng(self.seed, "meta", f, n)
        info = self.feed_info[f]
        political = info.kind == "ministry" or r.random() < 0.7
        if political:
            title = _headline(r) if r.random() < 0.3 else self._political_title(r)
        else:
            title = _fill(r.choice(TITLE_PROSE), r)
        published = BASE_TIME - timedelta(seconds=offsets[n])
        author = f"{r.choice(GIVEN)} {r.choice(FAMILY)}"
        return ArticleMeta(f, n, title, _slug(title), r.choice(SECTIONS), published, author, political)

    @staticmethod
    def _political_title(r: random.Random) -> str:
        code = r.choice(list(SPEAKERS)[:17])
        verb = r.choice(
            [
                "opposes",
                "welcomes",
                "voices concern over",
                "urges restraint on",
                "condemns",
                "backs",
                "rejects",
                "calls for talks on",
            ]
        )
        title = f"{COUNTRIES[code][0]} {verb} {_fill(r.choice(ISSUES_BAD + ISSUES_GOOD), r, cap=False)}"
        return title[:1].upper() + title[1:]

    @lru_cache(maxsize=1024)
    def _offsets(self, f: int) -> list[int]:
        r = _rng(self.seed, "offsets", f)
        return sorted(r.randrange(60, 2 * 86400) for _ in range(self.per_feed))

    def article_path(self, f: int, n: int) -> str:
        m = self.meta(f, n)
        return f"/{m.section}/{m.published:%Y/%m/%d}/{m.slug}-{f}-{n}.html"

    def article_url(self, f: int, n: int, port: int) -> str:
        return f"http://{host_for(f)}:{port}{self.article_path(f, n)}"

    @staticmethod
    def parse_article_path(path: str) -> tuple[int, int] | None:
        m = re.search(r"-(\d+)-(\d+)\.html$", path)
        return (int(m.group(1)), int(m.group(2))) if m else None

    # -- content ----------------------------------------------------------------
    def paragraphs(self, f: int, n: int) -> list[str]:
        info, meta = self.feed_info[f], self.meta(f, n)
        r = _rng(self.seed, "body", f, n)
        return body_paragraphs(r, meta.political, info.country if info.kind == "ministry" else "")

    def body_html(self, f: int, n: int) -> str:
        """The article body as the full-text feeds carry it (content:encoded)."""
        info = self.feed_info[f]
        if info.template == "statedept" and self.real is not None:
            return self.real.statedept_item(self.seed, f, n, self.paragraphs(f, n)[0])
        return "".join(f"<p>{escape(p)}</p>" for p in self.paragraphs(f, n))

    def page(self, f: int, n: int, port: int) -> bytes:
        """The whole HTML page of article n of feed f."""
        info, meta = self.feed_info[f], self.meta(f, n)
        r = _rng(self.seed, "page", f, n)
        target = int(
            r.triangular(self.min_bytes, self.max_bytes, self.min_bytes + (self.max_bytes - self.min_bytes) // 4)
        )
        base = f"http://{info.host}:{port}"
        url = base + self.article_path(f, n)
        if self.real is not None and info.template in ("kremlin", "mfa"):
            return self.real.page(info.template, self.seed, f, n, self.paragraphs(f, n), target, r, base).encode(
                "utf-8"
            )
        return page_html(info.name.split(" #")[0], url, base, meta, self.paragraphs(f, n), target, r).encode("utf-8")

    def feed(self, f: int, port: int) -> bytes:
        """The RSS feed of feed f: its `per_feed` newest articles."""
        info = self.feed_info[f]
        base = f"http://{info.host}:{port}"
        items = []
        for n in range(self.per_feed):
            m = self.meta(f, n)
            url = base + self.article_path(f, n)
            first = self.paragraphs(f, n)[0]
            teaser = escape(" ".join(first.split()[:30]) + " ...")
            content = ""
            if info.full_text:
                content = f"<content:encoded><![CDATA[{self.body_html(f, n)}]]></content:encoded>"
            items.append(
                f"<item><title>{escape(m.title)}</title><link>{url}</link>"
                f'<guid isPermaLink="true">{url}</guid><pubDate>{format_datetime(m.published)}</pubDate>'
                f"<dc:creator>{escape(m.author)}</dc:creator><category>{m.section}</category>"
                f"<description>{teaser}</description>{content}</item>"
            )
        return (
            f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
            f'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f"<channel><title>{escape(info.name)}</title><link>{base}/</link>"
            f"<description>Latest stories from {escape(info.name)}</description><language>en</language>"
            f"<lastBuildDate>{format_datetime(BASE_TIME)}</lastBuildDate>{''.join(items)}</channel></rss>"
        ).encode("utf-8")

    def etag(self, kind: str, f: int, n: int = 0) -> str:
        return '"' + hashlib.sha256(f"{self.seed}|{self.edition}|{kind}|{f}|{n}".encode()).hexdigest()[:20] + '"'

    def sources(self, port: int) -> dict[str, Any]:
        """A sources file for the corpus served on `port`."""
        out = []
        for info in self.feed_info:
            entry: dict[str, Any] = {
                "name": info.name,
                "url": f"http://{info.host}:{port}{self.feed_path(info.index)}",
                "kind": info.kind,
            }
            if info.country:
                entry["country"] = info.country
            if info.template == "mfa":
                entry["extractor"] = "mfa_press_conference"
            out.append(entry)
        return {"allow_private_networks": True, "sources": out}

    def articles(self) -> list[tuple[int, int]]:
        return [(f, n) for f in range(self.feeds) for n in range(self.per_feed)]


# ----------------------------------------------------------------------------- real material
class RealMaterial:
    """Real pages from the shared corpora folder, used as templates (read, never copied)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.kremlin = sorted((root / "kremlin-news").glob("*.html.gz")) if (root / "kremlin-news").is_dir() else []
        self.mfa = (
            sorted((root / "mfa-press-conferences").glob("*.html.gz"))
            if (root / "mfa-press-conferences").is_dir()
            else []
        )
        self._statedept: list[tuple[str, str]] | None = None
        self._lock = threading.Lock()

    @staticmethod
    @lru_cache(maxsize=64)
    def _read(path: Path) -> str:
        return gzip.decompress(path.read_bytes()).decode("utf-8", "replace")

    def statedept_items(self) -> list[tuple[str, str]]:
        """(title, content:encoded HTML) of every distinct item of the saved State Department feeds."""
        with self._lock:
            if self._statedept is None:
                seen: dict[str, tuple[str, str]] = {}
                for path in sorted((self.root / "statedept-rss-daily").glob("*.rss.gz")):
                    text = gzip.decompress(path.read_bytes()).decode("utf-8", "replace")
                    for item in re.findall(r"<item>(.*?)</item>", text, re.S):
                        title = re.search(r"<title>(.*?)</title>", item, re.S)
                        content = re.search(r"<content:encoded><!\[CDATA\[(.*?)\]\]></content:encoded>", item, re.S)
                        if title and content and len(content.group(1)) > 400:
                            seen.setdefault(title.group(1), (title.group(1), content.group(1)))
                self._statedept = list(seen.values())
            return self._statedept

    def statedept_item(self, seed: int, f: int, n: int, unique: str) -> str:
        items = self.statedept_items()
        if not items:
            return f"<p>{escape(unique)}</p>"
        _, content = items[_rng(seed, "sd", f, n).randrange(len(items))]
        return f"{content}<p>{escape(unique)}</p>"  # a generated paragraph keeps every copy distinct

    def page(
        self, template: str, seed: int, f: int, n: int, paragraphs: list[str], target: int, r: random.Random, base: str
    ) -> str:
        files = self.kremlin if template == "kremlin" else self.mfa
        html = self._read(files[_rng(seed, "real", f, n).randrange(len(files))])
        unique = "".join(f"<p>{escape(p)}</p>" for p in paragraphs[:2])  # keeps every copy distinct
        if template == "mfa":  # opening announcements: before the first "Q:" turn
            found = re.search(r"<p[^>]*>\s*(?:<[^>]+>\s*){0,4}Q\s*[:\uff1a]", html, re.I)
            at = found.start() if found else -1
        else:  # the start of the readout's body
            found = re.search(r'itemprop="articleBody"[^>]*>', html)
            at = found.end() if found else -1
        if at < 0:
            found = re.search(r'<div class="content">|</article>|</body>', html, re.I)
            at = found.end() if found and found.group().startswith("<div") else (found.start() if found else len(html))
        html = html[:at] + unique + html[at:]
        pad = []
        size = len(html)
        while size < target:
            block = _rail_block(r, base)
            pad.append(block)
            size += len(block)
        return html.replace("</body>", f'<aside class="rail">{"".join(pad)}</aside></body>', 1)


# ----------------------------------------------------------------------------- the server
class CorpusServer:
    """Serves a Corpus on 0.0.0.0:port (every 127.x address) with injected latency, ETags and gzip."""

    def __init__(
        self, corpus: Corpus, latency: tuple[float, float] = (0.02, 0.08), port: int = 0, gzip_level: int | None = 1
    ) -> None:
        self.corpus = corpus
        self.latency = latency
        self.gzip_level = gzip_level
        self.stats = {"feeds": 0, "pages": 0, "not_modified": 0, "not_found": 0, "bytes": 0}
        self.busy = 0.0  # seconds spent building responses (CPU in the benchmark process)
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("0.0.0.0", port), self._handler(), bind_and_activate=False)
        self._httpd.daemon_threads = True
        self._httpd.request_queue_size = 512
        self._httpd.allow_reuse_address = True
        self._httpd.server_bind()
        self._httpd.server_activate()
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True, name="corpus-server")

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    def __enter__(self) -> "CorpusServer":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def _count(self, key: str, nbytes: int = 0, busy: float = 0.0) -> None:
        with self._lock:
            self.stats[key] += 1
            self.stats["bytes"] += nbytes
            self.busy += busy

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self
        corpus = self.corpus

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as real servers do

            def do_GET(self) -> None:  # noqa: N802
                started = time.perf_counter()
                path = self.path.split("?", 1)[0]
                port = server.port
                body, ctype, etag = None, "text/html; charset=utf-8", None
                feed_match = re.fullmatch(r"/rss/(\d+)\.xml", path)
                if feed_match and int(feed_match.group(1)) < corpus.feeds:
                    f = int(feed_match.group(1))
                    etag, ctype, kind = corpus.etag("feed", f), "application/rss+xml; charset=utf-8", "feeds"
                    if self.headers.get("If-None-Match") != etag:
                        body = corpus.feed(f, port)
                else:
                    ids = corpus.parse_article_path(path)
                    kind = "pages"
                    if ids is None or ids[0] >= corpus.feeds or ids[1] >= corpus.per_feed:
                        self._send(404, b"not found", "text/plain", None, started, "not_found")
                        return
                    etag = corpus.etag("page", *ids)
                    if self.headers.get("If-None-Match") != etag:
                        body = corpus.page(ids[0], ids[1], port)
                if body is None:
                    self._send(304, b"", ctype, etag, started, "not_modified")
                    return
                self._send(200, body, ctype, etag, started, kind)

            def _send(self, status: int, body: bytes, ctype: str, etag: str | None, started: float, kind: str) -> None:
                encoding = None
                if body and server.gzip_level and "gzip" in self.headers.get("Accept-Encoding", ""):
                    body, encoding = gzip.compress(body, compresslevel=server.gzip_level, mtime=0), "gzip"
                busy = time.perf_counter() - started
                lo, hi = server.latency
                delay = random.Random(self.path).uniform(lo, hi) - busy
                if delay > 0:
                    time.sleep(delay)
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", ctype)
                    self.send_header("Content-Length", str(len(body)))
                    if etag:
                        self.send_header("ETag", etag)
                        self.send_header("Last-Modified", format_datetime(BASE_TIME, usegmt=True))
                    if encoding:
                        self.send_header("Content-Encoding", encoding)
                    self.end_headers()
                    if body:
                        self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    return
                server._count(kind, len(body), busy)

            def log_message(self, *args: object) -> None:
                pass

        return Handler
