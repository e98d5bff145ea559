"""Where each page of the published site lives, relative to the site's root, and its URL under a base URL.

A document's page is its key's folder with `index.html` in it (`mofa.go.kr/m_5676/321874/index.html`): keys
are made of validated ids only (archive/document.py), so they are safe as paths, and links name the file
itself because a browser reading the site from `file://` does not look for `index.html` in a folder.
"""

from __future__ import annotations

from archive.document import split_key

PAGE = "index.html"
# The changes page and its Atom feed, at the site's root (the feed names both by their URL under a base URL).
FEED_PATH = "changes.atom"
CHANGES_PATH = "changes.html"


def page_path(key: str) -> str:
    """The path of a document's page inside the published site, e.g. `mid.ru/foreign_policy.news/1/en/index.html`."""
    return "/".join((*split_key(key), PAGE))


def page_url(base_url: str | None, key: str) -> str | None:
    """The URL of a document's page in the site published under `base_url` (None when no base URL is set)."""
    if not base_url:
        return None
    return f"{base_url.rstrip('/')}/{page_path(key)}"
