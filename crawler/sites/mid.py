"""mid.ru, the Russian Federation's Ministry of Foreign Affairs: the current (1C-Bitrix) site, since 2021.

Articles live at /<lang>/<section path>/<numeric id>/. One id is one document in all its languages: the
path prefix picks the interface language and ?lang=xx the content language, so the content language is
`lang` when given, else the prefix. Each language is its own version series (…/<id>/<lang>/).
robots.txt forbids list pagination (Disallow: /*?PAGEN), so discovery reads page 1 of each section and the
RSS feed; deeper pages only when robots.txt allows them or the operator overrides it.
All times are Moscow time (UTC+3).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

from selectolax.lexbor import LexborNode

from archive.document import Release, normalize_text
from crawler.config import SiteConfig
from crawler.errors import ParseError
from crawler.parse.dates import parse_when
from crawler.parse.feeds import FeedError, parse_feed
from crawler.parse.textify import paragraphs, text_of
from crawler.sites.base import BackfillRequest, Listing, ListingItem, Site, Source, first, html_tree
from crawler.sites.languages import calendar
from crawler.sites.wayback import cdx_sources

NAME = "mid.ru"
CANONICAL_ROOT = "https://mid.ru"
MIN_INTERVAL_S = 5.0  # polite crawlers of this site space requests 5-10 s; faster ones meet the F5 wall
LANGUAGES = ("ru", "en", "de", "fr", "es", "pt")
CALENDAR = calendar("Europe/Moscow", LANGUAGES)  # Moscow time, UTC+3 all year since 2014

# Section path -> (English name, Russian name). The Russian site spells some slugs differently.
SECTIONS = {
    "foreign_policy/news": ("News", "Новости"),
    "press_service/minister_speeches": ("Minister's speeches", "Выступления Министра"),
    "press_service/spokesman/briefings": ("Briefings", "Брифинги"),
    "press_service/spokesman/answers": ("Answers to media questions", "Ответы на вопросы СМИ"),
    "press_service/spokesman/comments": ("Comments", "Комментарии"),
    "press_service/spokesman/official_statement": ("Official statements", "Официальные заявления"),
}
SECTION_ALIASES = {"press_service/spokesman/kommentarii": "press_service/spokesman/comments"}

# Selectors, current template first.
ARTICLE = ("div.photo-content", "div.page-body")
TITLE = ("h1.photo-content__title", "h1")
DATE = (".photo-content__date",)
TIME = (".photo-content__time",)
DOC_NUMBER = "p.article-line__note, div.announcement__doc-num"
BODY = ("div.text.article-content", "div.article-content")
TAGS = ".photo-content__tags a, .article-tags a"
ANNOUNCEMENTS = "ul.announcements"
LIST_ITEMS = "ul.announce.announce_articles > li.announce__item"

ARTICLE_PATH = re.compile(r"^/([a-z]{2})/((?:[a-z_]+/){1,4})([0-9]{1,12})/?$")
DOC_NUMBER_RE = re.compile(r"(?<![0-9])([0-9]{1,6})-([0-9]{2})-([0-9]{2})-([0-9]{4})(?![0-9])")
TIME_RE = re.compile(r"(?<![0-9])([0-9]{1,2}):([0-9]{2})(?![0-9])")
# In-page navigation of briefings: "Back to contents" links (the table of contents is caught by its #links).
BACK_LINK_TEXTS = frozenset({"back to contents", "назад к оглавлению", "к оглавлению", "back to top"})


def canonical_url(url: str) -> str:
    """`https://mid.ru/<content lang>/<section>/<id>/`, whatever host, interface language or query."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or host not in ("mid.ru", "www.mid.ru"):
        raise ValueError(f"not a mid.ru URL: {url}")
    match = ARTICLE_PATH.match(parts.path)
    if not match:
        raise ValueError(f"not a mid.ru article URL (/<lang>/<section>/<id>/): {url}")
    lang = (parse_qs(parts.query).get("lang") or [match[1]])[0].lower()
    if lang not in LANGUAGES or match[1] not in LANGUAGES:
        raise ValueError(f"unknown mid.ru language in {url}")
    section = match[2].strip("/")
    section = SECTION_ALIASES.get(section, section)
    return f"{CANONICAL_ROOT}/{lang}/{section}/{int(match[3])}/"


