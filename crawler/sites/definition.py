"""A site as data: what a site definition says, the named hooks a built-in definition may use, and validation.

A definition names the site's hosts, how its release URLs look (a regular expression with a named `id`
group, optionally `lang` and `collection`), where its list pages are, which CSS selectors find each field
(several per field, current template first), how its dates read and in which time zone, and how politely
and how far back to crawl. `crawler.sites.generic.make_site` turns one into the `Site` the pipeline uses.

What data cannot say (a cookie gate's URL shape, a feed, a date hidden in a document number) a built-in
definition says through `hooks`: role -> the name of a function registered here with `@hook`. User
definitions from pressroom.toml can name no code. Every definition, built-in or user-written, goes
through `validate`, which raises `DefinitionError` naming the field that is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from selectolax.lexbor import LexborHTMLParser

from archive.document import LANG_RE, SLUG_RE
from archive.document import SITE_RE as NAME_RE
from crawler.errors import ConfigError

F = TypeVar("F", bound=Callable[..., Any])

# The roles a hook can play, each replacing or refining one part of what `make_site` builds.
HOOK_ROLES = frozenset(
    {
        "canonical_url",  # (url) -> canonical URL; ValueError when not a release of the site
        "doc_key",  # (canonical url) -> archive key
        "listing_urls",  # (SiteConfig) -> list[Listing]
        "parse_listing",  # (text, url) -> list[ListingItem]
        "parse_release",  # (html, url) -> Release
        "in_scope",  # (url, SiteConfig) -> bool
        "backfill_sources",  # (SiteConfig, BackfillRequest) -> list[Source]
        "skip",  # (node) -> bool: body subtrees that are not content (beyond `drop`)
        "published",  # (scope node, page tree, url) -> date | datetime | None, tried before the selectors
        "collection_name",  # (collection, language) -> what the site calls the collection
        "attachment_url",  # (href, page url) -> an attachment's absolute URL, None if not a file (script links)
    }
)
GROUPS = frozenset({"id", "lang", "collection"})  # the named groups a release URL pattern may have
PLACEHOLDERS = frozenset({"page", "collection", "lang"})  # what a list URL template may contain
HOST_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?)+$")
# Selector shapes that are not CSS: XPath, and text-matching pseudo-classes (scrapy's ::text, soupsieve's
# :-soup-contains, lexbor's :lexbor-contains) that tie a recipe to one parser and to the page's wording.
NOT_CSS = re.compile(r"^\s*\.?/|::|\btext\(\)|@[a-z]|:[a-z-]*contains\(", re.IGNORECASE)

HOOKS: dict[str, Callable[..., Any]] = {}


def hook(name: str) -> Callable[[F], F]:
    """Register a function under `name` so built-in definitions can name it in their `hooks`."""

    def register(func: F) -> F:
        if name in HOOKS and HOOKS[name] is not func:
            raise ValueError(f"hook {name!r} is registered twice")
        HOOKS[name] = func
        return func

    return register


class DefinitionError(ConfigError):
    """A site definition is wrong; `field` names the part (as written in pressroom.toml)."""

    def __init__(self, field_name: str, reason: str) -> None:
        super().__init__(f"{field_name}: {reason}")
        self.field = field_name
        self.reason = reason


@dataclass(frozen=True)
class Selectors:
    """CSS selectors per field; each a tuple of fallbacks tried in order (current template first)."""

    scope: tuple[str, ...] = ()  # the article; the whole page when empty
    title: tuple[str, ...] = ()
    date: tuple[str, ...] = ()
    time: tuple[str, ...] = ()  # where the time of day is printed apart from the date
    body: tuple[str, ...] = ()
    document_number: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()  # every match is one tag
    # Every match is one attachment: its text the name, its link (itself, around it or in it) the file's URL.
    attachments: tuple[str, ...] = ()
    drop: tuple[str, ...] = ()  # elements inside the body that are not content (share buttons, "back to top")
    list_scope: tuple[str, ...] = ()  # the list on a list page; a list page without it is a ParseError
    list_items: tuple[str, ...] = ()  # one entry each; when empty every link in the list is an entry
    list_link: tuple[str, ...] = ("a[href]",)  # the link inside an entry
    list_date: tuple[str, ...] = ()  # the date inside an entry


@dataclass(frozen=True)
class Dates:
    """How the site prints dates, where `crawler.parse.dates` does not already know."""

    time_zone: str = "UTC"  # IANA name; the zone of every time the site prints
    formats: tuple[str, ...] = ()  # strptime formats tried first (after labels and month names are handled)
    labels: tuple[str, ...] = ()  # words printed before the date ("Date:", "작성일"), dropped before parsing
    months: tuple[tuple[str, ...], ...] = ()  # month names, January first; one tuple per spelling


@dataclass(frozen=True)
class Backfill:
    """How to walk the site's past: list pages by number, or list pages filtered to a date window."""

    pages: int = 0  # walk {page} from first_page up to this many pages (0: no pagination backfill)
    first_page: int = 1
    since_param: str = ""  # date-window query parameters; both or neither
    until_param: str = ""
    date_format: str = "%Y-%m-%d"  # how the window's bounds are written
    window_days: int = 90  # one window at a time, newest first
    per_page: int = 0  # a page with fewer entries is the last one (0: only an empty or all-known page ends)


