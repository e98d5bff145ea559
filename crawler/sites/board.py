"""The board engine: server-rendered JSP boards, as mofa.go.kr and its missions abroad serve their releases.

A board lives at /<prefix>/brd/<board>/ (the prefix picks the language: /eng/ English, /www/ Korean on
mofa.go.kr); `seq` numbers the articles of a board: view.do?seq=N shows one, list.do?page=N lists them,
newest first, and srchFr/srchTo filter the list to a date window. A list row opens its article through
f_view('N') or a ?seq=N link. Two view templates are known: the current one (div.board_detail with
div.bo_head, a dl of Date/hit, div.bo_con) and the 2018-2019 one (a view table with "• Date : ... •
Hit : ..." items). The hit counter changes on every visit: it is read past, never kept.

What is the same for every site of the engine is here; what differs is data, a `BoardSite`: its
definition (name, hosts, selectors, date labels and time zone, backfill window, politeness), which path
prefixes hold which language, and the boards it knows by name. `board_site` turns one into a `Site`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cached_property, partial
from typing import Any
from urllib.parse import parse_qs, parse_qsl, urlencode, urlsplit, urlunsplit

from selectolax.lexbor import LexborNode

from archive.document import Release
from crawler.config import SiteConfig
from crawler.errors import ParseError
from crawler.parse.dates import Calendar, parse_when
from crawler.parse.textify import text_of
from crawler.sites.base import BackfillRequest, Listing, ListingItem, Site, Source, first, html_tree
from crawler.sites.common import inside, match_release, release_url, required_body, required_title, texts
from crawler.sites.definition import Backfill, Definition, Selectors, validate
from crawler.sites.generic import defaults, root, windows
from crawler.sites.languages import calendar

ARTICLE_SHAPE = "…/brd/m_N/view.do?seq=N"
BOARD_TITLE = "div.page_tit h2"  # what the site calls a board it does not list by name
F_VIEW = re.compile(r"f_view\(\s*['\"]?([0-9]+)['\"]?\s*\)")
SEQ_IN_HREF = re.compile(r"[?&;]seq=([0-9]+)")
LIST_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# "• Date : 2018-06-14 16:38:17" in the older template.
LABELLED_ITEM = re.compile(r"^[\s•·\-*]*([^:]{1,20}?)\s*:\s*(.+)$")


# The engine's templates, current first, then the 2018-2019 one; a site of the engine may override any.
SELECT = Selectors(
    scope=("div.board_detail", "div.board_view", "div.view_wrap"),
    title=("div.bo_head > h2", "div.bo_head h2", "th.subject", "div.view_tit", "table thead th"),
    body=("div.bo_con > div.se-contents", "div.bo_con", "td.content", "div.view_con"),
    attachments=("div.bo_file li span, div.file li span",),
    date=("dl dt", "ul li"),  # labelled metadata: the value labelled as the date (Dates.labels) is the date
    list_scope=("div.board_list, table",),
    list_items=("div.board_list table tbody tr", "table.board_list tbody tr", "table tbody tr"),
)
# The list filtered to a date window: srchFr/srchTo as YYYYMMDD, ten rows a page; a quarter at a time.
BACKFILL = Backfill(since_param="srchFr", until_param="srchTo", date_format="%Y%m%d", window_days=90, per_page=10)


@dataclass(frozen=True)
class Board:
    """One board a site knows by name."""

    id: str
    prefix: str  # the path prefix it lives under
    name: str
    language: str


@dataclass(frozen=True, eq=False)
class BoardSite:
    """A site of the board engine, as data."""

    definition: Definition
    prefixes: Mapping[str, str]  # path prefix -> the language of its boards; the first is the default
    boards: tuple[Board, ...] = ()
    subdomains: bool = False  # hosts under the site's name (its missions' sites) serve its pages too

    @cached_property
    def known(self) -> dict[str, Board]:
        """The boards it names, by id."""
        return {b.id: b for b in self.boards}

    @cached_property
    def article_path(self) -> re.Pattern[str]:
        """A view page's path: /<prefix>/brd/<board>/view.do."""
        return re.compile(rf"^/({_alternatives(self.prefixes)})/brd/(m_[0-9]+)/view\.do$")

    @cached_property
    def board_path(self) -> re.Pattern[str]:
        """The board part of a list page's path."""
        return re.compile(rf"/({_alternatives(self.prefixes)})/brd/(m_[0-9]+)/")

    @cached_property
    def calendar(self) -> Calendar:
        """How the site writes dates: its zone and the languages of its prefixes."""
        dates = self.definition.dates
        return calendar(dates.time_zone, tuple(dict.fromkeys(self.prefixes.values())), dates.months)

    def prefix(self, board: str, given: str = "") -> str:
        """Where a board lives: where the site lists it, else where the URL says, else the first prefix."""
        known = self.known.get(board)
        return known.prefix if known else given or next(iter(self.prefixes))

    def owns_host(self, host: str) -> bool:
        """The site's own hosts, and hosts under its name when its missions serve pages too."""
        return host in self.definition.hosts or (self.subdomains and host.endswith("." + self.definition.name))


