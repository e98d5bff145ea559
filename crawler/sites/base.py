"""What every site module provides; site modules are pure functions of HTML and URLs, with no I/O."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial
from urllib.parse import urlsplit, urlunsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from archive.document import Release
from crawler.config import SiteConfig
from crawler.errors import ParseError
from crawler.sites import captures


@dataclass(frozen=True)
class ListingItem:
    """One entry of a list page or feed."""

    url: str  # canonical
    doc_id: str
    title: str = ""
    published: date | None = None


@dataclass(frozen=True)
class Listing:
    """A list page or feed to read for discovery."""

    url: str
    expect_items: bool  # the newest page of a section is never empty: empty means a wrong collection id
    collection: str = ""  # the configured collection (board, section) it lists; "" for a feed


@dataclass(frozen=True)
class Source:
    """One paged discovery source of a backfill: a list walked in a date window, or a CDX prefix."""

    key: str  # stable name, recorded in the backfill journal
    first_url: str
    # Parse one page: (items, URL of the next page or None). Pure, like everything in a site module.
    parse_page: Callable[[str, str], tuple[list[ListingItem], str | None]]


@dataclass(frozen=True)
class BackfillRequest:
    """What a backfill asks a site for."""

    since: date
    until: date
    wayback_url: str


def _everything(url: str, config: SiteConfig) -> bool:
    return True


def _no_backfill(config: SiteConfig, request: BackfillRequest) -> list[Source]:
    return []


def _any_config(config: SiteConfig) -> None:
    return None


@dataclass(frozen=True)
class Site:
    """A site as the engine and the CLI see it."""

    name: str
    aliases: tuple[str, ...]
    hosts: frozenset[str]  # hosts that serve this site's pages (canonical host first among equals)
    defaults: SiteConfig
    listing_urls: Callable[[SiteConfig], list[Listing]]
    parse_listing: Callable[[str, str], list[ListingItem]]
    parse_release: Callable[[str, str], Release]
    canonical_url: Callable[[str], str]  # ValueError when the URL is not one of this site's releases
    doc_key: Callable[[str], str]  # canonical URL -> archive key
    in_scope: Callable[[str, SiteConfig], bool] = _everything  # feeds list more than the configured sections
    backfill_sources: Callable[[SiteConfig, BackfillRequest], list[Source]] = _no_backfill
    backfill_uses_wayback: bool = False  # discovery goes through the Wayback Machine's CDX index
    legacy_charsets: tuple[str, ...] = ()  # what the site served before UTF-8, for mislabelled pages
    # Text found only in the site's anti-bot challenge or rejection pages: such a page, served with HTTP 200,
    # is blocked, never parsed or archived.
    challenge_markers: tuple[str, ...] = ()
    description: str = ""  # what the site is, for `pressroom sites`
    # Raises ConfigError (one line naming the setting) on settings the site cannot use, e.g. a collection
    # that names no board; the CLI calls it once the settings are read.
    check_config: Callable[[SiteConfig], None] = _any_config
    # Host names ending so serve the site too (".mofa.go.kr": its missions' city hosts), beside `hosts`.
    host_suffixes: tuple[str, ...] = ()
    # Where the site's ids are one sequence over all its collections, the one collection folder its keys use
    # (archive.document.SITE_WIDE); documents found under any other are an old layout, carried over.
    key_group: str = ""
    # The web archive (`pressroom import-history`): what the site knows beyond the defaults below, each None
    # for the default. See the methods of the same names.
    prefixes_hook: Callable[[SiteConfig], list[str]] | None = None
    forms_hook: Callable[[str], list[str]] | None = None
    capture_hook: Callable[[str, int], str | None] | None = None  # consulted before the default rules
    hint_hook: Callable[[str], str | None] | None = None  # a template the site knows by name, else None

    def history_prefixes(self, config: SiteConfig) -> list[str]:
        """CDX prefixes (no scheme) that cover every URL form of the site's releases: by default each of its
        hosts whole. The web archive ignores the scheme and a leading "www." (SURT), so hosts that differ
        only so are one prefix."""
        if self.prefixes_hook is not None:
            return self.prefixes_hook(config)
        return [f"{host}/" for host in distinct_hosts(self.hosts)]

    def url_forms(self, canonical: str) -> list[str]:
        """Exact URLs to ask the CDX index for one document (its canonical URL first): by default the
        canonical URL on each of the site's hosts, one per host as the web archive tells them apart."""
        if self.forms_hook is not None:
            return self.forms_hook(canonical)
        parts = urlsplit(canonical)
        own = host_of(canonical)
        hosts = [own, *(h for h in distinct_hosts(self.hosts) if surt_host(h) != surt_host(own))]
        return [urlunsplit((parts.scheme, h, parts.path, parts.query, "")) for h in hosts]

    def classify_capture(self, html: str, status: int, url: str) -> str | None:
        """Why a web-archive capture of `url` (its body, the status captured) is not a release -- one of
        `crawler.sites.captures.REASONS` -- or None for a page to parse. Words in the page's title count
        only when the site's parser reads no release of `url` from it (a release may be titled anything)."""
        reason = self.capture_hook(html, status) if self.capture_hook is not None else None
        return reason or captures.classify(html, status, self.challenge_markers, partial(self.reads, html, url))

    def reads(self, html: str, url: str) -> bool:
        """Whether the site's parser reads a release of `url` from `html`."""
        try:
            self.parse_release(html, url)
        except (ParseError, ValueError):
            return False
        return True

    def template_hint(self, html: str) -> str:
        """A short name of the page's template, for counting captures no parser understood."""
        named = self.hint_hook(html) if self.hint_hook is not None else None
        return named or captures.template_hint(html)

    def fetch_url(self, canonical: str, config: SiteConfig) -> str:
        """Where to fetch a canonical URL: on the configured base URL (a mirror or a simulator)."""
        return rebase(canonical, config.base_url)

    def owns(self, url: str) -> bool:
        """Whether `url` is one of this site's release URLs."""
        try:
            self.canonical_url(url)
        except ValueError:
            return False
        return True


def rebase(url: str, base_url: str) -> str:
    """`url` with its scheme and host (and a path prefix) taken from `base_url`."""
    target, base = urlsplit(url), urlsplit(base_url)
    path = base.path.rstrip("/") + target.path
    return urlunsplit((base.scheme, base.netloc, path, target.query, ""))


def surt_host(host: str) -> str:
    """A host as the web archive's index keys it: lower case, without a leading "www." (or www2. ...)."""
    return re.sub(r"^www[0-9]*\.", "", host.lower())


def distinct_hosts(hosts: frozenset[str] | tuple[str, ...]) -> list[str]:
    """One host per web-archive key, sorted; the shortest spelling of each."""
    by_key: dict[str, str] = {}
    for host in sorted(hosts, key=lambda h: (len(h), h)):
        by_key.setdefault(surt_host(host), host)
    return sorted(by_key.values())


def html_tree(html: str) -> LexborHTMLParser:
    """Parse a page."""
    return LexborHTMLParser(html)


def first(node: LexborHTMLParser | LexborNode, selectors: tuple[str, ...]) -> LexborNode | None:
    """The first match of the first selector that matches anything (current template first)."""
    for selector in selectors:
        found = node.css_first(selector)
        if found is not None:
            return found
    return None


def host_of(url: str) -> str:
    """The lower-cased host name of a URL."""
    return (urlsplit(url).hostname or "").lower()
