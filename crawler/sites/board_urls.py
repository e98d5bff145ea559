"""The board engine's URLs: which pages are articles, their canonical form and archive key, missions' boards.

A board lives at /<prefix>/brd/<board>/ (the prefix picks the language: /eng/ English, /www/ Korean on
mofa.go.kr), or, on a site with missions abroad, at /<mission>/brd/<board>/ (`ca-toronto-ko`: country, city,
language). A mission's board is the same engine on the same servers: its pages are reached through the
site's own host, its missions' host and city hosts (toronto.mofa.go.kr), and its canonical URL is on the
missions' host. It is configured as "<mission>/<board>" and filed under the collection "<mission>.<board>"
(a path component cannot hold a slash).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import parse_qs, urlsplit

from archive.document import LANG_RE
from crawler.errors import ConfigError
from crawler.parse.dates import Calendar
from crawler.sites.common import match_release
from crawler.sites.definition import Definition
from crawler.sites.generic import root
from crawler.sites.languages import calendar

JSESSION = re.compile(r";jsessionid=[^?#/]*", re.IGNORECASE)
ARTICLE_SHAPE = "…/brd/m_N/view.do?seq=N"
BOARD_ID = r"m_[0-9]+"
# A mission's path: a country code, maybe a city, the language of its pages (ca-toronto-ko, us-en, cn-zh).
MISSION = r"[a-z]{2}(?:-[a-z0-9]+)*-[a-z]{2,3}"
COLLECTION_SHAPES = "a board (m_N) or a mission's board (<mission>/m_N, e.g. ca-toronto-ko/m_5389)"


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
    missions_host: str = ""  # where missions' boards are canonical ("" when the site has no missions)

    @cached_property
    def known(self) -> dict[str, Board]:
        """The boards it names, by id."""
        return {b.id: b for b in self.boards}

    @cached_property
    def places(self) -> str:
        """What may stand before /brd/ in a path: a prefix, or a mission when the site has missions."""
        prefixes = "|".join(re.escape(p) for p in self.prefixes)
        return f"{prefixes}|{MISSION}" if self.missions_host else prefixes

    @cached_property
    def article_path(self) -> re.Pattern[str]:
        """A view page's path: /<prefix or mission>/brd/<board>/view.do."""
        return re.compile(rf"^/({self.places})/brd/({BOARD_ID})/view\.do$")

    @cached_property
    def board_path(self) -> re.Pattern[str]:
        """The board part of a list page's path."""
        return re.compile(rf"/({self.places})/brd/({BOARD_ID})/")

    @cached_property
    def calendar(self) -> Calendar:
        """How the site writes dates: its zone and the languages of its prefixes."""
        dates = self.definition.dates
        return calendar(dates.time_zone, tuple(dict.fromkeys(self.prefixes.values())), dates.months)

    def prefix(self, board: str, given: str = "") -> str:
        """Where a board lives: where the site lists it, else where the URL says, else the first prefix."""
        known = self.known.get(board)
        return known.prefix if known else given or next(iter(self.prefixes))

    def is_mission(self, place: str) -> bool:
        """Whether a path's first part names a mission rather than one of the site's own prefixes."""
        return bool(self.missions_host) and place not in self.prefixes

    def owns_host(self, host: str) -> bool:
        """The site's own hosts, and hosts under its name when its missions serve pages too."""
        return host in self.definition.hosts or (self.subdomains and host.endswith("." + self.definition.name))


def canonical_url(b: BoardSite, url: str) -> str:
    """`<root>/<prefix>/brd/<board>/view.do?seq=N` (a mission's board on the missions' host), whatever host,
    scheme or &amp; noise."""
    cleaned = url.strip()
    while "&amp;" in cleaned:
        cleaned = cleaned.replace("&amp;", "&")
    # Old captures keep the servlet's session in the path: view.do;jsessionid=…?seq=N is the same article.
    cleaned = JSESSION.sub("", cleaned)
    parts, match = match_release(cleaned, b.definition.name, b.owns_host, b.article_path, ARTICLE_SHAPE, shown=url)
    seqs = parse_qs(parts.query).get("seq", [])
    if not seqs or not re.fullmatch(r"[0-9]{1,12}", seqs[0]):
        raise ValueError(f"not a {b.definition.name} article URL ({ARTICLE_SHAPE}): {url}")
    return view_url(b, match[1], match[2]) + str(int(seqs[0]))


def view_url(b: BoardSite, place: str, board: str) -> str:
    """A board's view URL up to its seq, on the canonical host."""
    if b.is_mission(place):
        return f"https://{b.missions_host}/{place}/brd/{board}/view.do?seq="
    return f"{root(b.definition)}/{b.prefix(board, place)}/brd/{board}/view.do?seq="


def doc_key(b: BoardSite, url: str) -> str:
    """The archive key of a release URL: <site>/<board>/<seq>, or <site>/<mission>.<board>/<seq>."""
    place, board, seq = article_parts(canonical_url(b, url))
    return f"{b.definition.name}/{collection_id(b, place, board)}/{seq}"


def article_parts(canonical: str) -> tuple[str, str, str]:
    """(prefix or mission, board, seq) of a canonical article URL."""
    parts = urlsplit(canonical)
    path = parts.path.split("/")
    return path[1], path[3], parse_qs(parts.query)["seq"][0]


def collection_id(b: BoardSite, place: str, board: str) -> str:
    """The archive's collection of a board: its id, or "<mission>.<board>" for a mission's board."""
    return f"{place}.{board}" if b.is_mission(place) else board


def language_of(b: BoardSite, place: str, board: str) -> str:
    """A board's language: as the site lists it, else its prefix's, else the mission's last part."""
    known = b.known.get(board)
    if known and not b.is_mission(place):
        return known.language
    if b.is_mission(place):
        last = place.rsplit("-", 1)[-1]
        return last if LANG_RE.match(last) else b.definition.language
    return b.prefixes.get(place, b.definition.language)


def configured(b: BoardSite, collection: str) -> tuple[str, str]:
    """(path part, board) of a configured collection: "m_5676" or "<mission>/m_5389"; a ConfigError naming
    it when it is neither."""
    place, slash, board = collection.strip().rpartition("/")
    ok = re.fullmatch(BOARD_ID, board) and (
        not slash or (b.missions_host and re.fullmatch(MISSION, place) and place not in b.prefixes)
    )
    if not ok:
        shapes = COLLECTION_SHAPES if b.missions_host else "a board (m_N)"
        raise ConfigError(f"collections: {collection!r} is not {shapes}")
    return (place, board) if slash else (b.prefix(board), board)


def check_collections(b: BoardSite, collections: tuple[str, ...]) -> None:
    """Fail with one line on the first configured collection that names no board."""
    for collection in collections:
        configured(b, collection)
