"""archive.mid.ru: the Russian foreign ministry's old Liferay site, holding everything up to about August 2021.

Article URLs look like /en/foreign_policy/news/-/asset_publisher/cKNonkJE02Bw/content/id/2732506 (these
ids are not the current site's ids). A page prints its date and time side by side ("27 October 2021" and
"15:20", which a text rendering runs together as "27 October 202115:20"), the title, a language switcher
("de-DE en-GB es-ES ru-RU fr-FR": the translations), the body, then "Additional materials" with topic
links (kept as tags) and "Advanced settings" (dropped).
What it shares with mid.ru (sections, languages, Moscow time, keys, backfill) is in ministry_ru.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime
from urllib.parse import urlsplit

from archive.document import Release
from crawler.config import SiteConfig
from crawler.errors import ParseError
from crawler.parse.dates import parse_when
from crawler.parse.textify import text_of
from crawler.sites import ministry_history
from crawler.sites.base import BackfillRequest, Listing, ListingItem, Source, first, html_tree
from crawler.sites.common import linked_items, match_release, release_url, required_body, required_title, texts
from crawler.sites.definition import Selectors, hook
from crawler.sites.ministry_ru import (
    CALENDAR,
    LANGUAGES,
    definition,
    ministry_site,
    release,
    section_listings,
    section_of,
)
from crawler.sites.ministry_ru import doc_key as ministry_key
from crawler.sites.wayback import cdx_sources

NAME = "archive.mid.ru"
CANONICAL_ROOT = "https://archive.mid.ru"
HOSTS = frozenset({"archive.mid.ru", "www.archive.mid.ru"})
# Before 2021 the old site was mid.ru itself: its article URLs there (captured by the web archive) are this
# site's documents too, canonical at archive.mid.ru. mid.ru's own article URLs never have this shape.
LIFERAY_HOSTS = HOSTS | {"mid.ru", "www.mid.ru"}

ARTICLE = ("div.asset-full-content", "div.journal-content-article", "div.portlet-body")
TITLE = ("h1.title", "h2.title", "h1")
DATE = ("span.date", ".news-date")
TIME = ("span.time", ".news-time")
BODY = ("div.text.article-content", "div.article-content", "div.journal-content-article")
SWITCHER = "div.language-switcher a, ul.language-switcher a"
TOPICS = "div.additional-materials a"
LIST_LINKS = "div.asset-publisher a[href*='/content/id/'], ul.news-list a[href*='/content/id/']"

# Sections as on mid.ru: one to six segments of lower-case words joined by "_" or "-" (a trailing "-" too,
# as in cernomorskoe-ekonomiceskoe-sotrudnicestvo-ces-), then the portlet and the site-wide content id.
SEGMENT = r"[a-z0-9_-]*[a-z][a-z0-9_-]*"
ARTICLE_PATH = re.compile(
    rf"^/([a-z]{{2}})/((?:{SEGMENT}/){{1,6}})-/asset_publisher/([A-Za-z0-9]{{4,20}})/content/id/([0-9]{{1,12}})/?$"
)
# "de-DE" in the switcher, followed directly by a counter ("de-DE1" in a text rendering).
LOCALE = re.compile(r"(?<![A-Za-z])([a-z]{2})[-_][A-Z]{2}(?![A-Za-z])")


ROLES = ("canonical_url", "doc_key", "listing_urls", "parse_listing", "parse_release", "backfill_sources")


@hook(f"{NAME}:canonical_url")
def canonical_url(url: str) -> str:
    """`https://archive.mid.ru/<lang>/<section>/-/asset_publisher/<portlet>/content/id/<id>`, query dropped,
    from archive.mid.ru or from mid.ru as it served the same pages before 2021."""
    _, match = match_release(url, NAME, LIFERAY_HOSTS.__contains__, ARTICLE_PATH, "…/asset_publisher/…/content/id/N")
    if match[1] not in LANGUAGES:
        raise ValueError(f"not an archive.mid.ru article URL (…/asset_publisher/…/content/id/N): {url}")
    section = match[2].strip("/")
    return f"{CANONICAL_ROOT}/{match[1]}/{section}/-/asset_publisher/{match[3]}/content/id/{int(match[4])}"


def _parts(canonical: str) -> tuple[str, str, str]:
    """(language, section, id) of a canonical URL; the URL keeps an article slug (the old site needed the
    whole path, and the web archive has it so), the section does not."""
    match = ARTICLE_PATH.match(urlsplit(canonical).path)
    assert match is not None
    return match[1], section_of(match[2]), str(int(match[4]))


@hook(f"{NAME}:doc_key")
def doc_key(url: str) -> str:
    """archive.mid.ru/id/<id>/<lang>: the content id is one sequence over the whole old site."""
    return ministry_key(NAME, _parts(canonical_url(url)))


@hook(f"{NAME}:listing_urls")
def listing_urls(config: SiteConfig) -> list[Listing]:
    """The first list page of each configured section in each language."""
    return section_listings(config)


@hook(f"{NAME}:backfill_sources")
def backfill_sources(config: SiteConfig, request: BackfillRequest) -> list[Source]:
    """The web archive's CDX index over the old site's URL space, per configured section and language."""
    return cdx_sources(config, request, NAME, canonical_url, lambda u: _parts(u)[2])


@hook(f"{NAME}:parse_listing")
def parse_listing(html: str, url: str) -> list[ListingItem]:
    """The article links of an asset-publisher list page."""
    tree = html_tree(html)
    if tree.css_first("div.asset-publisher, ul.news-list") is None:
        raise ParseError(url, "no article list (div.asset-publisher)")
    entries = [(link, link.parent.css_first("span.date") if link.parent else None) for link in tree.css(LIST_LINKS)]
    return linked_items(entries, CANONICAL_ROOT, canonical_url, lambda u: _parts(u)[2], CALENDAR)


@hook(f"{NAME}:parse_release")
def parse_release(html: str, url: str) -> Release:
    """The article on an old-site page."""
    canonical = release_url(canonical_url, url)
    tree = html_tree(html)
    article = first(tree, ARTICLE)
    if article is None:
        raise ParseError(url, f"no article (div.asset-full-content) on the page ({ministry_history.page_hint(html)})")
    title = required_title(first(article, TITLE), url, "h1.title")
    published = _published(text_of(first(article, DATE)), text_of(first(article, TIME)), url)
    body = required_body(first(article, BODY), url, "div.text.article-content")
    translations = sorted({m[1] for a in tree.css(SWITCHER) for m in LOCALE.finditer(text_of(a))})
    return release(
        NAME,
        canonical,
        _parts(canonical),
        title,
        published,
        body,
        translations=tuple(translations),
        tags=texts(tree, TOPICS),
    )


def _published(day_text: str, time_text: str, url: str) -> date | datetime:
    try:
        return parse_when(day_text + (" " + time_text if time_text else ""), CALENDAR)
    except ValueError:
        raise ParseError(url, f"no publication date (span.date: {day_text[:40]!r})") from None


DEFINITION = definition(
    NAME,
    aliases=("archive.mid", "midarchive"),
    description="Russian Federation, Ministry of Foreign Affairs: the old site, frozen since 2021",
    release_url=(
        rf"^/(?P<lang>[a-z]{{2}})/(?P<collection>(?:{SEGMENT}/){{1,6}})-/asset_publisher/[A-Za-z0-9]{{4,20}}"
        r"/content/id/(?P<id>[0-9]{1,12})/?$"
    ),
    select=Selectors(
        scope=ARTICLE,
        title=TITLE,
        date=DATE,
        time=TIME,
        body=BODY,
        tags=(TOPICS,),
        list_scope=("div.asset-publisher, ul.news-list",),
        list_link=(LIST_LINKS,),
        list_date=("span.date",),
    ),
    # What data cannot say: the portlet id kept in URLs, translations from the language switcher, the
    # date and time side by side, the web archive's index for backfill.
    hooks={role: f"{NAME}:{role}" for role in ROLES},
)
SITE = replace(
    ministry_site(DEFINITION, enabled=False),  # a frozen archive: crawl it on purpose (or backfill it)
    prefixes_hook=ministry_history.archive_prefixes,
    forms_hook=ministry_history.archive_forms,
    capture_hook=ministry_history.classify,
    hint_hook=ministry_history.template_hint,
)