@dataclass(frozen=True)
class Definition:
    """A declarative site definition (see the module docstring)."""

    name: str  # the site's name and the archive's first path component, e.g. "mfa.example"
    hosts: tuple[str, ...]  # hosts serving its pages; the first is the canonical one
    release_url: str  # regex full-matched against a URL's path (or path?query): named group `id` required
    language: str = "en"  # content language unless the URL's `lang` group says otherwise
    aliases: tuple[str, ...] = ()
    description: str = ""
    list_urls: tuple[str, ...] = ()  # absolute URLs of list pages, templates with {page}, {collection}, {lang}
    canonical: str = ""  # path template of the canonical URL from the groups; "" keeps the matched text
    scheme: str = "https"
    collection: str = "releases"  # the collection when the URL has no `collection` group
    collection_name: str = ""  # what the site calls it ("" = the collection itself)
    collections: tuple[str, ...] = ()  # collections crawled by default ({collection} in list_urls)
    languages: tuple[str, ...] = ()  # languages crawled by default ({lang} in list_urls)
    per_language: bool = False  # one document id holds several languages, each its own version series
    numeric_id: bool = False  # ids are numbers: "007" and "7" are the same document
    select: Selectors = field(default_factory=Selectors)
    dates: Dates = field(default_factory=Dates)
    backfill: Backfill = field(default_factory=Backfill)
    min_interval: float = 2.0  # seconds between requests to the site; robots.txt Crawl-delay can raise it
    interval: float = 1800.0  # seconds between scheduled runs
    list_pages: int = 1  # {page} values read per crawl
    challenge_markers: tuple[str, ...] = ()  # text that marks a challenge page served with 200
    legacy_charsets: tuple[str, ...] = ()  # what the site served before UTF-8, for mislabelled pages
    hooks: Mapping[str, str] = field(default_factory=dict)  # role -> registered hook name (built-ins only)

    def hook(self, role: str) -> Callable[..., Any] | None:
        """The function the definition names for `role`, if any."""
        name = self.hooks.get(role)
        return HOOKS[name] if name else None


_PROBE = LexborHTMLParser("<html><body><p></p></body></html>")


def check_selector(selector: str, where: str) -> None:
    """Fail unless `selector` is a CSS selector lexbor compiles (no XPath, no text matching)."""
    if not isinstance(selector, str) or not selector.strip():
        raise DefinitionError(where, "an empty selector")
    if NOT_CSS.search(selector):
        raise DefinitionError(where, f"{selector!r} is not a CSS selector (XPath and text matching are not supported)")
    try:
        _PROBE.css(selector)
    except Exception:  # selectolax raises its own SelectolaxError (a ValueError in some versions)
        raise DefinitionError(where, f"{selector!r} is not a valid CSS selector") from None


def validate(d: Definition) -> Definition:
    """`d` itself when every part makes sense; a DefinitionError naming the first wrong field otherwise."""
    _check_identity(d)
    pattern = _check_release_url(d)
    _check_list_urls(d, pattern)
    _check_selectors(d)
    _check_dates(d.dates)
    _check_backfill(d)
    for role, name in d.hooks.items():
        if role not in HOOK_ROLES:
            raise DefinitionError("hooks", f"unknown role {role!r} (known: {', '.join(sorted(HOOK_ROLES))})")
        if name not in HOOKS:
            raise DefinitionError(f"hooks.{role}", f"no hook named {name!r} is registered")
    for key, value in (("min_interval", d.min_interval), ("interval", d.interval), ("list_pages", d.list_pages)):
        if value < 0 or (key != "min_interval" and value == 0):
            raise DefinitionError(key, f"{value} is out of range")
    return d


