"""The board engine's pages: list pages and view pages, in the templates the engine has served over the years.

View templates, tried in order (the first whose title is found reads the page):
- the definition's selectors: the current skin (div.board_detail > div.bo_head with its h2 and a dl of
  labelled dates, div.bo_con, often a SmartEditor div.se-contents), the 2018-2019 table (th.subject,
  "• Date : …" items, td.content) and the 2013-2017 page (div.read_wrap: h4.read_tit, "Date : …" items,
  div.read_file, div.read_con; unverified, reconstructed);
- 2022: a table whose body cell is td.detail_body;
- 2018: no article markup at all: the title only in <title>, before "View|", the date in the first <em>,
  prev/next links in td.bro_link.
The current skin marks a pinned notice with <span class="alert">공지</span> inside the title (not part of
it), labels the author 작성자 and a later edit's date 수정일 (kept as the release's modified date, outside its
text), and numbers or bullets SmartEditor lists with a marker span (kept, followed by a space). The hit
counter changes on every visit: it is read past, never kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from urllib.parse import parse_qs, parse_qsl, urlencode, urlsplit, urlunsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from archive.document import Release
from crawler.errors import ParseError
from crawler.parse.dates import parse_when
from crawler.parse.textify import text_of
from crawler.sites import captures
from crawler.sites.base import ListingItem, first, html_tree
from crawler.sites.board_urls import (
    BoardSite,
    article_parts,
    canonical_url,
    collection_id,
    language_of,
    view_url,
)
from crawler.sites.common import attachments_of, inside, release_url, required_body
from crawler.sites.definition import HOOKS

BOARD_TITLE = "div.page_tit h2"  # what the site calls a board it does not list by name
F_VIEW = re.compile(r"f_view\(\s*['\"]?([0-9]+)['\"]?\s*\)")
SEQ_IN_HREF = re.compile(r"[?&;]seq=([0-9]+)")
LIST_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# "• Date : 2018-06-14 16:38:17" in the older template.
LABELLED_ITEM = re.compile(r"^[\s•·\-*]*([^:]{1,20}?)\s*:\s*(.+)$")
NOTICE_BADGE = "span.alert"  # 공지 (notice) before a pinned post's title
LIST_MARKER = "span.se-list-type"  # SmartEditor's bullet or number of a list item
MODIFIED_LABELS = ("수정일", "modified")
FILE_LINK = "board:attachment_url"  # javascript:f_down('./down.do?…'), resolved against the view page
# The 2018 view: "<title>Release title View|Press Releases|…</title>".
TITLE_BEFORE_VIEW = re.compile(r"^(.*?)\s*View\s*\|", re.DOTALL)
OLD_2022 = "td.detail_body"
# The engine's own templates by the container of their article, for template hints.
TEMPLATES = {
    "div.board_detail": "current skin",
    "div.board_view": "2018-2019 table",
    "div.read_wrap": "2013-2017",
}
OLD_2018 = "<title> before View|, first <em>"


def parse_listing(b: BoardSite, html: str, url: str) -> list[ListingItem]:
    """The articles of a list page, pinned notices deduplicated by seq."""
    match = b.board_path.search(urlsplit(url).path)
    if not match:
        raise ParseError(url, "not a board list URL (…/brd/m_N/list.do)")
    view = view_url(b, match[1], match[2])
    tree = html_tree(html)
    if first(tree, b.definition.select.list_scope) is None:
        raise ParseError(url, f"no board list ({', '.join(b.definition.select.list_scope)}) on the page")
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
    """A list row's article: its seq from f_view('N') or a ?seq=N link, its date from the last cell printing
    one (the 2022 lists print a hit count after it)."""
    for a in row.css("a"):
        attrs = a.attributes
        found = F_VIEW.search(attrs.get("onclick") or "") or SEQ_IN_HREF.search(attrs.get("href") or "")
        if found:
            dates = [d for cell in row.css("td") for d in LIST_DATE.findall(text_of(cell))]
            day = date.fromisoformat(dates[-1]) if dates else None
            return ListingItem(url=f"{view}{int(found[1])}", doc_id=str(int(found[1])), title=text_of(a), published=day)
    return None


def parse_window_page(b: BoardSite, html: str, url: str) -> tuple[list[ListingItem], str | None]:
    """One page of a date window, and the next page's URL while pages come full."""
    items = parse_listing(b, html, url)
    if len(items) < b.definition.backfill.per_page:
        return items, None
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "page"]
    page = int(parse_qs(parts.query).get("page", ["1"])[0])
    return items, urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode([("page", str(page + 1)), *query]), ""))


@dataclass(frozen=True)
class Article:
    """What a view template found: the title, the labelled dates' texts, the body node, where attachments are."""

    title: str
    labels: dict[str, str]
    body: LexborNode | None
    body_where: str
    files: LexborNode | None = None  # the part of the page that lists the attachments


