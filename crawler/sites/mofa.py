"""mofa.go.kr, the Republic of Korea's Ministry of Foreign Affairs: a server-rendered JSP board engine.

Boards live at /eng/brd/<board>/ (English) and /www/brd/<board>/ (Korean); `seq` numbers articles per
board. Two view templates are known: the current one (div.board_detail with div.bo_head, a dl of
Date/hit, div.bo_con) and the 2018-2019 one (a view table with "• Date : ... • Hit : ..." items).
The hit counter changes on every visit: it is read past, never kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import parse_qs, parse_qsl, urlencode, urlsplit, urlunsplit

from selectolax.lexbor import LexborNode

from archive.document import Release
from crawler.config import SiteConfig
from crawler.errors import ParseError
from crawler.parse.dates import parse_when
from crawler.parse.textify import text_of
from crawler.sites.base import BackfillRequest, Listing, ListingItem, Site, Source, first, html_tree
from crawler.sites.common import match_release, release_url, required_body, required_title, texts
from crawler.sites.languages import calendar

NAME = "mofa.go.kr"
CANONICAL_ROOT = "https://www.mofa.go.kr"
MIN_INTERVAL_S = 1.0  # polite scrapers of this site wait about 1 s between requests
CALENDAR = calendar("Asia/Seoul", ("ko", "en"))  # Korea Standard Time, UTC+9, no daylight saving


@dataclass(frozen=True)
class Board:
    """One board of the site."""

    id: str
    prefix: str  # "eng" or "www"
    name: str
    language: str


BOARDS = {
    b.id: b
    for b in (
        Board("m_5676", "eng", "Press Releases", "en"),
        Board("m_5679", "eng", "Press Briefings", "en"),
        Board("m_5674", "eng", "Ministry News", "en"),
        Board("m_5689", "eng", "Minister's Speeches", "en"),
        Board("m_5690", "eng", "Vice Ministers' Speeches", "en"),
        Board("m_4080", "www", "보도자료", "ko"),
        Board("m_4078", "www", "외교부 브리핑", "ko"),
    )
}
PREFIX_LANGUAGE = {"eng": "en", "www": "ko"}

# Selectors, current template first, then the 2018-2019 one.
DETAIL = ("div.board_detail", "div.board_view", "div.view_wrap")
TITLE = ("div.bo_head > h2", "div.bo_head h2", "th.subject", "div.view_tit", "table thead th")
BODY = ("div.bo_con > div.se-contents", "div.bo_con", "td.content", "div.view_con")
ATTACHMENTS = "div.bo_file li span, div.file li span"
BOARD_TITLE = "div.page_tit h2"
LIST_ROWS = ("div.board_list table tbody tr", "table.board_list tbody tr", "table tbody tr")
DATE_LABELS = ("date", "작성일", "등록일")

ARTICLE_PATH = re.compile(r"^/(eng|www)/brd/(m_[0-9]+)/view\.do$")
ARTICLE_SHAPE = "…/brd/m_N/view.do?seq=N"
BOARD_IN_PATH = re.compile(r"/(eng|www)/brd/(m_[0-9]+)/")
F_VIEW = re.compile(r"f_view\(\s*['\"]?([0-9]+)['\"]?\s*\)")
SEQ_IN_HREF = re.compile(r"[?&;]seq=([0-9]+)")
LIST_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# "• Date : 2018-06-14 16:38:17" in the older template.
LABELLED_ITEM = re.compile(r"^[\s•·\-*]*([^:]{1,20}?)\s*:\s*(.+)$")


def canonical_url(url: str) -> str:
    """`https://www.mofa.go.kr/<eng|www>/brd/<board>/view.do?seq=N`, whatever host, scheme or &amp; noise."""
    cleaned = url.strip()
    while "&amp;" in cleaned:
        cleaned = cleaned.replace("&amp;", "&")
    parts, match = match_release(cleaned, NAME, _own_host, ARTICLE_PATH, ARTICLE_SHAPE, shown=url)
    seqs = parse_qs(parts.query).get("seq", [])
    if not seqs or not re.fullmatch(r"[0-9]{1,12}", seqs[0]):
        raise ValueError(f"not a mofa.go.kr article URL ({ARTICLE_SHAPE}): {url}")
    board = match[2]
    prefix = BOARDS[board].prefix if board in BOARDS else match[1]
    return f"{CANONICAL_ROOT}/{prefix}/brd/{board}/view.do?seq={int(seqs[0])}"


def _own_host(host: str) -> bool:
    """The ministry's own host or one of its missions' (overseas.mofa.go.kr, …)."""
    return host == NAME or host.endswith("." + NAME)


def doc_key(url: str) -> str:
    """The archive key of a release URL: mofa.go.kr/<board>/<seq>."""
    board, seq = _board_and_seq(canonical_url(url))
    return f"{NAME}/{board}/{seq}"


def listing_urls(config: SiteConfig) -> list[Listing]:
    """The newest list pages of every configured board."""
    base = config.base_url.rstrip("/")
    return [
        Listing(f"{base}/{_prefix(board)}/brd/{board}/list.do?page={page}", expect_items=page == 1, collection=board)
        for board in config.collections
        for page in range(1, config.list_pages + 1)
    ]


def window_url(base_url: str, board: str, page: int, since: str, until: str) -> str:
    """A list page filtered to a date window (YYYYMMDD bounds), as the backfill walks it."""
    return f"{base_url.rstrip('/')}/{_prefix(board)}/brd/{board}/list.do?page={page}&srchFr={since}&srchTo={until}"


PER_PAGE = 10  # rows per list page
WINDOW_DAYS = 90  # the backfill asks for one quarter at a time, newest first


def backfill_sources(config: SiteConfig, request: BackfillRequest) -> list[Source]:
    """Every configured board walked in date windows (srchFr/srchTo), newest window first."""
    sources = []
    for board in config.collections:
        end = request.until
        while end >= request.since:
            start = max(request.since, end - timedelta(days=WINDOW_DAYS - 1))
            a, b = start.strftime("%Y%m%d"), end.strftime("%Y%m%d")
            sources.append(Source(f"{board}:{a}-{b}", window_url(config.base_url, board, 1, a, b), parse_window_page))
            end = start - timedelta(days=1)
    return sources


def parse_window_page(html: str, url: str) -> tuple[list[ListingItem], str | None]:
    """One page of a date window, and the next page's URL while pages come full."""
    items = parse_listing(html, url)
    if len(items) < PER_PAGE:
        return items, None
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "page"]
    page = int(parse_qs(parts.query).get("page", ["1"])[0])
    return items, urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode([("page", str(page + 1)), *query]), ""))


