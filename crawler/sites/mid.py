"""mid.ru, the Russian Federation's Ministry of Foreign Affairs: the current (1C-Bitrix) site, since 2021.

Articles live at /<lang>/<section path>/<numeric id>/, the section path one to six segments deep (hyphenated
slugs too); the id is one sequence over the whole site, so one id reached through two sections is one
document, keyed mid.ru/id/<id>/<lang>. One id is one document in all its languages: the
path prefix picks the interface language and ?lang=xx the content language, so the content language is
`lang` when given, else the prefix. Each language is its own version series.
robots.txt forbids list pagination (Disallow: /*?PAGEN), so discovery reads page 1 of each section and the
RSS feed; deeper pages only when robots.txt allows them or the operator overrides it.
What it shares with archive.mid.ru (sections, languages, Moscow time, keys, backfill) is in ministry_ru.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime
from functools import partial
from urllib.parse import parse_qs, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from archive.document import Release
from crawler.config import SiteConfig
from crawler.errors import ParseError
from crawler.parse.dates import parse_when
from crawler.parse.feeds import FeedError, parse_feed
from crawler.parse.textify import text_of
from crawler.sites import ministry_history
from crawler.sites.attached import attachments_of
from crawler.sites.base import BackfillRequest, Listing, ListingItem, Source, first, html_tree
from crawler.sites.common import linked_items, match_release, release_url, required_body, required_title, texts
from crawler.sites.definition import Selectors, hook
from crawler.sites.mid_text import navigation
from crawler.sites.ministry_ru import CALENDAR, LANGUAGES, NO_SECTION, definition, ministry_site, release, section_of
from crawler.sites.ministry_ru import doc_key as ministry_key
from crawler.sites.wayback import cdx_sources

NAME = "mid.ru"
CANONICAL_ROOT = "https://mid.ru"
HOSTS = frozenset({"mid.ru", "www.mid.ru"})
# The ministry's own language first, and its English translations (README, default scope).
DEFAULT_LANGUAGES = ("ru", "en")
SECTION_ALIASES = {"press_service/spokesman/kommentarii": "press_service/spokesman/comments"}

# Selectors, current template first.
ARTICLE = ("div.photo-content", "div.page-body")
TITLE = ("h1.photo-content__title", "h1")
DATE = (".photo-content__date",)
TIME = (".photo-content__time",)
DOC_NUMBER = "p.article-line__note, div.announcement__doc-num"
BODY = ("div.text.article-content", "div.article-content")
TAGS = ".photo-content__tags a, .article-tags a"
FILES = ('a[href*="/upload/iblock/"], a[href*="/upload/medialibrary/"]',)  # files an article's text links
ANNOUNCEMENTS = "ul.announcements"
LIST_ITEMS = "ul.announce.announce_articles > li.announce__item"

# Sections are one to six path segments, each lower-case words joined by "_" or "-" (transliterated slugs such
# as vnesneekonomiceskie-svazi-sub-ektov-rossijskoj-federacii), never a bare number.
SEGMENT = r"[a-z0-9_-]*[a-z][a-z0-9_-]*"
ARTICLE_PATH = re.compile(rf"^/([a-z]{{2}})/((?:{SEGMENT}/){{1,6}})([0-9]{{1,12}})/?$")
DOC_NUMBER_RE = re.compile(r"(?<![0-9])([0-9]{1,6})-([0-9]{2})-([0-9]{2})-([0-9]{4})(?![0-9])")
TIME_RE = re.compile(r"(?<![0-9])([0-9]{1,2}):([0-9]{2})(?![0-9])")


ROLES = ("canonical_url", "doc_key", "listing_urls", "parse_listing", "parse_release", "in_scope", "backfill_sources")


@hook(f"{NAME}:canonical_url")
def canonical_url(url: str) -> str:
    """`https://mid.ru/<content lang>/<section>/<id>/`, whatever host, interface language or query."""
    parts, match = match_release(url, NAME, HOSTS.__contains__, ARTICLE_PATH, "/<lang>/<section>/<id>/")
    lang = (parse_qs(parts.query).get("lang") or [match[1]])[0].lower()
    if lang not in LANGUAGES or match[1] not in LANGUAGES:
        raise ValueError(f"unknown mid.ru language in {url}")
    # The id alone picks the article, so an article slug before it is dropped (the page is the same).
    path = match[2].strip("/")
    section = section_of(path)
    section = path if section == NO_SECTION else SECTION_ALIASES.get(section, section)
    return f"{CANONICAL_ROOT}/{lang}/{section}/{int(match[3])}/"


def _parts(canonical: str) -> tuple[str, str, str]:
    """(language, section, id) of a canonical URL."""
    segments = urlsplit(canonical).path.strip("/").split("/")
    return segments[0], section_of("/".join(segments[1:-1])), segments[-1]


@hook(f"{NAME}:doc_key")
def doc_key(url: str) -> str:
    """mid.ru/id/<id>/<lang>: one document whichever section path reached it."""
    return ministry_key(NAME, _parts(canonical_url(url)))


@hook(f"{NAME}:backfill_sources")
def backfill_sources(config: SiteConfig, request: BackfillRequest) -> list[Source]:
    """The web archive's CDX index over each configured section and language (robots.txt forbids ?PAGEN)."""
    return cdx_sources(config, request, NAME, canonical_url, lambda u: _parts(u)[2])