def parse_release(b: BoardSite, html: str, url: str) -> Release:
    """The release on a view page, in whichever of the engine's templates it is."""
    canonical = release_url(partial(canonical_url, b), url)
    place, board_id, seq = article_parts(canonical)
    tree = html_tree(html)
    article = _current(b, tree) or _table_2022(tree) or _title_2018(tree)
    if article is None:
        select = b.definition.select
        tried = f"{' / '.join(select.title)} in {' / '.join(select.scope)}; {OLD_2022}; {OLD_2018}"
        missing = "no title" if first(tree, select.scope) is not None else "no article"
        hint = captures.template_hint(html)
        raise ParseError(url, f"{missing}: no template of the engine matched (tried {tried}; the page: {hint})")
    date_text = next((article.labels[k] for k in b.definition.dates.labels if k in article.labels), "")
    try:
        published = parse_when(date_text, b.calendar)
    except ValueError:
        raise ParseError(
            url, f"no publication date ({' / '.join(b.definition.dates.labels)}: {date_text[:40]!r})"
        ) from None
    if article.body is not None:
        for marker in article.body.css(LIST_MARKER):
            marker.replace_with(text_of(marker) + " ")
    body = required_body(article.body, url, article.body_where)
    board = b.known.get(board_id)
    return Release(
        site=b.definition.name,
        collection=collection_id(b, place, board_id),
        collection_name=board.name
        if board and not b.is_mission(place)
        else (text_of(tree.css_first(BOARD_TITLE)) or board_id),
        doc_id=seq,
        language=language_of(b, place, board_id),
        url=canonical,
        title=article.title,
        published=published,
        body=tuple(body),
        attachments=attachments_of(article.files, b.definition.select.attachments, canonical, HOOKS[FILE_LINK]),
        modified=_modified(b, article.labels),
    )


def template_of(b: BoardSite, tree: LexborHTMLParser) -> str | None:
    """The name of the engine's template that finds an article's title on the page, or None."""
    select = b.definition.select
    if _current(b, tree) is not None:
        scope = next(s for s in select.scope if tree.css_first(s) is not None)
        return f"board: {TEMPLATES[scope]} ({scope})" if scope in TEMPLATES else f"board: {scope}"
    if _table_2022(tree) is not None:
        return f"board: 2022 ({OLD_2022})"
    if _title_2018(tree) is not None:
        return f"board: 2018 ({OLD_2018})"
    return None


def _modified(b: BoardSite, labels: dict[str, str]) -> date | datetime | None:
    """The date of the last edit, where the page gives one (a wrong one is no reason to lose the release)."""
    text = next((labels[k] for k in MODIFIED_LABELS if k in labels), "")
    try:
        return parse_when(text, b.calendar) if text else None
    except ValueError:
        return None


def _current(b: BoardSite, tree: LexborHTMLParser) -> Article | None:
    """The current skin or the 2018-2019 table, by the definition's selectors."""
    select = b.definition.select
    detail = first(tree, select.scope)
    heading = first(detail, select.title) if detail is not None else None
    if detail is None or heading is None:
        return None
    for badge in heading.css(NOTICE_BADGE):
        badge.decompose()
    title = text_of(heading)
    if not title:
        return None
    body = first(detail, select.body)
    return Article(title, _labelled_values(detail, body, select.date), body, select.body[0], detail)


def _table_2022(tree: LexborHTMLParser) -> Article | None:
    """2022: the title in the table's head, "Date : …" items or a dl beside it, the body in td.detail_body."""
    body = tree.css_first(OLD_2022)
    table = body
    while table is not None and table.tag != "table":
        table = table.parent
    heading = table.css_first("thead th, th") if table is not None else None
    if table is None or not text_of(heading):
        return None
    return Article(text_of(heading), _labelled_values(table, body, ("dl dt", "ul li", "td.info")), body, OLD_2022)


def _title_2018(tree: LexborHTMLParser) -> Article | None:
    """2018: the title in <title> before "View|", the date in the first <em>; the body is the longest cell
    of the table around that date, past the date's own cell and the prev/next cells (td.bro_link)."""
    match = TITLE_BEFORE_VIEW.match(text_of(tree.css_first("title")))
    em = tree.css_first("em")
    if not match or not match[1] or em is None:
        return None
    table = em.parent
    while table is not None and table.tag != "table":
        table = table.parent
    # A cell matches its own selector: "holds another cell" means more than one match.
    cells = [
        cell
        for cell in (table.css("td") if table is not None else [])
        if cell.css_first("em") is None
        and len(cell.css("td")) == 1
        and "bro_link" not in (cell.attributes.get("class") or "")
    ]
    body = max(cells, key=lambda cell: len(text_of(cell)), default=None)
    return Article(match[1], {"date": text_of(em)}, body, "the table around the first <em>")


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
