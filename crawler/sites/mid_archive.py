"""archive.mid.ru: the Russian foreign ministry's old Liferay site, holding everything up to about August 2021.

Article URLs look like /en/foreign_policy/news/-/asset_publisher/cKNonkJE02Bw/content/id/2732506 (these
ids are not the current site's ids). A page prints its date and time side by side ("27 October 2021" and
"15:20", which a text rendering runs together as "27 October 202115:20"), the title, a language switcher
("de-DE en-GB es-ES ru-RU fr-FR": the translations), the body, then "Additional materials" with topic
links (kept as tags) and "Advanced settings" (dropped).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from urllib.parse import urljoin, urlsplit

from archive.document import Release
from crawler.config import SiteConfig
from crawler.errors import ParseError
from crawler.parse.dates import parse_when
from crawler.parse.textify import paragraphs, text_of
from crawler.sites.base import BackfillRequest, Listing, ListingItem, Site, Source, first, html_tree
from crawler.sites.mid import CALENDAR, ministry_release, section_slug
from crawler.sites.wayback import cdx_sources

NAME = "archive.mid.ru"
CANONICAL_ROOT = "https://archive.mid.ru"
MIN_INTERVAL_S = 5.0  # the same ministry and protection as mid.ru
LANGUAGES = ("ru", "en", "de", "fr", "es", "pt")

ARTICLE = ("div.asset-full-content", "div.journal-content-article", "div.portlet-body")
TITLE = ("h1.title", "h2.title", "h1")
DATE = ("span.date", ".news-date")
TIME = ("span.time", ".news-time")
BODY = ("div.text.article-content", "div.article-content", "div.journal-content-article")
SWITCHER = "div.language-switcher a, ul.language-switcher a"
TOPICS = "div.additional-materials a"
LIST_LINKS = "div.asset-publisher a[href*='/content/id/'], ul.news-list a[href*='/content/id/']"

ARTICLE_PATH = re.compile(
    r"^/([a-z]{2})/((?:[a-z_]+/){1,4})-/asset_publisher/([A-Za-z0-9]{4,20})/content/id/([0-9]{1,12})/?$"
)
# "de-DE" in the switcher, followed directly by a counter ("de-DE1" in a text rendering).
LOCALE = re.compile(r"(?<![A-Za-z])([a-z]{2})[-_][A-Z]{2}(?![A-Za-z])")


def canonical_url(url: str) -> str:
    """`https://archive.mid.ru/<lang>/<section>/-/asset_publisher/<portlet>/content/id/<id>`, query dropped."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or host not in ("archive.mid.ru", "www.archive.mid.ru"):
        raise ValueError(f"not an archive.mid.ru URL: {url}")
    match = ARTICLE_PATH.match(parts.path)
    if not match or match[1] not in LANGUAGES:
        raise ValueError(f"not an archive.mid.ru article URL (…/asset_publisher/…/content/id/N): {url}")
    section = match[2].strip("/")
    return f"{CANONICAL_ROOT}/{match[1]}/{section}/-/asset_publisher/{match[3]}/content/id/{int(match[4])}"


def _parts(canonical: str) -> tuple[str, str, str]:
    match = ARTICLE_PATH.match(urlsplit(canonical).path)
    assert match is not None
    return match[1], match[2].strip("/"), str(int(match[4]))


def doc_key(url: str) -> str:
    """archive.mid.ru/<section>/<id>/<lang>."""
    lang, section, doc_id = _parts(canonical_url(url))
    return f"{NAME}/{section_slug(section)}/{doc_id}/{lang}"


def listing_urls(config: SiteConfig) -> list[Listing]:
    """The first list page of each configured section in each language."""
    base = config.base_url.rstrip("/")
    return [
        Listing(f"{base}/{lang}/{section.strip('/')}/", expect_items=True, collection=section)
        for lang in config.languages or ("en",)
        for section in config.collections
    ]


def backfill_sources(config: SiteConfig, request: BackfillRequest) -> list[Source]:
    """The Wayback CDX index over the old site's URL space, per configured section and language."""
    return cdx_sources(config, request, "archive.mid.ru", canonical_url, lambda u: _parts(u)[2])


def parse_listing(html: str, url: str) -> list[ListingItem]:
    """The article links of an asset-publisher list page."""
    tree = html_tree(html)
    if tree.css_first("div.asset-publisher, ul.news-list") is None:
        raise ParseError(url, "no article list (div.asset-publisher)")
    items: dict[str, ListingItem] = {}
    for link in tree.css(LIST_LINKS):
        try:
            canonical = canonical_url(urljoin(CANONICAL_ROOT + "/", link.attributes.get("href") or ""))
        except ValueError:
            continue
        holder = link.parent
        day = None
        if holder is not None:
            try:
                found = parse_when(text_of(holder.css_first("span.date")), CALENDAR)
                day = found.date() if isinstance(found, datetime) else found
            except ValueError:
                day = None
        items.setdefault(canonical, ListingItem(canonical, _parts(canonical)[2], text_of(link), day))
    return list(items.values())


def parse_release(html: str, url: str) -> Release:
    """The article on an old-site page."""
    try:
        canonical = canonical_url(url)
    except ValueError as exc:
        raise ParseError(url, str(exc)) from None
    lang, section, doc_id = _parts(canonical)
    tree = html_tree(html)
    article = first(tree, ARTICLE)
    if article is None:
        raise ParseError(url, "no article (div.asset-full-content) on the page")
    title = text_of(first(article, TITLE))
    if not title:
        raise ParseError(url, "no title (h1.title)")
    published = _published(text_of(first(article, DATE)), text_of(first(article, TIME)), url)
    body_node = first(article, BODY)
    body = paragraphs(body_node) if body_node is not None else []
    if not body:
        raise ParseError(url, "empty body (div.text.article-content)")
    translations = sorted({m[1] for a in tree.css(SWITCHER) for m in LOCALE.finditer(text_of(a))})
    return ministry_release(
        NAME,
        canonical,
        section,
        lang,
        doc_id,
        title,
        published,
        body,
        translations=tuple(translations),
        tags=tuple(t for t in (text_of(a) for a in tree.css(TOPICS)) if t),
    )


def _published(day_text: str, time_text: str, url: str) -> date | datetime:
    try:
        day = parse_when(day_text + (" " + time_text if time_text else ""), CALENDAR)
    except ValueError:
        raise ParseError(url, f"no publication date (span.date: {day_text[:40]!r})") from None
    return day


SITE = Site(
    name=NAME,
    aliases=("archive.mid", "midarchive"),
    hosts=frozenset({"archive.mid.ru", "www.archive.mid.ru"}),
    defaults=SiteConfig(
        base_url=CANONICAL_ROOT,
        min_interval=MIN_INTERVAL_S,
        collections=("foreign_policy/news",),
        languages=("en",),
        list_pages=1,
        enabled=False,  # a frozen archive: crawl it on purpose (or backfill it), not on every run
    ),
    listing_urls=listing_urls,
    parse_listing=parse_listing,
    parse_release=parse_release,
    canonical_url=canonical_url,
    doc_key=doc_key,
    backfill_sources=backfill_sources,
    backfill_uses_wayback=True,
    legacy_charsets=("cp1251",),  # windows-1251, the Russian legacy encoding
)