def _parts(canonical: str) -> tuple[str, str, str]:
    """(language, section path, id) of a canonical URL."""
    segments = urlsplit(canonical).path.strip("/").split("/")
    return segments[0], "/".join(segments[1:-1]), segments[-1]


def section_name(section: str, lang: str) -> str:
    """What the ministry calls a section, in Russian on Russian pages and in English otherwise."""
    names = SECTIONS.get(section, (section, section))
    return names[1] if lang == "ru" else names[0]


def section_slug(section: str) -> str:
    """A section path as one archive path component: foreign_policy/news -> foreign_policy.news."""
    return section.replace("/", ".")


def doc_key(url: str) -> str:
    """mid.ru/<section>/<id>/<lang>."""
    lang, section, doc_id = _parts(canonical_url(url))
    return f"{NAME}/{section_slug(section)}/{doc_id}/{lang}"


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


def in_scope(url: str, config: SiteConfig) -> bool:
    """Whether an article belongs to a configured section and language (feeds list every section)."""
    lang, section, _ = _parts(canonical_url(url))
    sections = {SECTION_ALIASES.get(s.strip("/"), s.strip("/")) for s in config.collections}
    return section in sections and lang in (config.languages or ("en",))


def backfill_sources(config: SiteConfig, request: BackfillRequest) -> list[Source]:
    """The Wayback CDX index over each configured section and language (robots.txt forbids ?PAGEN)."""
    return cdx_sources(config, request, "mid.ru", canonical_url, lambda u: _parts(u)[2])


def parse_listing(text: str, url: str) -> list[ListingItem]:
    """The articles of a section list page or of the RSS feed."""
    if urlsplit(url).path.endswith("rss.php"):
        return _parse_feed(text, url)
    tree = html_tree(text)
    if tree.css_first("ul.announce.announce_articles") is None:
        raise ParseError(url, "no article list (ul.announce.announce_articles)")
    items: dict[str, ListingItem] = {}
    for li in tree.css(LIST_ITEMS):
        link = li.css_first("a.announce__link") or li.css_first("a[href]")
        href = link.attributes.get("href") if link is not None else None
        if not href:
            continue
        try:
            canonical = canonical_url(urljoin("https://mid.ru/", href))
        except ValueError:
            continue
        day = _list_date(text_of(li.css_first("span.announce__date")))
        items.setdefault(canonical, ListingItem(canonical, _parts(canonical)[2], text_of(link), day))
    return list(items.values())


def _list_date(text: str) -> date | None:
    try:
        value = parse_when(text, CALENDAR) if text else None
    except ValueError:
        return None
    return value.date() if isinstance(value, datetime) else value


def _parse_feed(text: str, url: str) -> list[ListingItem]:
    try:
        entries = parse_feed(text)  # already decoded by the fetcher
    except FeedError as exc:
        raise ParseError(url, f"RSS feed: {exc}") from None
    items = []
    for entry in entries:
        try:
            canonical = canonical_url(urljoin("https://mid.ru/", entry.link))
        except ValueError:
            continue
        day = entry.published.astimezone(CALENDAR.tz).date() if entry.published else None
        items.append(ListingItem(canonical, _parts(canonical)[2], entry.title, day))
    return items