def parse_listing(html: str, url: str) -> list[ListingItem]:
    """The articles of a list page, pinned notices deduplicated by seq."""
    match = BOARD_IN_PATH.search(urlsplit(url).path)
    if not match:
        raise ParseError(url, "not a board list URL (…/brd/m_N/list.do)")
    prefix = BOARDS[match[2]].prefix if match[2] in BOARDS else match[1]
    tree = html_tree(html)
    if tree.css_first("div.board_list, table") is None:
        raise ParseError(url, "no board list (div.board_list table) on the page")
    items: dict[str, ListingItem] = {}
    for selector in LIST_ROWS:
        rows = tree.css(selector)
        for row in rows:
            item = _listing_item(row, prefix, match[2])
            if item is not None and item.doc_id not in items:
                items[item.doc_id] = item
        if rows:
            break
    return list(items.values())


def _listing_item(row: LexborNode, prefix: str, board: str) -> ListingItem | None:
    seq = None
    link = None
    for a in row.css("a"):
        attrs = a.attributes
        found = F_VIEW.search(attrs.get("onclick") or "") or SEQ_IN_HREF.search(attrs.get("href") or "")
        if found:
            seq, link = found[1], a
            break
    if seq is None or link is None:
        return None
    cells = row.css("td")
    dates = LIST_DATE.findall(text_of(cells[-1])) if cells else []
    return ListingItem(
        url=f"{CANONICAL_ROOT}/{prefix}/brd/{board}/view.do?seq={int(seq)}",
        doc_id=str(int(seq)),
        title=text_of(link),
        published=date.fromisoformat(dates[0]) if dates else None,
    )


def parse_release(html: str, url: str) -> Release:
    """The release on a view page, in either template."""
    canonical = release_url(canonical_url, url)
    board_id, seq = _board_and_seq(canonical)
    tree = html_tree(html)
    detail = first(tree, DETAIL)
    if detail is None:
        raise ParseError(url, "no article (div.board_detail) on the page")
    title = required_title(first(detail, TITLE), url, "div.bo_head h2")
    body_node = first(detail, BODY)
    labels = _labelled_values(detail, body_node)
    date_text = next((labels[k] for k in DATE_LABELS if k in labels), "")
    try:
        published = parse_when(date_text, CALENDAR)
    except ValueError:
        raise ParseError(url, f"no publication date (Date / 작성일: {date_text[:40]!r})") from None
    body = required_body(body_node, url, "div.bo_con")
    board = BOARDS.get(board_id)
    prefix = canonical.split("/")[3]
    return Release(
        site=NAME,
        collection=board_id,
        collection_name=board.name if board else (text_of(tree.css_first(BOARD_TITLE)) or board_id),
        doc_id=seq,
        language=board.language if board else PREFIX_LANGUAGE.get(prefix, "en"),
        url=canonical,
        title=title,
        published=published,
        body=tuple(body),
        attachments=texts(detail, ATTACHMENTS),
    )


def _labelled_values(detail: LexborNode, body: LexborNode | None) -> dict[str, str]:
    """Label -> value from the dt/dd pairs (current template) and "• Label : value" items (older one)."""
    found: dict[str, str] = {}
    for dt in detail.css("dl dt"):
        dd = dt.next
        while dd is not None and dd.tag != "dd":
            dd = dd.next
        if dd is not None:
            found.setdefault(text_of(dt).lower(), text_of(dd))
    for li in detail.css("ul li"):
        if body is not None and _inside(li, body):
            continue  # a body list item such as "Venue : Seoul" is text, not metadata
        match = LABELLED_ITEM.match(text_of(li))
        if match:
            found.setdefault(match[1].strip().lower(), match[2].strip())
    return found


def _inside(node: LexborNode, ancestor: LexborNode) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.mem_id == ancestor.mem_id:
            return True
        parent = parent.parent
    return False


def _board_and_seq(canonical: str) -> tuple[str, str]:
    parts = urlsplit(canonical)
    return parts.path.split("/")[3], parse_qs(parts.query)["seq"][0]


def _prefix(board: str) -> str:
    return BOARDS[board].prefix if board in BOARDS else "eng"


SITE = Site(
    name=NAME,
    aliases=("mofa",),
    hosts=frozenset({"www.mofa.go.kr", "mofa.go.kr"}),
    defaults=SiteConfig(base_url=CANONICAL_ROOT, min_interval=MIN_INTERVAL_S, collections=("m_5676",), list_pages=2),
    listing_urls=listing_urls,
    parse_listing=parse_listing,
    parse_release=parse_release,
    canonical_url=canonical_url,
    doc_key=doc_key,
    backfill_sources=backfill_sources,
    legacy_charsets=("cp949",),  # EUC-KR / CP949: the Korean RSS feed was EUC-KR until 2026
)
