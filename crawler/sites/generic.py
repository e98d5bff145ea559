"""`make_site`: a `Site` from a `Definition`: its URLs, keys, list pages and backfill sources.

The page parsers live in `crawler.sites.recipe`; a hook the definition names replaces the part it is for.
Everything here is a pure function of URLs, text and settings, like every site module.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from functools import partial
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from archive.document import DOC_ID_RE, LANG_RE, SLUG_RE
from crawler.config import SiteConfig
from crawler.sites.base import BackfillRequest, Listing, ListingItem, Site, Source, distinct_hosts, rebase
from crawler.sites.definition import Definition, validate
from crawler.sites.recipe import parse_listing, parse_release

ParsePage = Callable[[str, str], list[ListingItem]]


def make_site(d: Definition) -> Site:
    """The `Site` a (validated) definition describes, hooks in place of the parts they replace."""
    validate(d)
    pattern = re.compile(d.release_url) if d.release_url else None
    canonical = d.hook("canonical_url") or partial(canonical_url, d, pattern)
    key = d.hook("doc_key") or partial(doc_key, d, pattern)
    listing = d.hook("parse_listing") or partial(parse_listing, d, canonical, key)
    extra: dict[str, object] = {}
    if d.hook("in_scope"):
        extra["in_scope"] = d.hook("in_scope")
    return Site(
        name=d.name,
        aliases=d.aliases,
        hosts=frozenset(d.hosts),
        defaults=defaults(d),
        listing_urls=d.hook("listing_urls") or partial(listing_urls, d),
        parse_listing=listing,
        parse_release=d.hook("parse_release") or partial(parse_release, d, partial(release_parts, d, pattern)),
        canonical_url=canonical,
        doc_key=key,
        backfill_sources=d.hook("backfill_sources") or partial(backfill_sources, d, listing),
        legacy_charsets=d.legacy_charsets,
        challenge_markers=d.challenge_markers,
        description=d.description,
        prefixes_hook=partial(history_prefixes, d),
        **extra,  # type: ignore[arg-type]
    )


def history_prefixes(d: Definition, config: SiteConfig) -> list[str]:
    """CDX prefixes of a defined site's releases: each host (one per web-archive key) with the fixed start of
    its release URL pattern ("/press/" of "/press/(?P<id>[0-9]+)"); "/" when the pattern starts variable."""
    start = literal_start(d.release_url) or "/"
    return [f"{host}{start}" for host in distinct_hosts(d.hosts)]


def literal_start(pattern: str) -> str:
    """The text every match of a regular expression starts with, as far as it is plain characters."""
    out = []
    text = pattern.removeprefix("^")
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text) and not text[i + 1].isalnum():
            out.append(text[i + 1])
            i += 2
            continue
        if char in "\\.^$*+?{}[]|()":
            break
        out.append(char)
        i += 1
    literal = "".join(out)
    if _top_level_alternation(text):
        return ""
    # A quantifier after the last plain character makes that character optional: it is no part of the start.
    return literal[:-1] if literal and i < len(text) and text[i] in "*?{" else literal


def _top_level_alternation(pattern: str) -> bool:
    """Whether a "|" outside every group and character class splits the whole pattern."""
    depth, in_class, escaped = 0, False, False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char in "()":
            depth += 1 if char == "(" else -1
        elif char == "|" and depth == 0:
            return True
    return False


def defaults(d: Definition) -> SiteConfig:
    """The settings a definition gives its site before pressroom.toml and the command line have their say."""
    return SiteConfig(
        base_url=root(d),
        min_interval=d.min_interval,
        collections=d.collections or (d.collection,),
        languages=d.languages,
        list_pages=d.list_pages,
        interval=d.interval,
    )


def root(d: Definition) -> str:
    """The scheme and canonical host of the site's URLs."""
    return f"{d.scheme}://{d.hosts[0]}"


def release_parts(d: Definition, pattern: re.Pattern[str] | None, url: str) -> tuple[str, dict[str, str]]:
    """(canonical URL, {"id", "lang", "collection"}) of a release URL; ValueError when it is not one."""
    if pattern is None:
        raise ValueError(f"{d.name} has no release URL pattern")
    cleaned = url.strip().replace("&amp;", "&")
    parts = urlsplit(cleaned)
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or host not in d.hosts:
        raise ValueError(f"not a {d.name} URL: {url}")
    targets = (parts.path, f"{parts.path}?{parts.query}") if parts.query else (parts.path,)
    match = next((m for m in map(pattern.fullmatch, targets) if m), None)
    if match is None:
        raise ValueError(f"not a {d.name} release URL (release_url {d.release_url}): {url}")
    groups = {k: v for k, v in match.groupdict().items() if v}
    if d.numeric_id and groups.get("id", "").isdigit():
        groups["id"] = str(int(groups["id"]))
    groups["lang"] = groups.get("lang", d.language).lower()
    groups["collection"] = groups.get("collection", d.collection).strip("/").replace("/", ".")
    if not DOC_ID_RE.match(groups.get("id", "")):
        raise ValueError(f"not a {d.name} document id in {url}")
    if not LANG_RE.match(groups["lang"]) or not SLUG_RE.match(groups["collection"]):
        raise ValueError(f"not a {d.name} language or collection in {url}")
    if d.canonical:
        path = d.canonical.format(**groups)
    else:  # the matched text, its id written the one way (so "007" and "7" give one URL)
        path = match[0][: match.start("id")] + groups["id"] + match[0][match.end("id") :]
    return root(d) + path, groups