def parse_release(html: str, url: str) -> Release:
    """The article on a page of the current site, in the photo-content or the announcements layout."""
    try:
        canonical = canonical_url(url)
    except ValueError as exc:
        raise ParseError(url, str(exc)) from None
    lang, section, doc_id = _parts(canonical)
    tree = html_tree(html)
    article = first(tree, ARTICLE)
    announcement = tree.css_first(ANNOUNCEMENTS)
    if article is None and announcement is None:
        raise ParseError(url, "no article (div.photo-content) on the page")
    scope = article if article is not None else announcement
    assert scope is not None
    if announcement is not None and first(scope, BODY) is None:
        title, body_node = (
            text_of(announcement.css_first("h3.announcement__title")),
            announcement.css_first("div.announcement__text"),
        )
    else:
        title, body_node = text_of(first(scope, TITLE)), first(scope, BODY)
    if not title:
        raise ParseError(url, "no title (h1.photo-content__title)")
    number = _document_number(tree)
    # The announcements layout prints the date above the list, outside the item.
    published = _published(scope if article is not None else tree.body or scope, number, url)
    body = paragraphs(body_node, skip=_navigation) if body_node is not None else []
    if not body:
        raise ParseError(url, "empty body (div.text.article-content)")
    return ministry_release(
        NAME,
        canonical,
        section,
        lang,
        doc_id,
        title,
        published,
        body,
        document_number=number,
        translations=_translations(tree, doc_id),
        tags=tuple(t for t in (text_of(a) for a in tree.css(TAGS)) if t),
    )


def ministry_release(
    site: str,
    url: str,
    section: str,
    lang: str,
    doc_id: str,
    title: str,
    published: date | datetime,
    body: list[str],
    **extras: Any,
) -> Release:
    """A release of either of the ministry's sites: filed by section, one version series per language."""
    return Release(
        site=site,
        collection=section_slug(section),
        collection_name=section_name(section, lang),
        doc_id=doc_id,
        language=lang,
        url=url,
        title=title,
        published=published,
        body=tuple(body),
        per_language=True,
        **extras,
    )


def _document_number(tree: object) -> str:
    for node in tree.css(DOC_NUMBER):  # type: ignore[attr-defined]
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


def _navigation(node: LexborNode) -> bool:
    """Briefings' in-page navigation: table-of-contents links and "Back to contents" links."""
    if node.tag != "a":
        return False
    href = node.attributes.get("href") or ""
    text = normalize_text(node.text()).lower()
    if text in BACK_LINK_TEXTS:
        return True
    if not href.startswith("#"):
        return False
    parent = node.parent
    # A link that is the whole of its paragraph or list item is a contents entry; a footnote mark
    # inside running text ("[1]") is content.
    return parent is not None and normalize_text(parent.text()) == normalize_text(node.text())


def _translations(tree: object, doc_id: str) -> tuple[str, ...]:
    """The content languages the page links to for this same document (links with ?lang=xx)."""
    found = set()
    for a in tree.css("a[href*='lang=']"):  # type: ignore[attr-defined]
        href = a.attributes.get("href") or ""
        parts = urlsplit(href)
        if parts.path.rstrip("/").endswith(f"/{doc_id}"):
            lang = (parse_qs(parts.query).get("lang") or [""])[0].lower()
            if lang in LANGUAGES:
                found.add(lang)
    return tuple(sorted(found))


SITE = Site(
    name=NAME,
    aliases=("mid", "www.mid.ru"),
    hosts=frozenset({"mid.ru", "www.mid.ru"}),
    defaults=SiteConfig(
        base_url=CANONICAL_ROOT,
        min_interval=MIN_INTERVAL_S,
        collections=("foreign_policy/news",),
        languages=("en",),
        list_pages=1,
        interval=3600.0,  # hourly: the ministry publishes a few dozen items a day
    ),
    listing_urls=listing_urls,
    parse_listing=parse_listing,
    parse_release=parse_release,
    canonical_url=canonical_url,
    doc_key=doc_key,
    in_scope=in_scope,
    backfill_sources=backfill_sources,
    backfill_uses_wayback=True,
    legacy_charsets=("cp1251",),  # windows-1251, the Russian legacy encoding
)
