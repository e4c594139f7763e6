"""Canonical URLs: one article, one address, whatever the feed decorated it with.

Feeds add tracking parameters (utm_*, fbclid …) and fragments, vary the case
of the host and sometimes the scheme; the same article then arrives under
several addresses. `canonical_url` folds those variants so deduplication by
URL works, while keeping every parameter that can change the content.
"""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

# Query parameters that never change what the page says. Prefix entries end in "_".
TRACKING_PARAMS: frozenset[str] = frozenset(
    {
        "utm_",
        "fbclid",
        "gclid",
        "dclid",
        "msclkid",
        "mc_cid",
        "mc_eid",
        "igshid",
        "yclid",
        "_ga",
        "_gl",
        "ref",
        "ref_src",
        "cmpid",
        "ocid",
        "at_medium",
        "at_campaign",
        "at_source",
        "ns_source",
        "ns_mchannel",
        "ns_campaign",
        "ns_linkname",
        "ns_fee",
        "rss",
        "feed",
        "via",
        "spm",
        "share",
        "smid",
        "mkt_tok",
        "wt.mc_id",
        "cid",
        "__twitter_impression",
        "s_cid",
    }
)


def _is_tracking(name: str) -> bool:
    low = name.lower()
    if low in TRACKING_PARAMS:
        return True
    return any(p.endswith("_") and low.startswith(p) for p in TRACKING_PARAMS)


def canonical_url(url: str, base: str | None = None) -> str:
    """Return the canonical form of `url` (resolved against `base` when relative).

    Lower-cases scheme and host, drops default ports, the fragment and tracking
    parameters, sorts the remaining query parameters and turns an empty path
    into "/". The scheme is kept: http and https may really differ.

    >>> canonical_url("HTTPS://Example.ORG:443/a?b=2&utm_source=x&a=1#top")
    'https://example.org/a?a=1&b=2'
    """
    if base:
        url = urljoin(base, url)
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)]
    query.sort()
    return urlunsplit((scheme, host, parts.path or "/", urlencode(query, doseq=True), ""))


def url_id(url: str) -> str:
    """A short stable id for a canonical URL (the articles' primary key)."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:24]
