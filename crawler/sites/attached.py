"""Attachments on a release page: (name, absolute URL) pairs, found by a definition's `attachments` selectors.

Each match of a selector is one attachment. Its link is the element itself when it is an `<a href>`, else the
link around it, else the first link inside it; its name is its text, else the file name at the end of the
link. A link that is no plain URL (mofa.go.kr's `javascript:f_down('./down.do?…')`) goes through the
definition's `attachment_url` hook. Pure: no fetching here (crawler/pipeline/attachments.py fetches them).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import unquote, urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from archive.attachment import Attachment
from crawler.parse.textify import text_of
from crawler.sites.definition import hook

LinkHook = Callable[[str, str], str | None]  # (href as written, page URL) -> absolute URL, None: not a file
# mofa.go.kr's board engine: the download is a script call with the URL relative to the view page.
F_DOWN = re.compile(r"""^\s*javascript:\s*f_down\(\s*['"]([^'"]+)['"]\s*\)""")


@hook("board:attachment_url")
def board_attachment_url(href: str, page_url: str) -> str | None:
    """mofa.go.kr's `javascript:f_down('./down.do?brd_id=…&seq=…&file_seq=N')`, resolved against the page."""
    match = F_DOWN.match(href)
    if match:
        return urljoin(page_url, str(match[1]))
    return plain_url(href, page_url)


def plain_url(href: str, page_url: str) -> str | None:
    """An ordinary link resolved against the page; None for scripts, mail and in-page anchors."""
    href = href.strip()
    if not href or href.startswith("#"):
        return None
    absolute = urljoin(page_url, href)
    return absolute if urlsplit(absolute).scheme in ("http", "https") else None


def attachments_of(
    tree: LexborHTMLParser | LexborNode | None,
    selectors: tuple[str, ...],
    page_url: str,
    link: LinkHook | None = None,
) -> tuple[Attachment, ...]:
    """The attachments the first selector that matches finds, in page order, one per distinct URL."""
    if tree is None:
        return ()
    resolve = link or plain_url
    for selector in selectors:
        found: dict[str, Attachment] = {}
        for node in tree.css(selector):
            anchor = _anchor(node)
            href = str(anchor.attributes.get("href") or "") if anchor is not None else ""
            url = resolve(href, page_url) if href else None
            name = text_of(node) or (_file_name(url) if url else "")
            key = url or f"name:{name}"
            if name and key not in found:
                found[key] = Attachment(name, url or "")
        if found:
            return tuple(found.values())
    return ()


def _anchor(node: LexborNode) -> LexborNode | None:
    """The link an attachment's element is, sits in, or holds."""
    walk: LexborNode | None = node
    while walk is not None:
        if walk.tag == "a" and walk.attributes.get("href"):
            return walk
        walk = walk.parent
    return node.css_first("a[href]")


def _file_name(url: str) -> str:
    """The last path segment of a URL, decoded (`…/upload/iblock/3a1/Statement.pdf` -> `Statement.pdf`)."""
    return unquote(urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1])
