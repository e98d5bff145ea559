"""The board engine: server-rendered JSP boards, as mofa.go.kr and its missions abroad serve their releases.

A board lives at /<prefix>/brd/<board>/ (or /<mission>/brd/<board>/, see `board_urls`); `seq` numbers the
articles of a board: view.do?seq=N shows one, list.do?page=N lists them, newest first, and srchFr/srchTo
filter the list to a date window. How its pages read, template by template, is in `board_pages`.

What is the same for every site of the engine is here and in those two modules; what differs is data, a
`BoardSite`: its definition (name, hosts, selectors, date labels and time zone, backfill window,
politeness), which path prefixes hold which language, the boards it knows by name and where its missions'
boards live. `board_site` turns one into a `Site`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import partial
from typing import Any
from urllib.parse import urlencode

from crawler.config import SiteConfig
from crawler.sites import board_history, board_pages
from crawler.sites.base import BackfillRequest, Listing, Site, Source
from crawler.sites.board_urls import Board, BoardSite, canonical_url, check_collections, configured, doc_key
from crawler.sites.definition import Backfill, Definition, Selectors, validate
from crawler.sites.generic import defaults, windows

__all__ = ["Board", "BoardSite", "board", "board_site"]

# The engine's templates, current first, then the 2018-2019 one, then the 2013-2017 one (div.read_wrap:
# unverified, reconstructed: no capture of it was at hand); a site of the engine may override any.
SELECT = Selectors(
    scope=("div.board_detail", "div.board_view", "div.view_wrap", "div.read_wrap"),
    title=("div.bo_head > h2", "div.bo_head h2", "th.subject", "div.view_tit", "table thead th", "h4.read_tit"),
    body=("div.bo_con > div.se-contents", "div.bo_con", "td.content", "div.view_con", "div.read_con"),
    attachments=("div.bo_file li span, div.file li span", "div.read_file li a"),
    date=("dl dt", "ul li"),  # labelled metadata: the value labelled as the date (Dates.labels) is the date
    list_scope=("div.board_list, table",),
    list_items=("div.board_list table tbody tr", "table.board_list tbody tr", "table tbody tr"),
)
# The list filtered to a date window: srchFr/srchTo as YYYYMMDD, ten rows a page; a quarter at a time.
BACKFILL = Backfill(since_param="srchFr", until_param="srchTo", date_format="%Y%m%d", window_days=90, per_page=10)


def board(
    name: str,
    hosts: tuple[str, ...],
    prefixes: Mapping[str, str],
    *,
    boards: tuple[Board, ...] = (),
    subdomains: bool = False,
    missions_host: str = "",
    **definition: Any,
) -> BoardSite:
    """A site of the board engine from its data: the engine's selectors, URL shapes and backfill, unless
    `definition` (fields of a `Definition`) says otherwise; `missions_host` (one of `hosts`) is where its
    missions' boards are canonical, if it has missions."""
    alternatives = "|".join(re.escape(p) for p in prefixes)
    fields: dict[str, Any] = {
        "release_url": rf"^/(?:{alternatives})/brd/(?P<collection>m_[0-9]+)/view\.do\?seq=(?P<id>[0-9]+)$",
        "list_urls": tuple(f"https://{hosts[0]}/{p}/brd/{{collection}}/list.do?page={{page}}" for p in prefixes),
        "language": next(iter(prefixes.values())),
        "select": SELECT,
        "backfill": BACKFILL,
        **definition,
    }
    return BoardSite(Definition(name=name, hosts=hosts, **fields), prefixes, boards, subdomains, missions_host)


def list_url(b: BoardSite, config: SiteConfig, collection: str) -> str:
    """A configured board's list page (its query to add), on the configured base URL: the site's own host
    serves its missions' boards too."""
    place, board = configured(b, collection)
    return f"{config.base_url.rstrip('/')}/{place}/brd/{board}/list.do?"


def listing_urls(b: BoardSite, config: SiteConfig) -> list[Listing]:
    """The newest list pages of every configured board."""
    return [
        Listing(f"{list_url(b, config, board)}page={page}", expect_items=page == 1, collection=board)
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
            first_url = list_url(b, config, board) + urlencode(
                [("page", "1"), (w.since_param, since), (w.until_param, until)]
            )
            sources.append(Source(f"{board}:{since}-{until}", first_url, partial(board_pages.parse_window_page, b)))
    return sources


def board_site(b: BoardSite) -> Site:
    """The `Site` a board-engine site's data describes (its definition validated first)."""
    d = validate(b.definition)
    return Site(
        name=d.name,
        aliases=d.aliases,
        hosts=frozenset(d.hosts),
        defaults=defaults(d),
        listing_urls=partial(listing_urls, b),
        parse_listing=partial(board_pages.parse_listing, b),
        parse_release=partial(board_pages.parse_release, b),
        canonical_url=partial(canonical_url, b),
        doc_key=partial(doc_key, b),
        backfill_sources=partial(backfill_sources, b),
        legacy_charsets=d.legacy_charsets,
        challenge_markers=d.challenge_markers,
        description=d.description,
        check_config=lambda config: check_collections(b, config.collections),
        host_suffixes=(f".{d.name}",) if b.subdomains else (),
        prefixes_hook=partial(board_history.prefixes, b),
        forms_hook=partial(board_history.forms, b),
        capture_hook=partial(board_history.classify, b),
        hint_hook=partial(board_history.template_hint, b),
    )
