"""Site extractors: one module per site layout, all with the same signature.

Every module in this package (except those starting with "_") is a site
extractor and exposes:

    NAME: str                                   # what sources.yaml calls it
    def matches(url: str) -> bool               # is this URL on my site?
    def extract(html: bytes | str, url: str) -> Extracted | None
        # None = "not my kind of page": the registry falls back to trafilatura
    def find_links(html: bytes | str, url: str) -> list[Link]   # optional,
        # for listing pages of sites without a feed

Adding a site is adding a module; the registry finds it, checks the
signature once, and tries extractors in module-name order. Trafilatura is
the fallback for every page no site extractor takes, and can be named
explicitly as "trafilatura" in `extract_page` / `find_links`.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from functools import cache
from types import ModuleType
from urllib.parse import urljoin, urlsplit

from stancewatch.extractors.article import ExtractionError, clean_text, extract_article, parse_html
from stancewatch.extractors.records import Extracted, Link

__all__ = ["GENERIC", "extract_page", "find_links", "generic_links", "get", "names"]

GENERIC = "trafilatura"
_REQUIRED = ("NAME", "matches", "extract")
_SKIPPED_SCHEMES = ("javascript:", "mailto:", "tel:", "#")
# Index and pagination pages of a listing, not articles.
_INDEX_PAGE = re.compile(r"/(?:index|default)(?:_\d+)?\.s?html?$|/page/\d+/?$")
_PAGE_QUERY = re.compile(r"(?:^|&)(?:page|p|start|offset)=\d+")


def names() -> list[str]:
    """The NAME of every site extractor, in the order they are tried."""
    return list(_registry())


def get(name: str) -> ModuleType:
    """The site extractor module called `name`; KeyError lists the known names."""
    registry = _registry()
    if name not in registry:
        raise KeyError(f"unknown site extractor {name!r}; known: {', '.join(registry) or 'none'}")
    return registry[name]


def extract_page(html: bytes | str, url: str, extractor: str | None = None) -> Extracted:
    """Extract a page with the named extractor, else the first that matches, else trafilatura.

    A site extractor that returns None hands the page to trafilatura.
    Raises ExtractionError when no extractor finds article text, and
    KeyError for an unknown extractor name (a configuration mistake).
    """
    module = _chosen(url, extractor)
    if module is not None:
        extracted = module.extract(html, url)
        if extracted is not None and extracted.units:
            return extracted
    extracted = extract_article(html, url)
    if extracted is None:
        raise ExtractionError(f"no article text found at {url or 'the given page'}")
    return extracted


def find_links(html: bytes | str, url: str, extractor: str | None = None) -> list[Link]:
    """Article links of a listing page, by its site extractor or the generic reader.

    The site extractor (named, or matched by URL) is used when it has
    `find_links`; otherwise `generic_links` reads same-site links under the
    listing's folder.
    """
    module = _chosen(url, extractor)
    if module is not None and hasattr(module, "find_links"):
        return list(module.find_links(html, url))
    return generic_links(html, url)


def generic_links(html: bytes | str, url: str) -> list[Link]:
    """Same-site `<a>` links below the listing page's folder, with their anchor text.

    A listing at https://example.org/news/index.html yields links to
    https://example.org/news/... pages other than the folder itself and its
    index or pagination pages (index_2.html, /page/3/, ?page=4). Links need
    anchor text (or a title attribute), which drops image-only duplicates.
    No dates: a generic page has no reliable place for them, so `published`
    is None and the article's own date is used.
    """
    tree = parse_html(html)
    if tree is None:
        return []
    base = urlsplit(url)
    folder = base.path.rsplit("/", 1)[0] + "/"
    links: dict[str, Link] = {}
    for anchor in tree.xpath("//a[@href]"):
        href = anchor.get("href", "").strip()
        if not href or href.lower().startswith(_SKIPPED_SCHEMES):
            continue
        target = urljoin(url, href).split("#")[0]
        parts = urlsplit(target)
        if parts.netloc != base.netloc or not parts.path.startswith(folder):
            continue
        if parts.path in (folder, base.path) or target in links:
            continue
        if _INDEX_PAGE.search(parts.path) or _PAGE_QUERY.search(parts.query):
            continue
        title = clean_text(anchor.get("title") or anchor.text_content())
        if title:
            links[target] = Link(url=target, title=title)
    return list(links.values())


def _chosen(url: str, extractor: str | None) -> ModuleType | None:
    """The named module (None for "trafilatura"), else the first whose `matches` is true."""
    if extractor == GENERIC:
        return None
    if extractor:
        return get(extractor)
    return next((module for module in _registry().values() if module.matches(url)), None)


@cache
def _registry() -> dict[str, ModuleType]:
    """Import every public module of this package once, keyed by NAME."""
    registry: dict[str, ModuleType] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda info: info.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        missing = [attribute for attribute in _REQUIRED if not hasattr(module, attribute)]
        if missing:
            raise TypeError(f"site extractor {module.__name__} lacks {', '.join(missing)}")
        if module.NAME in registry or module.NAME == GENERIC:
            raise TypeError(f"site extractor name {module.NAME!r} is taken")
        registry[module.NAME] = module
    return registry