def canonical_url(d: Definition, pattern: re.Pattern[str] | None, url: str) -> str:
    """The canonical form of one of the site's release URLs; ValueError for any other URL."""
    return release_parts(d, pattern, url)[0]


def doc_key(d: Definition, pattern: re.Pattern[str] | None, url: str) -> str:
    """The archive key: <site>/<collection>/<id>, plus /<lang> where a document holds several languages."""
    _, groups = release_parts(d, pattern, url)
    key = f"{d.name}/{groups['collection']}/{groups['id']}"
    return f"{key}/{groups['lang']}" if d.per_language else key


def expand(template: str, config: SiteConfig, d: Definition) -> list[tuple[str, str]]:
    """(URL with {page} left in, collection) for each configured collection and language of a list URL."""
    langs = (config.languages or (d.language,)) if "{lang}" in template else ("",)
    colls = config.collections if "{collection}" in template else (d.collection,)
    out = []
    for lang in langs:
        for coll in colls:
            url = template.replace("{lang}", lang).replace("{collection}", coll)
            out.append((rebase(url, config.base_url), coll))
    return out


def listing_urls(d: Definition, config: SiteConfig) -> list[Listing]:
    """The newest list pages: pages first_page.. of each list URL, on the configured base URL."""
    out = []
    for template in d.list_urls:
        for url, coll in expand(template, config, d):
            if "{page}" not in url:
                out.append(Listing(url, expect_items=True, collection=coll))
                continue
            first = d.backfill.first_page
            pages = range(first, first + config.list_pages)
            out += [Listing(url.replace("{page}", str(n)), expect_items=n == first, collection=coll) for n in pages]
    return out


def backfill_sources(d: Definition, parse: ParsePage, config: SiteConfig, request: BackfillRequest) -> list[Source]:
    """Paged list URLs walked from first_page: in date windows (newest first) when the site filters by date."""
    b = d.backfill
    templates = [(url, coll) for t in d.list_urls if "{page}" in t for url, coll in expand(t, config, d)]
    if b.since_param:
        sources = []
        for i, (template, coll) in enumerate(templates):
            for start, end in windows(request.since, request.until, b.window_days):
                a, z = start.strftime(b.date_format), end.strftime(b.date_format)
                paged = with_query(template, {b.since_param: a, b.until_param: z})
                sources.append(_source(d, parse, f"{i}:{coll}:{start:%Y%m%d}-{end:%Y%m%d}", paged, request))
        return sources
    if b.pages:
        return [_source(d, parse, f"{i}:{coll}:pages", t, request) for i, (t, coll) in enumerate(templates)]
    return []


def windows(since: date, until: date, days: int) -> list[tuple[date, date]]:
    """[since, until] cut into windows of `days`, newest first."""
    out = []
    end = until
    while end >= since:
        start = max(since, end - timedelta(days=days - 1))
        out.append((start, end))
        end = start - timedelta(days=1)
    return out


def with_query(url: str, params: dict[str, str]) -> str:
    """`url` with `params` added to its query string (the {page} placeholder kept as it is)."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True) + list(params.items())
    text = urlencode(query, safe="{}")
    return urlunsplit((parts.scheme, parts.netloc, parts.path, text, ""))


def _source(d: Definition, parse: ParsePage, key: str, template: str, request: BackfillRequest) -> Source:
    """Pages of one list from first_page on; items dated outside the request left out, and a page whose
    dated items are all older than its start is the last (lists run newest first)."""
    b = d.backfill
    page_re = re.compile(re.escape(_tail(template)).replace(re.escape("{page}"), "([0-9]+)"))
    last = b.first_page + b.pages - 1 if b.pages else None
    # Sites often answer a page past the end with the last page again: a page that brings no URL this walk
    # has not seen ends it. The walk remembers what it saw; a resumed walk starts afresh, at worst a page late.
    seen: set[str] = set()

    def parse_page(text: str, url: str) -> tuple[list[ListingItem], str | None]:
        items = parse(text, url)
        fresh = [item for item in items if item.url not in seen]
        seen.update(item.url for item in items)
        dated = [item.published for item in items if item.published is not None]
        older = bool(dated) and max(dated) < request.since
        found = page_re.search(_tail(url))
        page = int(found[1]) if found else b.first_page
        done = not fresh or older or (b.per_page and len(items) < b.per_page) or (last is not None and page >= last)
        wanted = [i for i in items if i.published is None or request.since <= i.published <= request.until]
        return wanted, None if done else template.replace("{page}", str(page + 1))

    return Source(key, template.replace("{page}", str(b.first_page)), parse_page)


def _tail(url: str) -> str:
    """The path and query of a URL, where its page number is."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path
