"""Finding a document's past captures: the CDX queries of an import, the rows they give per document, and
which of those captures are worth fetching. Pure functions of URLs and CDX answers; no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from crawler.config import Config
from crawler.pipeline.history_journal import Found
from crawler.sites import cdx
from crawler.sites import owner_of as owning_site
from crawler.sites.base import Site


@dataclass(frozen=True)
class Query:
    """One CDX query of an import: a site's prefix, or one URL form of a document."""

    id: str  # stable name, recorded in the journal
    first_url: str
    key: str = ""  # for an exact query: the document it asks for (rows of other documents are dropped)


@dataclass(frozen=True)
class Owner:
    """The document a captured URL belongs to."""

    site: Site
    url: str  # canonical
    key: str


def owner_of(url: str) -> Owner | None:
    """The document (of whichever site claims it) whose release `url` is, if any."""
    site = owning_site(url)
    if site is None:
        return None
    try:
        canonical = site.canonical_url(url)
        return Owner(site, canonical, site.doc_key(canonical))
    except ValueError:
        return None


def site_queries(site: Site, config: Config, since: date | None, until: date | None) -> list[Query]:
    """The CDX prefix queries covering every URL form of `site`'s releases."""
    prefixes = site.history_prefixes(config.site(site.name))
    wayback = config.wayback_url
    return [
        Query(f"prefix:{prefix}", cdx.cdx_prefix_url(wayback, prefix, since=since, until=until)) for prefix in prefixes
    ]


def doc_queries(
    site: Site, key: str, urls: Iterable[str], config: Config, since: date | None, until: date | None
) -> list[Query]:
    """Exact CDX queries over every URL form of one document (its canonical URL's, and any other URL it had)."""
    forms: dict[str, str] = {}  # the index's key of a URL (scheme and `www.` ignored) -> the URL: one query each
    for url in urls:
        for form in (*site.url_forms(url), url):
            forms.setdefault(cdx.url_key(form), form)
    wayback = config.wayback_url
    return [
        Query(f"exact:{form}", cdx.cdx_exact_url(wayback, form, since=since, until=until), key)
        for form in forms.values()
    ]


def found_rows(rows: Iterable[cdx.CdxRow], query: Query) -> list[Found]:
    """The CDX rows that are captures of a release (of the asked document, for an exact query), as `Found`s."""
    found = []
    for row in rows:
        if row.status != 200:
            continue  # revisits ("-") and anything the filter let through
        owner = owner_of(row.original)
        if owner is None or (query.key and owner.key != query.key):
            continue  # list pages, images, other sections, or another URL the index matched
        found.append(Found(owner.site.name, owner.key, owner.url, row.timestamp, row.original, row.digest))
    return found


def worth_fetching(rows: list[Found]) -> list[Found]:
    """A document's captures to fetch: by time, each but an adjacent repeat of the same digest (one text: the
    index's `collapse=digest` merges only within one URL form). Several a day are kept when their digests
    differ: the first of a day may be a challenge or error page hiding the release captured hours later, and
    a same-day correction is an edit; which capture is the release is known only once it is judged."""
    chosen: list[Found] = []
    for row in sorted(rows, key=lambda r: (r.at, r.original)):
        if chosen and row.digest and row.digest == chosen[-1].digest:
            continue
        chosen.append(row)
    return chosen
