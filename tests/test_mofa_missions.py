"""mofa.go.kr's missions abroad: every URL shape of a mission's board, its key, its settings, redirects to city
hosts, and a mission board crawled and backfilled end to end against the simulator; the Modified header."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from archive.document import Version, parse_version, split_key
from crawler.config import SiteConfig
from crawler.errors import ConfigError, FetchError
from crawler.net.redirects import redirect_target
from crawler.pipeline.policy import policy_for
from crawler.sites import mofa
from crawler.sites.base import BackfillRequest
from tests.conftest import FAST_CONFIG, Pressroom
from tests.sim_mofa import MofaSim
from tests.simserver import SimServer
from tests.sitegen.mofa import MofaRelease, list_page

FIXTURES = Path(__file__).parent / "fixtures" / "mofa.go.kr"
TORONTO = "https://overseas.mofa.go.kr/ca-toronto-ko/brd/m_5389/view.do?seq="


@pytest.mark.parametrize(
    ("url", "canonical", "key"),
    [
        (f"{TORONTO}1344542", f"{TORONTO}1344542", "mofa.go.kr/ca-toronto-ko.m_5389/1344542"),
        (  # a city host, as the consulate's own links print it
            "https://toronto.mofa.go.kr/ca-toronto-ko/brd/m_5389/view.do?seq=1344542&page=1",
            f"{TORONTO}1344542",
            "mofa.go.kr/ca-toronto-ko.m_5389/1344542",
        ),
        (  # the ministry's own host, over http, with a list link's &amp; noise
            "http://www.mofa.go.kr/ca-toronto-ko/brd/m_5389/view.do?seq=01344542&amp;srchFr=&amp;amp;page=3",
            f"{TORONTO}1344542",
            "mofa.go.kr/ca-toronto-ko.m_5389/1344542",
        ),
        (
            "https://mofa.go.kr/us-en/brd/m_4497/view.do?seq=77",
            "https://overseas.mofa.go.kr/us-en/brd/m_4497/view.do?seq=77",
            "mofa.go.kr/us-en.m_4497/77",
        ),
        (  # the ministry's boards stay where they are, whichever host serves them
            "https://overseas.mofa.go.kr/eng/brd/m_5676/view.do?seq=321641",
            "https://www.mofa.go.kr/eng/brd/m_5676/view.do?seq=321641",
            "mofa.go.kr/m_5676/321641",
        ),
    ],
)
def test_every_mission_url_shape_canonicalizes_keys_and_round_trips(url: str, canonical: str, key: str) -> None:
    assert mofa.canonical_url(url) == canonical
    assert mofa.canonical_url(canonical) == canonical
    assert mofa.doc_key(url) == mofa.doc_key(canonical) == key
    assert split_key(key)  # the parts are the archive's shapes: site, collection slug, document id


@pytest.mark.parametrize(
    "url",
    [
        "https://toronto.mofa.go.kr.evil.example/ca-toronto-ko/brd/m_5389/view.do?seq=1",
        "https://evilmofa.go.kr/ca-toronto-ko/brd/m_5389/view.do?seq=1",
        "https://overseas.mofa.go.kr/Toronto/brd/m_5389/view.do?seq=1",
        "https://overseas.mofa.go.kr/ca-toronto-ko/brd/5389/view.do?seq=1",
        "https://overseas.mofa.go.kr/ca-toronto-ko/brd/m_5389/list.do?seq=1",
        "ftp://overseas.mofa.go.kr/ca-toronto-ko/brd/m_5389/view.do?seq=1",
    ],
)
def test_what_is_no_mission_article_is_refused(url: str) -> None:
    assert not mofa.SITE.owns(url)


def test_a_mission_release_is_read_as_the_mission_publishes_it() -> None:
    expected = parse_version((FIXTURES / "mission_notice_modified.txt").read_text(encoding="utf-8"), source="x")
    html = (FIXTURES / "mission_notice_modified.html").read_text(encoding="utf-8")
    got = mofa.parse_release(html, "https://toronto.mofa.go.kr/ca-toronto-ko/brd/m_5389/view.do?seq=1344542&page=1")
    assert got.title == "[안내] 민원실 방문 예약 제도 운영"  # the 공지 badge is not part of the title
    assert (got.collection, got.language, got.collection_name) == ("ca-toronto-ko.m_5389", "ko", "여권")
    assert got.published == date(2020, 1, 1) and got.modified == date(2025, 2, 27)
    assert got.body[0] == "● 총영사관 민원실은 모든 민원을 예약제로 처리하고 있습니다."  # marker, then a space
    assert "주 토론토(총)" not in Version(got, datetime(2026, 1, 1, tzinfo=UTC)).render()  # 작성자 is not kept
    assert got.normalized() == expected.release


def test_mission_boards_are_listed_and_backfilled_through_the_configured_host() -> None:
    config = SiteConfig(base_url="http://127.0.0.1:9", min_interval=0, collections=("m_5676", "ca-toronto-ko/m_5389"))
    mofa.SITE.check_config(config)
    assert [x.url for x in mofa.SITE.listing_urls(config)] == [
        "http://127.0.0.1:9/eng/brd/m_5676/list.do?page=1",
        "http://127.0.0.1:9/ca-toronto-ko/brd/m_5389/list.do?page=1",
    ]
    request = BackfillRequest(date(2024, 5, 1), date(2024, 6, 30), "http://127.0.0.1:9")
    [_, source] = mofa.SITE.backfill_sources(replace(config, collections=("m_5676", "ca-toronto-ko/m_5389")), request)
    assert source.key == "ca-toronto-ko/m_5389:20240501-20240630"
    assert source.first_url == (
        "http://127.0.0.1:9/ca-toronto-ko/brd/m_5389/list.do?page=1&srchFr=20240501&srchTo=20240630"
    )
    rel = MofaRelease(1344542, "Notice", "2024-05-02", ["Text."], board="m_5389", mission="ca-toronto-ko")
    html = list_page(rel.collection, [rel], number_from=1)
    [item] = mofa.parse_listing(html, "http://127.0.0.1:9/ca-toronto-ko/brd/m_5389/list.do?page=1")
    assert (item.url, item.doc_id, item.published) == (f"{TORONTO}1344542", "1344542", date(2024, 5, 2))


@pytest.mark.parametrize("bad", ["ca-toronto-ko/5389", "Toronto/m_5389", "eng/m_5676", "a/b/m_1", "m_5676/x", ""])
def test_a_collection_naming_no_board_is_one_line_naming_it(bad: str) -> None:
    config = replace(mofa.SITE.defaults, collections=("m_5676", bad))
    with pytest.raises(ConfigError, match=r"^collections: '.*' is not a board \(m_N\) or a mission's board"):
        mofa.SITE.check_config(config)


def test_the_cli_names_the_file_and_site_of_a_bad_collection(tmp_path: Path) -> None:
    config = tmp_path / "pressroom.toml"
    config.write_text(FAST_CONFIG.replace('"m_5676"]', '"m_5676", "toronto/m_5389"]'), encoding="utf-8")
    result = Pressroom(tmp_path / "a", config, {})("crawl", "mofa", ok=False)
    assert result.output == (
        f"Error: config {config} [sites.\"mofa.go.kr\"]: collections: 'toronto/m_5389' is not a board (m_N) or "
        "a mission's board (<mission>/m_N, e.g. ca-toronto-ko/m_5389)\n"
    )
    assert not (tmp_path / "a").exists()


def test_redirects_may_lead_to_a_mission_city_host_and_no_further() -> None:
    policy = policy_for(mofa.SITE, mofa.SITE.defaults)
    start = f"{TORONTO}1"
    city = "https://toronto.mofa.go.kr/ca-toronto-ko/brd/m_5389/view.do?seq=1"
    assert redirect_target(start, start, 302, city, policy.hosts, policy.host_suffixes) == city
    for foreign in ("https://toronto.mofa.go.kr.evil.example/x", "https://notmofa.go.kr/x"):
        with pytest.raises(FetchError, match="redirect to a foreign host"):
            redirect_target(start, start, 302, foreign, policy.hosts, policy.host_suffixes)


def test_modified_is_a_header_outside_the_content_hash() -> None:
    text = (FIXTURES / "mission_notice_modified.txt").read_text(encoding="utf-8")
    version = parse_version(text, source="x")
    assert version.release.modified == date(2025, 2, 27) and "\nModified: 2025-02-27\n" in text
    assert version.render() == text
    later = replace(version.release, modified=date(2026, 3, 2))
    assert later.sha256() == version.release.sha256()
    assert replace(version.release, modified=None).sha256() == version.release.sha256()


def _toronto() -> list[MofaRelease]:
    return [
        MofaRelease(
            1344500 + i,
            f"민원 안내 {i}",
            f"2024-0{1 + i % 6}-1{i % 9}",
            [f"● 안내 {i} 첫째 줄입니다.", "○ 둘째 줄입니다."],
            board="m_5389",
            mission="ca-toronto-ko",
            notice=i == 0,
        )
        for i in range(12)
    ]


def test_a_mission_board_is_crawled_backfilled_and_an_edited_date_alone_is_no_new_text(tmp_path: Path) -> None:
    sim = MofaSim(_toronto())
    config = tmp_path / "pressroom.toml"
    config.write_text(FAST_CONFIG.replace('["m_5676"]', '["ca-toronto-ko/m_5389"]'), encoding="utf-8")
    with SimServer(sim) as server:
        run = Pressroom(tmp_path / "a", config, {"mofa": server.base_url})
        assert "12 new" in run("crawl", "mofa").stderr
        folder = tmp_path / "a" / "mofa.go.kr" / "ca-toronto-ko.m_5389"
        assert sorted(p.name for p in folder.iterdir()) == [str(1344500 + i) for i in range(12)]
        [first] = (folder / "1344500").glob("*.txt")
        text = first.read_text(encoding="utf-8")
        assert "Title: 민원 안내 0\n" in text and f"URL: {TORONTO}1344500\n" in text and "Language: ko\n" in text
        sim.edit(1344500, board="ca-toronto-ko/m_5389", modified="2024-07-01")
        assert "12 unchanged" in run("crawl", "mofa").stderr  # 수정일 alone: no new version
        assert [p.name for p in (folder / "1344500").glob("*.txt")] == [first.name]
        sim.edit(1344501, board="ca-toronto-ko/m_5389", body=["● 고친 줄입니다."], modified="2024-07-02")
        assert "1 changed" in run("crawl", "mofa").stderr
        [second] = sorted((folder / "1344501").glob("002_*.txt"))
        assert "Modified: 2024-07-02\n" in second.read_text(encoding="utf-8")
        rows = {row["key"]: row for row in map(json.loads, run("export").stdout.splitlines())}
        assert rows["mofa.go.kr/ca-toronto-ko.m_5389/1344501"]["modified"] == "2024-07-02"
        assert rows["mofa.go.kr/ca-toronto-ko.m_5389/1344502"]["modified"] == ""
        result = run("backfill", "mofa", "--since", "2024-01-01", "--until", "2024-06-30", "--refresh")
        assert "12 unchanged" in result.stderr, result.stderr


def test_an_archive_made_before_the_skin_was_understood_is_upgraded_by_reextract_not_as_edits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before, a pinned notice's title began with its 공지 badge and list markers were glued to their text;
    `reextract` (offline, from the stored captures) records the new reading as re-extractions, after which a
    crawl finds every release unchanged and `changes` lists no ministry edit."""
    from crawler.sites import board_pages

    sim = MofaSim(_toronto())
    config = tmp_path / "pressroom.toml"
    config.write_text(FAST_CONFIG.replace('["m_5676"]', '["ca-toronto-ko/m_5389"]'), encoding="utf-8")
    with SimServer(sim) as server, monkeypatch.context() as old:
        run = Pressroom(tmp_path / "a", config, {"mofa": server.base_url})
        old.setattr(board_pages, "NOTICE_BADGE", "span.not-on-the-page")
        old.setattr(board_pages, "LIST_MARKER", "span.not-on-the-page")
        assert "12 new" in run("crawl", "mofa").stderr
        first = (tmp_path / "a/mofa.go.kr/ca-toronto-ko.m_5389/1344500").glob("001_*.txt")
        assert "Title: 공지 민원 안내 0\n" in next(first).read_text(encoding="utf-8")
        old.undo()
        result = run("reextract", "mofa")
        assert result.stderr.endswith("12 reextracted\n"), result.stderr
        assert "12 unchanged" in run("crawl", "mofa").stderr
    [latest] = (tmp_path / "a/mofa.go.kr/ca-toronto-ko.m_5389/1344500").glob("002_*.txt")
    text = latest.read_text(encoding="utf-8")
    assert "Title: 민원 안내 0\n" in text and "Origin: re-extraction of the capture of" in text
    assert "\n● 안내 0 첫째 줄입니다.\n" in text
    assert "ca-toronto-ko.m_5389" not in run("changes").stdout  # no ministry edit
