"""The Wayback Machine's CDX index as a discovery source: URLs it captured under a prefix, page by page.

With output=json the answer is a JSON array whose first row names the fields; with showResumeKey=true an
empty row and then a one-element row holding the resume key end a page that has a next one.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from crawler.config import SiteConfig
from crawler.errors import ParseError
from crawler.sites.base import BackfillRequest, ListingItem, Source
from crawler.sites.cdx import cdx_table, with_resume

CDX_PAGE = 500  # rows per CDX page; the index asks clients to stay near 1 request/s, so fewer, larger pages


def cdx_url(wayback_url: str, prefix: str, *, since: str = "", until: str = "", limit: int | None = None) -> str:
    """The first CDX page of every distinct URL captured (status 200) under `prefix`."""
    query = {
        "url": prefix,
        "matchType": "prefix",
        "output": "json",
        "fl": "original,timestamp,statuscode",
        "filter": "statuscode:200",
        "collapse": "urlkey",
        "limit": str(limit or CDX_PAGE),
        "showResumeKey": "true",
    }
    if since:
        query["from"] = since
    if until:
        query["to"] = until
    return f"{wayback_url.rstrip('/')}/cdx/search/cdx?{urlencode(query)}"


def parse_cdx(
    text: str, url: str, canonical: Callable[[str], str], doc_id: Callable[[str], str]
) -> tuple[list[ListingItem], str | None]:
    """The release URLs of one CDX page (others dropped) and the URL of the next page, if any."""
    fields, body, resume = cdx_table(text, url)
    if not fields:
        return [], None
    if "original" not in fields:
        raise ParseError(url, f"CDX answer has no 'original' field (fields: {fields})")
    at = fields.index("original")
    items: dict[str, ListingItem] = {}
    for row in body:
        if not isinstance(row, list) or len(row) != len(fields):
            continue
        try:
            found = canonical(str(row[at]))
        except ValueError:
            continue  # list pages, images, other sections: not releases
        items.setdefault(found, ListingItem(found, doc_id(found)))
    return list(items.values()), (with_resume(url, resume) if resume else None)


def cdx_sources(
    config: SiteConfig,
    request: BackfillRequest,
    host: str,
    canonical: Callable[[str], str],
    doc_id: Callable[[str], str],
) -> list[Source]:
    """One CDX source per configured section and language of a site served at /<lang>/<section>/ on `host`."""
    since = request.since.strftime("%Y%m%d")
    return [
        Source(
            f"cdx:{lang}/{section.strip('/')}",
            cdx_url(request.wayback_url, f"{host}/{lang}/{section.strip('/')}/", since=since),
            lambda text, url: parse_cdx(text, url, canonical, doc_id),
        )
        for lang in config.languages or ("en",)
        for section in config.collections
    ]
