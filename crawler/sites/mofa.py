"""mofa.go.kr, the Republic of Korea's Ministry of Foreign Affairs: one site of the board engine, as data.

English boards live under /eng/, Korean ones under /www/. Over 150 embassies and consulates run the same
engine under /<mission>/brd/<board>/ (ca-toronto-ko: Toronto, Korean), reached through www.mofa.go.kr,
overseas.mofa.go.kr (their canonical host) and city hosts (toronto.mofa.go.kr); a mission's board is
configured as "<mission>/<board>". How the engine
reads its pages is in `crawler.sites.board`; this module only says what is particular to this site.
"""

from __future__ import annotations

from crawler.sites.board import Board, board, board_site
from crawler.sites.definition import Dates

NAME = "mofa.go.kr"
MIN_INTERVAL_S = 1.0  # polite scrapers of this site wait about 1 s between requests
MISSIONS_HOST = "overseas.mofa.go.kr"  # the embassies' and consulates' boards' own host (their og:url)
TIME_ZONE = "Asia/Seoul"  # Korea Standard Time, UTC+9, no daylight saving

BOARD = board(
    NAME,
    ("www.mofa.go.kr", "mofa.go.kr", MISSIONS_HOST),
    {"eng": "en", "www": "ko"},
    boards=(
        Board("m_5676", "eng", "Press Releases", "en"),
        Board("m_5679", "eng", "Press Briefings", "en"),
        Board("m_5674", "eng", "Ministry News", "en"),
        Board("m_5689", "eng", "Minister's Speeches", "en"),
        Board("m_5690", "eng", "Vice Ministers' Speeches", "en"),
        Board("m_4080", "www", "보도자료", "ko"),
        Board("m_4078", "www", "외교부 브리핑", "ko"),
    ),
    subdomains=True,
    missions_host=MISSIONS_HOST,
    aliases=("mofa",),
    description="Republic of Korea, Ministry of Foreign Affairs (English and Korean boards, and its missions abroad)",
    dates=Dates(time_zone=TIME_ZONE, labels=("date", "작성일", "등록일")),
    # The English Press Releases and the Korean originals they translate (보도자료): the ministry in its own language.
    collections=("m_5676", "m_4080"),
    min_interval=MIN_INTERVAL_S,
    list_pages=2,
    legacy_charsets=("cp949",),  # EUC-KR / CP949: the Korean RSS feed was EUC-KR until 2026
)
DEFINITION = BOARD.definition
SITE = board_site(BOARD)
CALENDAR = BOARD.calendar  # how the site writes dates (the tests' fixture builders use it too)

canonical_url = SITE.canonical_url
doc_key = SITE.doc_key
parse_listing = SITE.parse_listing
parse_release = SITE.parse_release