@hook(f"{NAME}:listing_urls")
def listing_urls(config: SiteConfig) -> list[Listing]:
    """Page 1 of each configured section in each language, the RSS feed of each language, and deeper
    pages only if configured (robots.txt decides whether they are fetched)."""
    base = config.base_url.rstrip("/")
    out = []
    for lang in config.languages or ("en",):
        for section in config.collections:
            path = f"{base}/{lang}/{section.strip('/')}/"
            out.append(Listing(path, expect_items=True, collection=section))
            pages = range(2, config.list_pages + 1)
            out += [Listing(f"{path}?PAGEN_1={n}", expect_items=False, collection=section) for n in pages]
        out.append(Listing(f"{base}/{lang}/rss.php", expect_items=False))
    return out


@hook(f"{NAME}:in_scope")
def in_scope(url: str, config: SiteConfig) -> bool:
    """Whether an article belongs to a configured section and language (feeds list every section)."""
    lang, section, _ = _parts(canonical_url(url))
    sections = {SECTION_ALIASES.get(s.strip("/"), s.strip("/")) for s in config.collections}
    return section in sections and lang in (config.languages or ("en",))


@hook(f"{NAME}:parse_listing")
def parse_listing(text: str, url: str) -> list[ListingItem]:
    """The articles of a section list page or of the RSS feed."""
    if urlsplit(url).path.endswith("rss.php"):
        return _parse_feed(text, url)
    tree = html_tree(text)
    if tree.css_first("ul.announce.announce_articles") is None:
        raise ParseError(url, "no article list (ul.announce.announce_articles)")
    entries = []
    for li in tree.css(LIST_ITEMS):
        link = li.css_first("a.announce__link") or li.css_first("a[href]")
        if link is not None:
            entries.append((link, li.css_first("span.announce__date")))
    return linked_items(entries, CANONICAL_ROOT, canonical_url, lambda u: _parts(u)[2], CALENDAR)


def _parse_feed(text: str, url: str) -> list[ListingItem]:
    try:
        entries = parse_feed(text)  # already decoded by the fetcher
    except FeedError as exc:
        raise ParseError(url, f"RSS feed: {exc}") from None
    items = []
    for entry in entries:
        try:
            canonical = canonical_url(urljoin(CANONICAL_ROOT + "/", entry.link))
        except ValueError:
            continue
        day = entry.published.astimezone(CALENDAR.tz).date() if entry.published else None
        items.append(ListingItem(canonical, _parts(canonical)[2], entry.title, day))
    return items


