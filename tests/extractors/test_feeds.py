"""Feed parsing from bytes: items, bozo feeds, HTML instead of a feed, limits and odd dates."""

from datetime import datetime, timezone

import pytest

from stancewatch.extractors.feeds import FeedError, parse_feed

RSS = b"""<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>T</title><link>https://example.org/</link>
<item><title>One</title><link>/one?utm_campaign=x</link><guid>g1</guid>
<pubDate>Mon, 05 Jan 2026 09:00:00 +0000</pubDate><description>teaser</description>
<content:encoded><![CDATA[<p>%s</p>]]></content:encoded></item>
<item><title>Two</title><link>https://example.org/two</link><pubDate>Sat, 05 Jan 2036 09:00:00 +0000</pubDate>
<content:encoded><![CDATA[<p>Only the start of the story ... Read more</p>]]></content:encoded></item>
<item><title>No link</title></item>
</channel></rss>""" % (b"A full paragraph of the statement. " * 10)
HEADERS = {"content-type": "application/rss+xml"}
NOW = datetime(2026, 1, 6, tzinfo=timezone.utc)


def test_items_are_canonical_dated_and_carry_full_text_only_when_whole():
    feed = parse_feed(RSS, HEADERS, "https://example.org/feed.xml", now=NOW)
    one, two = feed.items
    assert one.url == "https://example.org/one" and one.link == "https://example.org/one?utm_campaign=x"
    assert one.guid == "g1" and one.published == datetime(2026, 1, 5, 9, tzinfo=timezone.utc)
    assert "full paragraph" in one.content_html
    assert two.content_html == ""  # a teaser: the page will be fetched
    assert two.published is None  # dated ten years ahead: treated as undated
    assert any("future" in w for w in feed.warnings)
    assert any("without a link" in w for w in feed.warnings)


def test_a_malformed_feed_yields_what_parsed_with_a_warning():
    broken = RSS.replace(b"</channel></rss>", b"<item><title>cut <link>")
    feed = parse_feed(broken, HEADERS, "https://example.org/feed.xml", now=NOW)
    assert [i.title for i in feed.items][:2] == ["One", "Two"]
    assert feed.warnings[0].startswith("malformed feed")


@pytest.mark.parametrize(
    "body, headers",
    [
        (b"<!DOCTYPE html><html><body><p>Welcome</p></body></html>", {"content-type": "text/html"}),
        (b"<html><head><title>Moved</title></head></html>", {"content-type": "application/rss+xml"}),
        (b"<div>not a feed</div>", {"content-type": "text/html; charset=utf-8"}),
    ],
)
def test_an_html_page_where_a_feed_was_expected_is_an_error(body, headers):
    with pytest.raises(FeedError, match="HTML page"):
        parse_feed(body, headers, "https://example.org/feed.xml")


def test_a_feed_served_as_text_html_is_still_read():
    feed = parse_feed(RSS, {"content-type": "text/html"}, "https://example.org/feed.xml", now=NOW)
    assert len(feed.items) == 2


def test_garbage_is_not_a_feed():
    with pytest.raises(FeedError, match="not a feed"):
        parse_feed(b"\x00\x01 binary junk", {}, "https://example.org/feed.xml")


def test_a_runaway_feed_is_cut_with_a_warning():
    items = b"".join(b"<item><title>t%d</title><link>https://example.org/%d</link></item>" % (i, i) for i in range(50))
    feed = parse_feed(
        b'<rss version="2.0"><channel><title>x</title>' + items + b"</channel></rss>",
        HEADERS,
        "https://example.org/",
        max_items=10,
    )
    assert len(feed.items) == 10 and "50 items" in feed.warnings[0]


def test_an_item_keeps_the_publishers_own_day():
    body = (
        b'<rss version="2.0"><channel><title>MFA</title><item><title>Briefing</title>'
        b"<link>https://example.org/b</link><pubDate>Tue, 18 Sep 2018 07:00:00 +0800</pubDate></item>"
        b"</channel></rss>"
    )
    item = parse_feed(body, HEADERS, "https://example.org/", now=NOW).items[0]
    assert item.published == datetime(2018, 9, 17, 23, tzinfo=timezone.utc)  # the same instant ...
    assert item.published.date().isoformat() == "2018-09-18"  # ... on Beijing's day
