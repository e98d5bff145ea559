"""The board engine: a second site of it is data only, and reads the engine's pages as mofa.go.kr does.

The made-up mission site below is written the way a site of an existing engine is added: one `board(...)`
call, no function of its own. The golden mofa.go.kr pages, served under its host and its own path
prefixes, must give the same releases (title, date, body, attachments), filed under its own name.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from archive.document import parse_version
from crawler.config import SiteConfig
from crawler.errors import ConfigError, ParseError
from crawler.sites import mofa
from crawler.sites.base import BackfillRequest
from crawler.sites.board import board, board_site
from crawler.sites.definition import Dates
from tests.conftest import FAST_CONFIG, Pressroom
from tests.sim_mofa import MofaSim
from tests.simserver import SimServer

FIXTURES = Path(__file__).parent / "fixtures" / "mofa.go.kr"
# The ministry's own boards' pages (a mission's pages of mofa.go.kr have their own URL shape: test_mofa_missions).
PAGES = sorted(p for p in FIXTURES.glob("*.html") if p.with_suffix(".txt").exists() and "mission" not in p.stem)
LISTS = sorted(p for p in FIXTURES.glob("*.html") if p.with_suffix(".list").exists())

# A mission's board site: its own host and prefixes (English under /usa-en/, Korean under /usa-ko/), its
# own zone, no board known by name (names come from the pages), a gentler pace. Data only.
MISSION = board_site(
    board(
        "usa.mission.example",
        ("usa.mission.example",),
        {"usa-en": "en", "usa-ko": "ko"},
        dates=Dates(time_zone="America/New_York", labels=("date", "작성일", "등록일")),
        collections=("m_4497",),
        min_interval=2.0,
    )
)
ON_MISSION = {"/eng/": "/usa-en/", "/www/": "/usa-ko/"}


def mission_url(url: str) -> str:
    """A mofa.go.kr URL as the mission site would print it."""
    for ours, theirs in ON_MISSION.items():
        url = url.replace(ours, theirs)
    return url.replace("https://www.mofa.go.kr", "https://usa.mission.example")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_a_second_board_site_reads_the_engines_pages_like_mofa(page: Path) -> None:
    expected = parse_version(page.with_suffix(".txt").read_text(encoding="utf-8"), source=str(page)).release
    html = page.read_text(encoding="utf-8")
    got = MISSION.parse_release(html, mission_url(expected.url) + "&amp;page=2")
    names = tuple(a.name for a in got.attachments)
    assert (got.title, got.body, names) == (expected.title, expected.body, tuple(a.name for a in expected.attachments))
    assert str(got.published)[:10] == str(expected.published)[:10]
    assert (got.site, got.url, got.collection) == (
        "usa.mission.example",
        mission_url(expected.url),
        expected.collection,
    )
    assert got.language == expected.language  # from the prefix, since the mission names no board
    assert got.collection_name  # from the page's heading, or the board id
    assert MISSION.doc_key(got.url) == f"usa.mission.example/{expected.collection}/{expected.doc_id}"


@pytest.mark.parametrize("page", LISTS, ids=lambda p: p.stem)
def test_a_second_board_site_reads_the_engines_list_pages(page: Path) -> None:
    items = MISSION.parse_listing(
        page.read_text(encoding="utf-8"), "http://127.0.0.1:9/usa-en/brd/m_5676/list.do?page=1"
    )
    want = [line.split("\t") for line in page.with_suffix(".list").read_text(encoding="utf-8").splitlines()]
    assert [[i.url, str(i.published), i.title] for i in items] == [[mission_url(u), d, t] for u, d, t in want]


def test_the_mission_site_knows_its_own_urls_and_not_mofas() -> None:
    assert MISSION.canonical_url("http://usa.mission.example/usa-ko/brd/m_4497/view.do?seq=007") == (
        "https://usa.mission.example/usa-ko/brd/m_4497/view.do?seq=7"
    )
    assert not MISSION.owns("https://www.mofa.go.kr/eng/brd/m_5676/view.do?seq=1")
    assert not mofa.SITE.owns("https://usa.mission.example/usa-en/brd/m_5676/view.do?seq=1")
    with pytest.raises(ParseError, match="not a board list URL"):
        MISSION.parse_listing("<table></table>", "http://127.0.0.1:9/eng/brd/m_5676/list.do")


def test_the_mission_site_gets_the_engines_list_pages_and_backfill_windows() -> None:
    config = replace(MISSION.defaults, base_url="http://127.0.0.1:9")
    assert MISSION.defaults.min_interval == 2.0 and MISSION.defaults.collections == ("m_4497",)
    assert [x.url for x in MISSION.listing_urls(config)] == ["http://127.0.0.1:9/usa-en/brd/m_4497/list.do?page=1"]
    request = BackfillRequest(date(2024, 1, 1), date(2024, 6, 30), "http://127.0.0.1:9")
    sources = MISSION.backfill_sources(config, request)
    assert [s.key for s in sources] == [  # 90 days a window, newest first
        "m_4497:20240402-20240630",
        "m_4497:20240103-20240401",
        "m_4497:20240101-20240102",
    ]
    assert sources[0].first_url == "http://127.0.0.1:9/usa-en/brd/m_4497/list.do?page=1&srchFr=20240402&srchTo=20240630"


def test_mofa_is_the_same_engine_with_its_own_data() -> None:
    assert mofa.DEFINITION.name == "mofa.go.kr" and mofa.SITE.defaults.list_pages == 2
    assert mofa.SITE.legacy_charsets == ("cp949",)
    config = SiteConfig(base_url="http://127.0.0.1:9", min_interval=0, collections=("m_4080",))
    assert [x.url for x in mofa.SITE.listing_urls(config)] == ["http://127.0.0.1:9/www/brd/m_4080/list.do?page=1"]


def test_a_board_site_with_a_bad_selector_is_refused_with_the_field_named() -> None:
    broken = board(
        "bad.example", ("bad.example",), {"eng": "en"}, select=replace(mofa.DEFINITION.select, title=("h2[",))
    )
    with pytest.raises(ConfigError, match=r"^select\.title: 'h2\[' is not a valid CSS selector"):
        board_site(broken)


def test_a_second_board_site_is_crawled_versioned_and_diffed_from_the_mofa_simulator(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mofa_sim: tuple[MofaSim, SimServer]
) -> None:
    """The whole pipeline runs a data-only board site: the mofa simulator serves it as the engine would."""
    import crawler.sites as registry

    sim, server = mofa_sim
    site = board_site(
        board(
            "www.mission.example",
            ("www.mission.example",),
            {"eng": "en", "www": "ko"},
            dates=Dates(time_zone="Asia/Seoul", labels=("date",)),
            collections=("m_5676",),
            list_pages=2,
        )
    )
    monkeypatch.setitem(registry.SITES, site.name, site)  # as the registry lists a built-in site
    if hasattr(registry, "BUILT_IN"):
        monkeypatch.setitem(registry.BUILT_IN, site.name, site)
    config = tmp_path / "pressroom.toml"
    config.write_text(FAST_CONFIG + '\n[sites."www.mission.example"]\nmin_interval = 0\n', encoding="utf-8")
    run = Pressroom(tmp_path / "archive", config, {site.name: server.base_url})
    assert "12 new" in run("crawl", site.name).stderr
    key = "www.mission.example/m_5676/320033"
    [first] = (tmp_path / "archive" / key).glob("001_*.txt")
    text = first.read_text(encoding="utf-8")
    assert text.startswith("Title: Outcome of Consultation No. 12 on Bilateral Cooperation\n")
    assert "URL: https://www.mission.example/eng/brd/m_5676/view.do?seq=320033\n" in text
    assert "Site: www.mission.example\n" in text and "Published: 20" in text
    body = list(sim.releases[("m_5676", 320033)].body)
    body[0] = "Edited on the mission's board."
    sim.edit(320033, body=body)
    assert "1 changed" in run("crawl", site.name).stderr
    assert "+Edited on the mission's board." in run("diff", key).stdout.splitlines()