@hook(f"{NAME}:parse_release")
def parse_release(html: str, url: str) -> Release:
    """The article on a page of the current site, in the photo-content or the announcements layout."""
    canonical = release_url(canonical_url, url)
    parts = _parts(canonical)
    tree = html_tree(html)
    article = first(tree, ARTICLE)
    announcement = tree.css_first(ANNOUNCEMENTS)
    scope = article if article is not None else announcement
    if scope is None:
        raise ParseError(url, f"no article (div.photo-content) on the page ({ministry_history.page_hint(html)})")
    if announcement is not None and first(scope, BODY) is None:
        title_node, body_node = (
            announcement.css_first("h3.announcement__title"),
            announcement.css_first("div.announcement__text"),
        )
    else:
        title_node, body_node = first(scope, TITLE), first(scope, BODY)
    title = required_title(title_node, url, "h1.photo-content__title")
    number = _document_number(tree)
    # The announcements layout prints the date above the list, outside the item.
    published = _published(scope if article is not None else tree.body or scope, number, url)
    body = required_body(body_node, url, "div.text.article-content", skip=navigation)
    return release(
        NAME,
        canonical,
        parts,
        title,
        published,
        body,
        document_number=number,
        translations=_translations(tree, parts[2]),
        tags=texts(tree, TAGS),
        attachments=attachments_of(body_node, FILES, canonical),
    )


def _document_number(tree: LexborHTMLParser) -> str:
    for node in tree.css(DOC_NUMBER):
        match = DOC_NUMBER_RE.search(text_of(node))
        if match:
            return match[0]
    return ""


def _published(scope: LexborNode, number: str, url: str) -> date | datetime:
    """Date and time from the article header; the document number's date part when the header has none."""
    day_text = text_of(first(scope, DATE))
    time_node = first(scope, TIME)
    clock = TIME_RE.search(text_of(time_node) if time_node is not None else day_text)
    try:
        day = parse_when(day_text, CALENDAR) if day_text else None
    except ValueError:
        day = None
    if day is None and number:
        match = DOC_NUMBER_RE.search(number)
        assert match is not None
        day = date(int(match[4]), int(match[3]), int(match[2]))
    if day is None:
        raise ParseError(url, f"no publication date (photo-content__date: {day_text[:40]!r})")
    if isinstance(day, datetime):
        return day
    if clock:
        return datetime(day.year, day.month, day.day, int(clock[1]), int(clock[2]), tzinfo=CALENDAR.tz)
    return day


def _translations(tree: LexborHTMLParser, doc_id: str) -> tuple[str, ...]:
    """The content languages the page links to for this same document (links with ?lang=xx)."""
    found = set()
    for a in tree.css("a[href*='lang=']"):
        href = a.attributes.get("href") or ""
        parts = urlsplit(href)
        if parts.path.rstrip("/").endswith(f"/{doc_id}"):
            lang = (parse_qs(parts.query).get("lang") or [""])[0].lower()
            if lang in LANGUAGES:
                found.add(lang)
    return tuple(sorted(found))


DEFINITION = definition(
    NAME,
    aliases=("mid", "www.mid.ru"),
    description="Russian Federation, Ministry of Foreign Affairs (the current site, since 2021)",
    release_url=rf"^/(?P<lang>[a-z]{{2}})/(?P<collection>(?:{SEGMENT}/){{1,6}})(?P<id>[0-9]{{1,12}})/?$",
    select=Selectors(
        scope=ARTICLE,
        title=TITLE,
        date=DATE,
        time=TIME,
        body=BODY,
        document_number=(DOC_NUMBER,),
        tags=(TAGS,),
        list_scope=("ul.announce.announce_articles",),
        list_items=(LIST_ITEMS,),
        list_link=("a.announce__link", "a[href]"),
        list_date=("span.announce__date",),
    ),
    interval=3600.0,  # hourly: the ministry publishes a few dozen items a day
    languages=DEFAULT_LANGUAGES,
    # What data cannot say: ?lang= and renamed sections in URLs, the RSS feed and robots' page limit,
    # translations, document numbers and briefings' navigation, scope by section, the web archive's index.
    hooks={role: f"{NAME}:{role}" for role in ROLES},
)
SITE = replace(
    ministry_site(DEFINITION, languages=DEFAULT_LANGUAGES),
    prefixes_hook=partial(ministry_history.current_prefixes, SECTION_ALIASES),
    forms_hook=partial(ministry_history.current_forms, SECTION_ALIASES),
    capture_hook=ministry_history.classify,
    hint_hook=ministry_history.template_hint,
)
