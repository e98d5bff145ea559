"""The board engine's sites in the web archive: where their view pages were captured, and what a capture of
a view URL can be that is not an article.

A board's articles are /<prefix>/brd/<board>/view.do?seq=N on the site's hosts (a mission's on its missions'
host and the site's own). The web archive tells hosts apart only beyond "www." and matches a query exactly,
so list links' forms (view.do?seq=N&page=1&srchFr=…) are found by the board's prefix, never by a document's
exact URL: a whole-board import finds them, a one-document import asks for the forms links and feeds use.
The RSS feeds link English releases under /www/ rather than /eng/; their broken http://…:443/ links name a
TLS port over plain HTTP and were never captured with 200, so they are not asked for.

Captured at a view URL and not an article: the engine's "no such post" alert (a script that says so and
goes back), its error skin (div.error: "cannot be found" is a soft 404, anything else an error page), a list
or the home page served in the article's place (soft 404).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

from selectolax.lexbor import LexborHTMLParser

from crawler.config import SiteConfig
from crawler.sites import captures
from crawler.sites.base import distinct_hosts
from crawler.sites.board_pages import template_of
from crawler.sites.board_urls import BoardSite, article_parts, configured
from crawler.sites.captures import ERROR_PAGE, SOFT_404

# A post that is not there, in the words of the engine's alerts and error skin (Korean and English).
GONE = re.compile(
    r"존재하지 않|삭제된 게시|삭제되었|게시물이 없|찾을 수 없|does not exist|no longer exists?|has been deleted|"
    r"cannot be found|could not be found|not found",
    re.IGNORECASE,
)
ALERT = re.compile(r"""alert\(\s*['"]([^'"]{1,200})['"]\s*\)""")
FEED_PREFIX = "www"  # the engine's RSS feeds link every board's articles under /www/
ERROR_SKIN = "div.error, div.error_wrap, div.err_wrap"
HOME = "div.main_visual, div.main_wrap, #main_contents, body.main"


def prefixes(b: BoardSite, config: SiteConfig) -> list[str]:
    """<host>/<prefix>/brd/<board>/view.do for every configured board under each prefix a link may use
    (the RSS feeds' /www/ for /eng/ boards) on each host that serves it; a mission's board on the
    missions' host and the site's own."""
    out: list[str] = []
    for collection in config.collections:
        place, board = configured(b, collection)
        places = _places(b, place)
        for host in _hosts(b, place):
            out += [f"{host}/{p}/brd/{board}/view.do" for p in places if f"{host}/{p}/brd/{board}/view.do" not in out]
    return out


def forms(b: BoardSite, canonical: str) -> list[str]:
    """A document's URL as pages and feeds linked it: the canonical one first, the same article under the
    site's other prefixes (the RSS feeds' /www/ for /eng/), a mission's also on the site's own host."""
    place, board, seq = article_parts(canonical)
    parts = urlsplit(canonical)
    if b.is_mission(place):
        hosts = [parts.netloc, *(h for h in _hosts(b, place) if h != parts.netloc)]
        return [urlunsplit((parts.scheme, host, parts.path, parts.query, "")) for host in hosts]
    paths = [f"/{p}/brd/{board}/view.do" for p in _places(b, place)]
    return [urlunsplit((parts.scheme, parts.netloc, path, f"seq={seq}", "")) for path in paths]


def _places(b: BoardSite, place: str) -> list[str]:
    """The path prefixes links give a board's articles: its own, and the feeds' /www/ on a site that has it."""
    if b.is_mission(place):
        return [place]
    return [place, *([FEED_PREFIX] if FEED_PREFIX in b.prefixes and place != FEED_PREFIX else [])]


def _hosts(b: BoardSite, place: str) -> list[str]:
    """The hosts (one per web-archive key) that serve a board's pages, the canonical one first."""
    if b.is_mission(place):
        return [b.missions_host, b.definition.hosts[0]]
    return distinct_hosts(b.definition.hosts)


def classify(b: BoardSite, html: str, status: int) -> str | None:
    """What the engine's own pages say a capture is, when no template of the engine finds an article in it
    (None: ask the shared rules)."""
    if not html.strip():
        return None
    tree = LexborHTMLParser(html)
    if template_of(b, tree) is not None:
        return None
    skin = tree.css_first(ERROR_SKIN)
    if skin is not None:
        return SOFT_404 if GONE.search(skin.text()) else ERROR_PAGE
    alerts = [m[1] for node in tree.css("script") for m in ALERT.finditer(node.text())]
    if alerts:
        return SOFT_404 if any(GONE.search(text) for text in alerts) else ERROR_PAGE
    if tree.css_first(HOME) is not None or _list_page(b, tree):
        return SOFT_404
    return None


def _list_page(b: BoardSite, tree: LexborHTMLParser) -> bool:
    """A board's list (rows of articles) where an article should be."""
    return any(tree.css_first(selector) is not None for selector in b.definition.select.list_items[:2])


def template_hint(b: BoardSite, html: str) -> str:
    """The engine's template a page is in, by name; the page's own marks when it is none of them."""
    return template_of(b, LexborHTMLParser(html)) or captures.template_hint(html)
