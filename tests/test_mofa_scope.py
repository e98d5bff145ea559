"""mofa.go.kr's default scope: the English Press Releases and the Korean originals (보도자료, m_4080), both
crawled end to end against the simulator with Korean titles, labels and dates."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from archive.document import parse_version
from crawler.sites import mofa
from tests.conftest import FAST_CONFIG, Pressroom, sample_releases
from tests.sim_mofa import MofaSim
from tests.simserver import SimServer
from tests.sitegen.mofa import MofaRelease

KST = timezone(timedelta(hours=9))


def korean() -> list[MofaRelease]:
    """Five Korean press releases, dated with a time as the Korean board prints them."""
    return [
        MofaRelease(
            380000 + i,
            f"제{i + 1}차 한-아세안 외교장관회의 결과",
            f"2024-0{i + 3}-1{i} 1{i}:30:00",
            [f"1. 외교부장관은 제{i + 1}차 회의에 참석하였다.", "ㅇ 양측은 협력 방안을 논의하였다.", "2. 끝."],
            board="m_4080",
            department="아세안국",
        )
        for i in range(5)
    ]


def test_the_default_scope_is_the_english_press_releases_and_the_korean_originals() -> None:
    assert mofa.SITE.defaults.collections == ("m_5676", "m_4080")
    assert [x.url for x in mofa.SITE.listing_urls(mofa.SITE.defaults)] == [
        "https://www.mofa.go.kr/eng/brd/m_5676/list.do?page=1",
        "https://www.mofa.go.kr/eng/brd/m_5676/list.do?page=2",
        "https://www.mofa.go.kr/www/brd/m_4080/list.do?page=1",
        "https://www.mofa.go.kr/www/brd/m_4080/list.do?page=2",
    ]


def test_a_default_crawl_archives_both_boards(tmp_path: Path) -> None:
    config = tmp_path / "pressroom.toml"
    config.write_text(FAST_CONFIG.replace('collections = ["m_5676"]\n', ""), encoding="utf-8")  # the default
    with SimServer(MofaSim(sample_releases() + korean())) as server:
        run = Pressroom(tmp_path / "a", config, {"mofa": server.base_url})
        assert "17 new" in run("crawl", "mofa").stderr
        assert "17 unchanged" in run("crawl", "mofa").stderr
    [path] = (tmp_path / "a" / "mofa.go.kr" / "m_4080" / "380002").glob("001_*.txt")
    release = parse_version(path.read_text(encoding="utf-8"), source=str(path)).release
    assert release.title == "제3차 한-아세안 외교장관회의 결과"
    assert (release.language, release.collection_name) == ("ko", "보도자료")
    assert release.published == datetime(2024, 5, 12, 12, 30, tzinfo=KST)
    assert release.url == "https://www.mofa.go.kr/www/brd/m_4080/view.do?seq=380002"
    assert release.body == ("1. 외교부장관은 제3차 회의에 참석하였다.", "ㅇ 양측은 협력 방안을 논의하였다.", "2. 끝.")
    assert len(list((tmp_path / "a" / "mofa.go.kr" / "m_5676").iterdir())) == 12
