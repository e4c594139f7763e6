"""The only way text reaches the report page: escaped, and links only to http(s).

Quotes, titles, speaker and source names, URLs and error messages all come
from pages on the open web, and one hostile page must not be able to put
markup or script into an analyst's browser. So the renderer never
interpolates a value directly. It calls `esc` for text and attributes, and
`link` for anything that becomes an href. `javascript:`, `data:` and other
schemes are shown as plain text, never as links. The page also carries a
Content-Security-Policy that forbids scripts and remote loads, as a second
line of defence.
"""

from __future__ import annotations

import html
from datetime import date, datetime, timezone
from typing import TypeGuard
from urllib.parse import urlsplit

#: Attributes of every outbound link: no referrer to the source, no window.opener for it.
LINK_ATTRS = 'rel="noopener noreferrer nofollow" referrerpolicy="no-referrer"'


def esc(value: object) -> str:
    """HTML-escape any value for text or a double-quoted attribute; None is ''."""
    if value is None:
        return ""
    return html.escape(str(value), quote=True)


def el(tag: str, body: str | None = None, **attrs: object) -> str:
    """An element with escaped attributes; `body` is markup already made safe by the caller.

    Keyword names become attribute names: a trailing '_' is dropped (class_)
    and '_' becomes '-' (stroke_width -> stroke-width). Floats get one decimal;
    None leaves the attribute out. Only a body of None closes the element
    itself (`<circle/>`, for SVG shapes): in HTML, `<div/>` would stay open.
    """
    parts = [tag]
    for name, value in attrs.items():
        if value is None:
            continue
        text = f"{value:.1f}" if isinstance(value, float) else value
        parts.append(f'{name.rstrip("_").replace("_", "-")}="{esc(text)}"')
    opening = " ".join(parts)
    return f"<{opening}/>" if body is None else f"<{opening}>{body}</{tag}>"


def is_web_url(url: str | None) -> TypeGuard[str]:
    """True for an absolute http(s) URL with a host: the only kind the report links to."""
    if not url:
        return False
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def link(url: str | None, text: object | None = None) -> str:
    """An escaped link to an http(s) URL, or the escaped text alone for anything else."""
    label = esc(url if text is None else text)
    if not is_web_url(url):
        return label
    return f'<a href="{esc(url.strip())}" {LINK_ATTRS}>{label}</a>'


def fmt_day(day: date | None) -> str:
    """ISO date ('2022-03-10'): the form analysts paste into SQL."""
    return day.isoformat() if day else "—"


def fmt_time(moment: datetime | None) -> str:
    """'2026-11-28 01:33 UTC' (warehouse timestamps are timezone-aware UTC)."""
    if moment is None:
        return "never"
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc)
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def plural(n: int, word: str) -> str:
    """'1 statement', '2 statements'."""
    return f"{n} {word}{'' if n == 1 else 's'}"
