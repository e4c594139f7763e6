"""Canonical URLs: the same article under decorated addresses folds to one."""

import pytest

from stancewatch.extractors.urls import canonical_url, url_id


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("https://Example.org/a/b?utm_source=rss&utm_medium=feed", "https://example.org/a/b"),
        ("https://example.org:443/a#comments", "https://example.org/a"),
        ("http://example.org:80", "http://example.org/"),
        ("http://example.org:8080/x", "http://example.org:8080/x"),
        ("https://example.org/a?b=2&a=1&fbclid=XYZ", "https://example.org/a?a=1&b=2"),
        ("https://example.org/story?id=42&ref=home", "https://example.org/story?id=42"),
    ],
)
def test_canonical_url_drops_decoration_but_keeps_content_parameters(raw, expected):
    assert canonical_url(raw) == expected


def test_relative_links_resolve_against_the_feed():
    assert canonical_url("../b.html?x=1#f", "https://example.org/news/feed.xml") == "https://example.org/b.html?x=1"


def test_the_id_is_stable_and_differs_per_url():
    assert url_id("https://example.org/a") == url_id("https://example.org/a")
    assert url_id("https://example.org/a") != url_id("https://example.org/b")