def _check_identity(d: Definition) -> None:
    if not NAME_RE.match(d.name):
        raise DefinitionError("name", f"{d.name!r} is not a site name (lower-case letters, digits, dots, dashes)")
    if not d.hosts:
        raise DefinitionError("hosts", "at least one host is required")
    for host in d.hosts:
        if not HOST_RE.match(host):
            raise DefinitionError("hosts", f"{host!r} is not a host name (lower case, no scheme or path)")
    for alias in d.aliases:
        if not alias or alias != alias.strip().lower():
            raise DefinitionError("aliases", f"{alias!r} must be lower case without spaces around it")
    if not LANG_RE.match(d.language):
        raise DefinitionError("language", f"{d.language!r} is not a language code (two or three letters)")
    for lang in d.languages:
        if not LANG_RE.match(lang):
            raise DefinitionError("languages", f"{lang!r} is not a language code (two or three letters)")
    for slug in (d.collection, *d.collections):
        if not SLUG_RE.match(slug):
            raise DefinitionError("collection", f"{slug!r} is not a collection id (letters, digits, _ . -)")
    if d.scheme not in ("http", "https"):
        raise DefinitionError("scheme", f"{d.scheme!r} must be http or https")


def _check_release_url(d: Definition) -> re.Pattern[str] | None:
    if not d.release_url:
        if {"canonical_url", "doc_key", "parse_release"} <= d.hooks.keys():
            return None
        raise DefinitionError("release_url", "required (a regular expression with an (?P<id>...) group)")
    try:
        pattern = re.compile(d.release_url)
    except re.error as exc:
        raise DefinitionError("release_url", f"{d.release_url!r} does not compile: {exc}") from None
    if "id" not in pattern.groupindex:
        raise DefinitionError("release_url", f"{d.release_url!r} has no document id group (?P<id>...)")
    unknown = set(pattern.groupindex) - GROUPS
    if unknown:
        raise DefinitionError(
            "release_url", f"unknown group(s) {', '.join(sorted(unknown))} (known: id, lang, collection)"
        )
    if not d.release_url.startswith(("^/", "/", "^\\/")):
        raise DefinitionError("release_url", f"{d.release_url!r} must match a path, starting with /")
    if d.canonical:
        names = set(re.findall(r"{([^{}]*)}", d.canonical))
        if not d.canonical.startswith("/") or not names <= set(pattern.groupindex):
            raise DefinitionError("canonical", f"{d.canonical!r} must be a path using only the URL's groups")
    return pattern


def _check_list_urls(d: Definition, pattern: re.Pattern[str] | None) -> None:
    from urllib.parse import urlsplit

    if not d.list_urls and "listing_urls" not in d.hooks:
        raise DefinitionError("list_urls", "at least one list page is required")
    for url in d.list_urls:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or (parts.hostname or "") not in d.hosts:
            raise DefinitionError(
                "list_urls", f"{url!r} must be an http(s) URL on the site's hosts ({', '.join(d.hosts)})"
            )
        names = set(re.findall(r"{([^{}]*)}", url))
        if not names <= PLACEHOLDERS:
            raise DefinitionError(
                "list_urls", f"{url!r}: unknown placeholder(s) {', '.join(sorted(names - PLACEHOLDERS))}"
            )
        if pattern is not None and pattern.fullmatch(parts.path):
            raise DefinitionError("list_urls", f"{url!r} matches release_url: a list page cannot be a release")


def _check_selectors(d: Definition) -> None:
    s = d.select
    if "parse_release" not in d.hooks:
        for name in ("title", "body"):
            if not getattr(s, name):
                raise DefinitionError(f"select.{name}", "required (a list of CSS selectors, best first)")
        if not s.date and "published" not in d.hooks:
            raise DefinitionError("select.date", "required (a list of CSS selectors, best first)")
    for name in Selectors.__dataclass_fields__:
        for selector in getattr(s, name):
            check_selector(selector, f"select.{name}")


def _check_dates(dates: Dates) -> None:
    try:
        ZoneInfo(dates.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise DefinitionError(
            "time_zone", f"{dates.time_zone!r} is not a known IANA time zone (e.g. Europe/Paris)"
        ) from None
    for fmt in dates.formats:
        if "%" not in fmt:
            raise DefinitionError("date_formats", f"{fmt!r} has no strptime directive (e.g. %d.%m.%Y)")
    for names in dates.months:
        if len(names) != 12:
            raise DefinitionError("months", f"{len(names)} month names given, 12 needed (January first)")


def _check_backfill(d: Definition) -> None:
    b = d.backfill
    if b.pages < 0 or b.first_page < 0 or b.window_days < 1 or b.per_page < 0:
        raise DefinitionError("backfill", "pages, first_page and per_page must not be negative, window_days at least 1")
    if bool(b.since_param) != bool(b.until_param):
        raise DefinitionError("backfill", "a date window needs both since_param and until_param")
    paged = any("{page}" in url for url in d.list_urls)
    if (b.pages or b.since_param) and not paged:
        raise DefinitionError("backfill", "a backfill walks pages: some list_urls entry needs {page}")
    if b.since_param and "%" not in b.date_format:
        raise DefinitionError("backfill.date_format", f"{b.date_format!r} has no strptime directive")