def board(
    name: str,
    hosts: tuple[str, ...],
    prefixes: Mapping[str, str],
    *,
    boards: tuple[Board, ...] = (),
    subdomains: bool = False,
    **definition: Any,
) -> BoardSite:
    """A site of the board engine from its data: the engine's selectors, URL shapes and backfill, unless
    `definition` (fields of a `Definition`) says otherwise."""
    fields: dict[str, Any] = {
        "release_url": rf"^/(?:{_alternatives(prefixes)})/brd/(?P<collection>m_[0-9]+)/view\.do\?seq=(?P<id>[0-9]+)$",
        "list_urls": tuple(f"https://{hosts[0]}/{p}/brd/{{collection}}/list.do?page={{page}}" for p in prefixes),
        "language": next(iter(prefixes.values())),
        "select": SELECT,
        "backfill": BACKFILL,
        **definition,
    }
    return BoardSite(Definition(name=name, hosts=hosts, **fields), prefixes, boards, subdomains)


def _alternatives(prefixes: Mapping[str, str]) -> str:
    return "|".join(re.escape(p) for p in prefixes)


def canonical_url(b: BoardSite, url: str) -> str:
    """`<root>/<prefix>/brd/<board>/view.do?seq=N`, whatever host, scheme or &amp; noise."""
    cleaned = url.strip()
    while "&amp;" in cleaned:
        cleaned = cleaned.replace("&amp;", "&")
    parts, match = match_release(cleaned, b.definition.name, b.owns_host, b.article_path, ARTICLE_SHAPE, shown=url)
    seqs = parse_qs(parts.query).get("seq", [])
    if not seqs or not re.fullmatch(r"[0-9]{1,12}", seqs[0]):
        raise ValueError(f"not a {b.definition.name} article URL ({ARTICLE_SHAPE}): {url}")
    board = match[2]
    return f"{root(b.definition)}/{b.prefix(board, match[1])}/brd/{board}/view.do?seq={int(seqs[0])}"


def doc_key(b: BoardSite, url: str) -> str:
    """The archive key of a release URL: <site>/<board>/<seq>."""
    board, seq = _board_and_seq(canonical_url(b, url))
    return f"{b.definition.name}/{board}/{seq}"


def listing_urls(b: BoardSite, config: SiteConfig) -> list[Listing]:
    """The newest list pages of every configured board."""
    base = config.base_url.rstrip("/")
    return [
        Listing(f"{base}/{b.prefix(board)}/brd/{board}/list.do?page={page}", expect_items=page == 1, collection=board)
        for board in config.collections
        for page in range(1, config.list_pages + 1)
    ]


def backfill_sources(b: BoardSite, config: SiteConfig, request: BackfillRequest) -> list[Source]:
    """Every configured board walked in date windows (the definition's since/until parameters), newest first."""
    w = b.definition.backfill
    sources = []
    for board in config.collections:
        for start, end in windows(request.since, request.until, w.window_days):
            since, until = start.strftime(w.date_format), end.strftime(w.date_format)
            first_url = f"{config.base_url.rstrip('/')}/{b.prefix(board)}/brd/{board}/list.do?" + urlencode(
                [("page", "1"), (w.since_param, since), (w.until_param, until)]
            )
            sources.append(Source(f"{board}:{since}-{until}", first_url, partial(parse_window_page, b)))
    return sources


def parse_window_page(b: BoardSite, html: str, url: str) -> tuple[list[ListingItem], str | None]:
    """One page of a date window, and the next page's URL while pages come full."""
    items = parse_listing(b, html, url)
    if len(items) < b.definition.backfill.per_page:
        return items, None
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "page"]
    page = int(parse_qs(parts.query).get("page", ["1"])[0])
    return items, urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode([("page", str(page + 1)), *query]), ""))


