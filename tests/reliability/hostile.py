"""The hostile site: every kind of broken or malicious server the issue lists, on 127.0.0.2.

The hostile server runs on 127.0.0.2, the only address the night's sources
file allows (``allowed_networks: [127.0.0.2/32]``, private networks refused).
A second server on 127.0.0.1 plays an internal service ("the victim"): links,
redirects and external entities point at it, and it must never be asked
anything. Two healthy sources run in the same night, and must come through
intact.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tests.reliability.harness import full_text
from tests.support.builders import page, rss
from tests.support.webserver import WebServer

HOSTILE_HOST = "127.0.0.2"
ALLOWED = [f"{HOSTILE_HOST}/32"]
BOMB_BYTES = 2 * 1024**3  # a 2 GiB gzip bomb: ~2 MB on the wire
BIG_FEED_ITEMS = 50_000
MANY_LINKS = 100_000
NESTING = 100_000
LONG_PAGE_BYTES = 9_900_000  # "10 MB": just under the shipped max_bytes (10,000,000)
SECRET_FILE_TEXT = "XXE-LOCAL-FILE-MARKER-7d3a"
URL_PASSWORD = "hunter2-url-password-91c"

GOOD = [
    "The Foreign Ministry said on Monday that it opposes the new sanctions announced last week.",
    "Officials stressed that dialogue remains the only way forward for both sides in the dispute.",
]
GOOD_B = [
    "Ministers from both countries met in Geneva to discuss trade and climate cooperation.",
    "They agreed to continue talks next month and to set up a working group on tariffs.",
]
MINISTRY = (
    "The Secretary spoke today with the Foreign Minister about regional security and the "
    "situation on the border, and reaffirmed support for the sovereignty and territorial integrity "
    "of Ukraine."
)
ACCENTED = (
    "The Minister said the café talks were “useful” and that naïve résumés of the démarche "
    "would help neither side; the Élysée and the Große Koalition both support a ceasefire."
)


@dataclass(frozen=True)
class Site:
    hostile: WebServer
    victim: WebServer
    sources: list[dict]


def _laughs(levels: int = 9) -> str:
    """The 'billion laughs' DTD: &lol9; expands to 10**9 'lol's (3 GB)."""
    ents = ['<!ENTITY lol "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol%s;" % ("" if i == 1 else i - 1)) * 10}">' for i in range(1, levels + 1)
    ]
    return "<!DOCTYPE rss [\n" + "\n".join(ents) + "\n]>\n"


def _xxe(secret_file: Path, victim: WebServer) -> str:
    return (
        f'<!DOCTYPE rss [\n<!ENTITY xxe SYSTEM "file://{secret_file}">\n'
        f'<!ENTITY ssrf SYSTEM "{victim.url("/xxe")}">\n'
        f'<!ENTITY % remote SYSTEM "{victim.url("/xxe.dtd")}">\n%remote;\n]>\n'
    )


def build(hostile: WebServer, victim: WebServer, secret_file: Path) -> Site:
    h = hostile.url
    secret_file.write_text(SECRET_FILE_TEXT)
    victim.add("/admin", "internal admin page", content_type="text/html")
    victim.add("/secret", "internal secret", content_type="text/html")
    victim.add(
        "/feed.xml",
        rss(victim.url(""), [{"title": "internal", "link": victim.url("/secret")}]),
        content_type="application/rss+xml",
    )
    victim.add("/xxe", SECRET_FILE_TEXT)
    victim.add("/xxe.dtd", f'<!ENTITY exfil "{SECRET_FILE_TEXT}">')

    # -- healthy sources: must come through intact ------------------------------------
    hostile.add(
        "/good/feed.xml",
        rss(
            h(""),
            [
                {
                    "title": "Sanctions opposed",
                    "link": h("/good/a.html"),
                    "guid": "good-a",
                    "date": "Mon, 05 Jan 2026 09:00:00 +0000",
                },
                {
                    "title": "Trade talks",
                    "link": h("/good/b.html"),
                    "guid": "good-b",
                    "date": "Mon, 05 Jan 2026 10:00:00 +0000",
                },
            ],
        ),
        content_type="application/rss+xml",
    )
    hostile.add("/good/a.html", page("Sanctions opposed", GOOD), content_type="text/html")
    hostile.add("/good/b.html", page("Trade talks", GOOD_B), content_type="text/html")
    hostile.add(
        "/ministry/feed.xml",
        rss(
            h(""),
            [
                {
                    "title": "Secretary's call",
                    "link": h("/ministry/call/"),
                    "guid": "m-1",
                    "date": "Mon, 05 Jan 2026 12:00:00 +0000",
                    "content": full_text(MINISTRY),
                },
            ],
        ),
        content_type="application/rss+xml",
    )

    # -- hostile feeds -----------------------------------------------------------------
    hostile.add("/drip.xml", drip=0.25, content_type="application/rss+xml")
    hostile.add("/endless.xml", endless=True, content_type="application/rss+xml")
    hostile.add("/bomb.xml", gzip_bomb=BOMB_BYTES, content_type="application/rss+xml")
    hostile.add(
        "/laughs.xml",
        rss(
            h(""),
            [
                {
                    "title": "Laughing &lol9;",
                    "link": h("/laughs/1"),
                    "description": "&lol9;",
                    "content": full_text("A feed whose entities would expand to a billion laughs."),
                },
            ],
            prolog=_laughs(),
        ),
        content_type="application/rss+xml",
    )
    hostile.add(
        "/xxe.xml",
        rss(
            h(""),
            [
                {
                    "title": "File &xxe; and &ssrf; and &exfil;",
                    "link": h("/xxe/1"),
                    "description": "&xxe; &ssrf;",
                    "content": full_text("A feed whose entities point at a local file and an internal address."),
                },
            ],
            prolog=_xxe(secret_file, victim),
        ),
        content_type="application/rss+xml",
    )
    hostile.add(
        "/cp1252.xml",
        rss(
            h(""),
            [
                {"title": "Café talks", "link": h("/cp1252/1"), "guid": "enc-1", "content": full_text(ACCENTED)},
            ],
        ).encode("cp1252"),
        content_type="application/rss+xml; charset=utf-8",
    )  # it says UTF-8; it is not
    big = [
        {
            "title": f"Item {i}",
            "link": h(f"/big/{i}"),
            "guid": f"big-{i}",
            "content": full_text(f"Item number {i} of the enormous feed: {MINISTRY}"),
        }
        for i in range(20)
    ]
    tail = "".join(f"<item><link>{h('/big/')}{i}</link></item>" for i in range(20, BIG_FEED_ITEMS))
    hostile.add("/big.xml", rss(h(""), big, tail=tail), content_type="application/rss+xml")
    hostile.add(
        "/dates.xml",
        rss(
            h(""),
            [
                {
                    "title": "Undated",
                    "link": h("/dates/undated"),
                    "guid": "undated",
                    "content": full_text(
                        "An item that carries no date at all, so its article gets the day it was read."
                    ),
                },
                {
                    "title": "From the future",
                    "link": h("/dates/future"),
                    "guid": "future",
                    "date": "Fri, 01 Jan 2100 00:00:00 +0000",
                    "content": full_text("An item dated in the year 2100, which no honest clock produces."),
                },
            ],
        ),
        content_type="application/rss+xml",
    )
    hostile.add(
        "/schemes.xml",
        rss(
            h(""),
            [
                {"title": "File", "link": "file:///etc/passwd"},
                {"title": "FTP", "link": "ftp://ftp.example.org/pub/statement.txt"},
                {"title": "Script", "link": "javascript:alert(document.cookie)"},
                {"title": "Credentials", "link": f"http://editor:{URL_PASSWORD}@{HOSTILE_HOST}:{hostile.port}/creds"},
                {
                    "title": "Fine",
                    "link": h("/schemes/ok"),
                    "guid": "scheme-ok",
                    "content": full_text("The only item of this feed whose link can be fetched."),
                },
            ],
        ),
        content_type="application/rss+xml",
    )
    hostile.add(
        "/ssrf.xml",
        rss(
            h(""),
            [
                {"title": "Localhost", "link": victim.url("/admin", host="localhost"), "guid": "ssrf-localhost"},
                {"title": "Redirect inside", "link": h("/go/inside"), "guid": "ssrf-redirect"},
                {"title": "Redirect to metadata", "link": h("/go/metadata"), "guid": "ssrf-metadata"},
            ],
        ),
        content_type="application/rss+xml",
    )
    hostile.add("/go/inside", redirect=victim.url("/secret"))
    hostile.add("/go/metadata", redirect="http://169.254.169.254/latest/meta-data/")
    hostile.add("/go/feed.xml", redirect=victim.url("/feed.xml"))
    links = "".join(f'<li><a href="/listing/a{i}.html">Article number {i}</a></li>' for i in range(MANY_LINKS))
    hostile.add(
        "/listing/index.html", f"<!DOCTYPE html><html><body><ul>{links}</ul></body></html>", content_type="text/html"
    )
    for i in range(20):
        hostile.add(
            f"/listing/a{i}.html",
            page(f"Listed {i}", [f"Listed article {i}: {GOOD_B[0]}", GOOD_B[1]]),
            content_type="text/html",
        )

    # -- hostile pages, linked from one feed ---------------------------------------------
    hostile.add("/p/drip.html", drip=0.25, content_type="text/html")
    hostile.add("/p/endless.html", endless=True, content_type="text/html")
    hostile.add("/p/bomb.html", gzip_bomb=BOMB_BYTES, content_type="text/html")
    para = "<p>The minister said the talks were useful and constructive for both sides of the table.</p>"
    head = "<!DOCTYPE html><html><head><title>Long</title></head><body><article>"
    hostile.add(
        "/p/long.html",
        head + para * ((LONG_PAGE_BYTES - len(head)) // len(para)) + "</article></body></html>",
        content_type="text/html",
    )
    words = "The minister said the talks were useful and constructive for both sides. "
    hostile.add(
        "/p/oneline.html",
        head + "<p>" + words * ((LONG_PAGE_BYTES - len(head)) // len(words)) + "</p></article></body></html>",
        content_type="text/html",
    )  # one 9.9 MB paragraph
    hostile.add(
        "/p/nested.html",
        "<!DOCTYPE html><html><body>" + "<div>" * NESTING + f"<p>{GOOD[0]}</p>" + "</div>" * NESTING + "</body></html>",
        content_type="text/html",
    )
    hostile.add(
        "/p/links.html",
        "<!DOCTYPE html><html><body><article>"
        + f"<p>{GOOD[0]}</p>"
        + "".join(f'<a href="/n/{i}.html">Story {i}</a> ' for i in range(MANY_LINKS))
        + "</article></body></html>",
        content_type="text/html",
    )
    hostile.add(
        "/p/cp1252.html",
        page("Encoding lie", [ACCENTED, GOOD[1]]).encode("cp1252"),
        content_type="text/html; charset=utf-8",
    )  # header and meta say UTF-8
    hostile.add(
        "/p/latin1.html",
        page("Encoding lie 2", [ACCENTED, GOOD_B[1]], charset="iso-8859-1").encode("utf-8"),
        content_type="text/html; charset=iso-8859-1",
    )  # header and meta say Latin-1
    hostile.add(
        "/pages.xml",
        rss(
            h(""),
            [{"title": name, "link": h(f"/p/{name}.html"), "guid": f"p-{name}"} for name in PAGES]
            + [
                {
                    "title": "A 1.25 MB paragraph in the feed",
                    "link": h("/p/feed-paragraph.html"),
                    "guid": "p-feed-paragraph",
                    "content": "<p>" + "word " * 250_000 + "</p>",
                },
            ],
        ),
        content_type="application/rss+xml",
    )

    feeds = ["drip", "endless", "bomb", "laughs", "xxe", "cp1252", "big", "dates", "schemes", "ssrf", "pages"]
    sources = [
        {"name": "good news", "url": h("/good/feed.xml"), "kind": "news"},
        {"name": "good ministry", "url": h("/ministry/feed.xml"), "country": "USA", "kind": "ministry"},
        *({"name": name, "url": h(f"/{name}.xml"), "kind": "news"} for name in feeds),
        {"name": "redirected feed", "url": h("/go/feed.xml"), "kind": "news"},
        {"name": "listing", "url": h("/listing/index.html"), "kind": "news", "listing": True},
    ]
    return Site(hostile, victim, sources)


PAGES = ["drip", "endless", "bomb", "long", "oneline", "nested", "links", "cp1252", "latin1"]
