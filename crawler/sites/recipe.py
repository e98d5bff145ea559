"""The list-page and release parsers a `Definition` describes: its selectors applied, fallbacks in order.

They keep the hand-written parsers' promises: a missing required field is a `ParseError` naming the
selectors tried, the body goes through `textify.paragraphs`, dates through `crawler.parse.dates` after
the definition's own formats, labels and month names.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

from selectolax.lexbor import LexborHTMLParser, LexborNode

from archive.document import Release
from crawler.errors import ParseError
from crawler.parse.dates import parse_when
from crawler.parse.textify import paragraphs, text_of
from crawler.sites.attached import attachments_of
from crawler.sites.base import ListingItem, first, html_tree, rebase
from crawler.sites.definition import Dates, Definition
from crawler.sites.languages import calendar

Parts = Callable[[str], tuple[str, dict[str, str]]]  # release URL -> (canonical URL, groups)
TIME_RE = re.compile(r"(?<![0-9])([0-9]{1,2}):([0-9]{2})(?![0-9])")


def tried(selectors: tuple[str, ...]) -> str:
    """The selectors of a field as an error message names them."""
    return ", ".join(selectors) if selectors else "no selector"


def parse_listing(
    d: Definition, canonical: Callable[[str], str], key: Callable[[str], str], text: str, url: str
) -> list[ListingItem]:
    """The releases a list page links to, in page order, each once; links to anything else are skipped."""
    s = d.select
    tree = html_tree(text)
    scope = first(tree, s.list_scope) if s.list_scope else tree.body
    if scope is None:
        raise ParseError(url, f"no list on the page (tried {tried(s.list_scope)})")
    rows = _first_all(scope, s.list_items) if s.list_items else _first_all(scope, s.list_link)
    # Links are resolved against the page's place on the site itself, not on a mirror it was fetched from.
    here = rebase(url, f"{d.scheme}://{d.hosts[0]}")
    items: dict[str, ListingItem] = {}
    for row in rows:
        link = first(row, s.list_link) if s.list_items else row
        href = link.attributes.get("href") if link is not None else None
        if not href:
            continue
        try:
            found = canonical(urljoin(here, href))
        except ValueError:
            continue
        day = _list_date(d, row) if s.list_items else None
        doc_id = key(found).split("/")[2]  # keys are <site>/<collection>/<id>[/<lang>]
        items.setdefault(found, ListingItem(found, doc_id, text_of(link), day))
    return list(items.values())


def _list_date(d: Definition, row: LexborNode) -> date | None:
    text = text_of(first(row, d.select.list_date)) if d.select.list_date else ""
    if not text:
        return None
    try:
        value = parse_date(text, d.dates, d.language)
    except ValueError:
        return None
    return value.date() if isinstance(value, datetime) else value


def parse_release(d: Definition, parts: Parts, html: str, url: str) -> Release:
    """The release on a page, from the definition's selectors."""
    try:
        canonical, groups = parts(url)
    except ValueError as exc:
        raise ParseError(url, str(exc)) from None
    s = d.select
    tree = html_tree(html)
    scope = first(tree, s.scope) if s.scope else tree.body
    if scope is None:
        raise ParseError(url, f"no article on the page (tried {tried(s.scope)})")
    title = text_of(first(scope, s.title))
    if not title:
        raise ParseError(url, f"no title (tried {tried(s.title)})")
    published = _published(d, scope, tree, url)
    body = _body(d, scope, url)
    collection, lang = groups["collection"], groups["lang"]
    name_hook = d.hook("collection_name")
    return Release(
        site=d.name,
        collection=collection,
        collection_name=name_hook(collection, lang) if name_hook else (d.collection_name or collection),
        doc_id=groups["id"],
        language=lang,
        url=canonical,
        title=title,
        published=published,
        body=tuple(body),
        document_number=text_of(first(scope, s.document_number)) if s.document_number else "",
        tags=_texts(tree, s.tags),
        attachments=attachments_of(scope, s.attachments, canonical, d.hook("attachment_url")),
        per_language=d.per_language,
    )


def _body(d: Definition, scope: LexborNode, url: str) -> list[str]:
    s = d.select
    node = first(scope, s.body)
    if node is None:
        raise ParseError(url, f"no body (tried {tried(s.body)})")
    dropped = {n.mem_id for selector in s.drop for n in node.css(selector)}
    extra = d.hook("skip")

    def skip(child: LexborNode) -> bool:
        return child.mem_id in dropped or (extra is not None and bool(extra(child)))

    body = paragraphs(node, skip=skip)
    if not body:
        raise ParseError(url, f"empty body (tried {tried(s.body)})")
    return body


def _published(d: Definition, scope: LexborNode, tree: LexborHTMLParser, url: str) -> date | datetime:
    """The date (and time) from the article; outside it when the page prints the date above the article."""
    s = d.select
    special = d.hook("published")
    value = special(scope, tree, url) if special is not None else None
    if value is not None:
        return value  # type: ignore[no-any-return]
    node = first(scope, s.date) or first(tree, s.date)
    text = text_of(node)
    try:
        value = parse_date(text, d.dates, d.language) if text else None
    except ValueError:
        value = None
    if value is None:
        raise ParseError(url, f"no publication date (tried {tried(s.date)}: {text[:40]!r})")
    if isinstance(value, datetime) or not s.time:
        return value
    clock = TIME_RE.search(text_of(first(scope, s.time) or first(tree, s.time)))
    if not clock:
        return value
    tz = ZoneInfo(d.dates.time_zone)
    return datetime(value.year, value.month, value.day, int(clock[1]), int(clock[2]), tzinfo=tz)


def parse_date(text: str, dates: Dates, language: str) -> date | datetime:
    """A date as the site prints it: labels dropped, month names made numbers, its formats, then the
    formats every site shares. ValueError when there is none."""
    tz = ZoneInfo(dates.time_zone)
    cleaned = text
    for label in dates.labels:
        cleaned = re.sub(re.escape(label) + r"\s*:?", " ", cleaned, flags=re.IGNORECASE)
    for names in dates.months:
        for number, name in sorted(enumerate(names, start=1), key=lambda pair: -len(pair[1])):
            cleaned = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", str(number), cleaned, flags=re.IGNORECASE)
    cleaned = " ".join(cleaned.split())
    for fmt in dates.formats:
        try:
            parsed = datetime.strptime(cleaned, fmt)
        except ValueError:
            continue
        has_time = any(d in fmt for d in ("%H", "%I", "%M"))
        return parsed.replace(tzinfo=tz) if has_time else parsed.date()
    return parse_when(cleaned, calendar(dates.time_zone, (language,), fallback=(language,)))


def _first_all(node: LexborHTMLParser | LexborNode, selectors: tuple[str, ...]) -> list[LexborNode]:
    """Every match of the first selector that matches anything."""
    for selector in selectors:
        found = node.css(selector)
        if found:
            return list(found)
    return []


def _texts(node: LexborHTMLParser | LexborNode, selectors: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(t for t in (text_of(n) for n in _first_all(node, selectors)) if t)