def parse_listing(b: BoardSite, html: str, url: str) -> list[ListingItem]:
    """The articles of a list page, pinned notices deduplicated by seq."""
    match = b.board_path.search(urlsplit(url).path)
    if not match:
        raise ParseError(url, "not a board list URL (…/brd/m_N/list.do)")
    board = match[2]
    view = f"{root(b.definition)}/{b.prefix(board, match[1])}/brd/{board}/view.do?seq="
    tree = html_tree(html)
    if first(tree, b.definition.select.list_scope) is None:
        raise ParseError(url, "no board list (div.board_list table) on the page")
    items: dict[str, ListingItem] = {}
    for selector in b.definition.select.list_items:
        rows = tree.css(selector)
        for row in rows:
            item = _listing_item(row, view)
            if item is not None and item.doc_id not in items:
                items[item.doc_id] = item
        if rows:
            break
    return list(items.values())


def _listing_item(row: LexborNode, view: str) -> ListingItem | None:
    """A list row's article: its seq from f_view('N') or a ?seq=N link, its date from the last cell."""
    for a in row.css("a"):
        attrs = a.attributes
        found = F_VIEW.search(attrs.get("onclick") or "") or SEQ_IN_HREF.search(attrs.get("href") or "")
        if found:
            cells = row.css("td")
            dates = LIST_DATE.findall(text_of(cells[-1])) if cells else []
            day = date.fromisoformat(dates[0]) if dates else None
            return ListingItem(url=f"{view}{int(found[1])}", doc_id=str(int(found[1])), title=text_of(a), published=day)
    return None


def parse_release(b: BoardSite, html: str, url: str) -> Release:
    """The release on a view page, in either template."""
    canonical = release_url(partial(canonical_url, b), url)
    board_id, seq = _board_and_seq(canonical)
    select = b.definition.select
    tree = html_tree(html)
    detail = first(tree, select.scope)
    if detail is None:
        raise ParseError(url, f"no article ({select.scope[0]}) on the page")
    title = required_title(first(detail, select.title), url, "div.bo_head h2")
    body_node = first(detail, select.body)
    labels = _labelled_values(detail, body_node, select.date)
    date_text = next((labels[k] for k in b.definition.dates.labels if k in labels), "")
    try:
        published = parse_when(date_text, b.calendar)
    except ValueError:
        raise ParseError(
            url, f"no publication date ({' / '.join(b.definition.dates.labels)}: {date_text[:40]!r})"
        ) from None
    body = required_body(body_node, url, "div.bo_con")
    board = b.known.get(board_id)
    prefix = canonical.split("/")[3]
    return Release(
        site=b.definition.name,
        collection=board_id,
        collection_name=board.name if board else (text_of(tree.css_first(BOARD_TITLE)) or board_id),
        doc_id=seq,
        language=board.language if board else b.prefixes.get(prefix, b.definition.language),
        url=canonical,
        title=title,
        published=published,
        body=tuple(body),
        attachments=next((found for found in (texts(detail, s) for s in select.attachments) if found), ()),
    )


def _labelled_values(detail: LexborNode, body: LexborNode | None, selectors: tuple[str, ...]) -> dict[str, str]:
    """Label -> value from the metadata the selectors find: <dt> label with its <dd> (current template), or
    "• Label : value" items (older one); the first value of a label counts."""
    found: dict[str, str] = {}
    for selector in selectors:
        for node in detail.css(selector):
            if node.tag == "dt":
                dd = node.next
                while dd is not None and dd.tag != "dd":
                    dd = dd.next
                if dd is not None:
                    found.setdefault(text_of(node).lower(), text_of(dd))
            elif body is None or not inside(node, body):  # a body item such as "Venue : Seoul" is text
                match = LABELLED_ITEM.match(text_of(node))
                if match:
                    found.setdefault(match[1].strip().lower(), match[2].strip())
    return found


def _board_and_seq(canonical: str) -> tuple[str, str]:
    parts = urlsplit(canonical)
    return parts.path.split("/")[3], parse_qs(parts.query)["seq"][0]


def board_site(b: BoardSite) -> Site:
    """The `Site` a board-engine site's data describes (its definition validated first)."""
    d = validate(b.definition)
    return Site(
        name=d.name,
        aliases=d.aliases,
        hosts=frozenset(d.hosts),
        defaults=defaults(d),
        listing_urls=partial(listing_urls, b),
        parse_listing=partial(parse_listing, b),
        parse_release=partial(parse_release, b),
        canonical_url=partial(canonical_url, b),
        doc_key=partial(doc_key, b),
        backfill_sources=partial(backfill_sources, b),
        legacy_charsets=d.legacy_charsets,
        challenge_markers=d.challenge_markers,
        description=d.description,
    )
