"""The pipeline's first step: a site's newest list pages read into the items to visit.

`SiteVisit` is one site's part of a run, as every step sees it: the fetcher and the policy its pages are
fetched with, the site that understands them, its config, and the books its outcomes go to.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from crawler.config import SiteConfig
from crawler.errors import FetchError, Interrupted, NotFound, ParseError
from crawler.net.fetcher import Policy
from crawler.net.process import AnyFetcher
from crawler.pipeline.captures import Evidence
from crawler.pipeline.outcome import Books, failure_of
from crawler.pipeline.report import reason_of
from crawler.sites.base import Listing, ListingItem, Site
from crawler.wording import count

logger = logging.getLogger("crawler.pipeline.engine")  # the run's lines keep the name they always had


@dataclass(frozen=True)
class SiteVisit:
    """One site's part of a run: what its pages are fetched with and how, and where their outcomes go."""

    fetcher: AnyFetcher
    site: Site
    cfg: SiteConfig
    policy: Policy
    books: Books
    evidence: Evidence = field(default_factory=Evidence)  # where the pages read beside the releases are kept


async def discover(visit: SiteVisit) -> list[ListingItem]:
    """The items of the site's newest list pages that are in scope, one per document (a document listed
    under two URLs, through two sections, is fetched once), in list order."""
    items: dict[str, ListingItem] = {}
    for listing in visit.site.listing_urls(visit.cfg):
        for item in await read_listing(visit, listing):
            if visit.site.in_scope(item.url, visit.cfg):
                items.setdefault(visit.site.doc_key(item.url), item)
    return list(items.values())


async def read_listing(visit: SiteVisit, listing: Listing) -> list[ListingItem]:
    """The items of one list page; none, recorded and reported, when it cannot be read."""
    url = listing.url
    try:
        page = await visit.fetcher.get(url, visit.policy)
        visit.evidence.listing(page)
        found = visit.site.parse_listing(page.text, url)
    except (FetchError, ParseError) as exc:
        if isinstance(exc, ParseError):
            visit.books.report.list_unparsed[reason_of(exc.reason)] += 1
        if isinstance(exc, FetchError):
            visit.evidence.robots(exc)
        if isinstance(exc, Interrupted):  # the stop cut it short: not the site's failure
            return []
        if isinstance(exc, NotFound) and listing.collection and listing.expect_items:
            no_such_collection(visit, listing, f"the list page is gone ({exc.reason})")
        else:
            visit.books.settle(None, url, failure_of(exc, url))
        return []
    visit.books.report.listing(len(found))
    if not found and listing.expect_items:
        # Not a block (a challenge page is caught by its markers before this): the newest page of a real
        # section always has items, so the likeliest cause is a collection id that is wrong.
        no_such_collection(visit, listing, "the list page has no items")
        return []
    logger.debug("%s: %s on %s", visit.site.name, count(len(found), "item"), url)
    return found


def no_such_collection(visit: SiteVisit, listing: Listing, what: str) -> None:
    """Record and report a configured collection whose list page is empty or gone, naming the likely mistake."""
    where = f"collection {listing.collection}" if listing.collection else listing.url
    visit.books.failed(
        None, listing.url, f"{visit.site.name}: {where}: {what}; is the collection id right? ({listing.url})"
    )
