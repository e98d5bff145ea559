"""What the site modules share: matching a release URL, the checks every parsed release passes, list items.

Each helper raises the error a site function owes its caller: ValueError from URL functions (the engine
asks "is this a release of the site?"), ParseError from parsers (naming the URL and what was missing).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date, datetime
from urllib.parse import SplitResult, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from crawler.errors import ParseError
from crawler.parse.dates import Calendar, parse_when
from crawler.parse.textify import Skip, paragraphs, text_of
from crawler.sites.attached import attachments_of as attachments_of  # for the sites; registers the link hook
from crawler.sites.base import ListingItem


def match_release(
    url: str, name: str, owns_host: Callable[[str], bool], path: re.Pattern[str], shape: str, *, shown: str = ""
) -> tuple[SplitResult, re.Match[str]]:
    """The URL's parts and its path's match against a site's release path; ValueError naming the site if not.

    `shape` describes a release URL for the message; `shown` is the URL to name there (`url` by default).
    """
    parts = urlsplit(url.strip())
    shown = shown or url
    a = "an" if name[:1] in "aeiou" else "a"
    if parts.scheme not in ("http", "https") or not owns_host((parts.hostname or "").lower()):
        raise ValueError(f"not {a} {name} URL: {shown}")
    match = path.match(parts.path)
    if not match:
        raise ValueError(f"not {a} {name} article URL ({shape}): {shown}")
    return parts, match


def release_url(canonical_url: Callable[[str], str], url: str) -> str:
    """The canonical form of the URL a release page was fetched from; a ParseError when it is none."""
    try:
        return canonical_url(url)
    except ValueError as exc:  # the error names the URL first: once is enough
        raise ParseError(url, str(exc).removesuffix(f": {url}")) from None


def required_title(node: LexborNode | None, url: str, where: str) -> str:
    """The title's text; a ParseError naming the selector (`where`) when the page has none."""
    title = text_of(node)
    if not title:
        raise ParseError(url, f"no title ({where})")
    return title


def required_body(node: LexborNode | None, url: str, where: str, skip: Skip | None = None) -> list[str]:
    """The body's paragraphs; a ParseError naming the selector (`where`) when there are none."""
    body = paragraphs(node, skip=skip) if node is not None else []
    if not body:
        raise ParseError(url, f"empty body ({where})")
    return body


def texts(tree: LexborHTMLParser | LexborNode, selector: str) -> tuple[str, ...]:
    """The non-empty texts of every match of `selector` (tags, attachment names), in page order."""
    return tuple(t for t in (text_of(node) for node in tree.css(selector)) if t)


def inside(node: LexborNode, ancestor: LexborNode) -> bool:
    """Whether `node` lies within `ancestor`."""
    parent = node.parent
    while parent is not None:
        if parent.mem_id == ancestor.mem_id:
            return True
        parent = parent.parent
    return False


def day_of(text: str, calendar: Calendar) -> date | None:
    """The date printed in `text` (its time dropped), or None when there is none."""
    try:
        found = parse_when(text, calendar) if text else None
    except ValueError:
        return None
    return found.date() if isinstance(found, datetime) else found


def linked_items(
    entries: Iterable[tuple[LexborNode, LexborNode | None]],
    root: str,
    canonical_url: Callable[[str], str],
    doc_id: Callable[[str], str],
    calendar: Calendar,
) -> list[ListingItem]:
    """List items from (link, node printing its date) pairs: links to the site's releases only, each once."""
    items: dict[str, ListingItem] = {}
    for link, date_node in entries:
        try:
            canonical = canonical_url(urljoin(root + "/", link.attributes.get("href") or ""))
        except ValueError:
            continue
        if canonical not in items:
            items[canonical] = ListingItem(
                canonical, doc_id(canonical), text_of(link), day_of(text_of(date_node), calendar)
            )
    return list(items.values())
