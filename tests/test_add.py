"""`pressroom add URL...` end to end against the simulators: any URL form, bad URLs among good ones, duplicates
fetched once, an archived document revisited, and what a terminal shows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.pipeline.add import sort_urls
from crawler.sites import SITES
from tests.conftest import FAST_CONFIG, MID_CONFIG, Pressroom
from tests.ptyrun import run_pty
from tests.sim_mofa import MofaSim
from tests.simserver import SimServer

MOFA_KEY = "mofa.go.kr/m_5676/320033"
MOFA_ODD = "http://overseas.mofa.go.kr/eng/brd/m_5676/view.do?seq=320033&amp;page=2"  # another host, &amp;, a page
MOFA_PLAIN = "https://www.mofa.go.kr/eng/brd/m_5676/view.do?seq=320033"
MID_URL = "https://www.mid.ru/en/foreign_policy/news/1899422/?lang=en"
MID_KEY = "mid.ru/id/1899422/en"


@pytest.fixture
def both(
    tmp_path: Path, mofa_sim: tuple[MofaSim, SimServer], mid_sims: tuple[object, object, SimServer, SimServer]
) -> Pressroom:
    """The CLI against mofa.go.kr, mid.ru and archive.mid.ru simulators."""
    config = tmp_path / "both.toml"
    config.write_text(MID_CONFIG, encoding="utf-8")
    bases = {"mofa": mofa_sim[1].base_url, "mid": mid_sims[2].base_url, "archive.mid.ru": mid_sims[3].base_url}
    return Pressroom(tmp_path / "archive", config, bases)


def views(server: SimServer, needle: str) -> int:
    return sum(1 for request in server.log if needle in request.target)


def runs(pressroom: Pressroom) -> list[dict[str, object]]:
    return [json.loads(line) for line in pressroom("runs", "--json").stdout.splitlines()]


def test_add_archives_good_urls_and_says_why_each_bad_one_is_not(
    both: Pressroom, mofa_sim: tuple[MofaSim, SimServer], mid_sims: tuple[object, object, SimServer, SimServer]
) -> None:
    bad = {
        "https://example.org/press/1": "no known site serves example.org",
        "https://www.mofa.go.kr/eng/brd/m_5676/list.do?page=1": "not a mofa.go.kr article URL",
        "ftp://mid.ru/en/foreign_policy/news/1/": "not an http:// or https:// URL",
    }
    result = both("add", MOFA_ODD, *bad, MID_URL, MOFA_PLAIN, ok=False)
    assert result.exit_code == 1, "some URLs were not added"
    lines = result.stderr.splitlines()
    for url, why in bad.items():
        (line,) = [line for line in lines if url in line]
        assert line.startswith(f"not added: {url}: ") and why in line, line
    assert both("show", MOFA_KEY).stdout.startswith("Title: ")
    assert f"URL: {MOFA_PLAIN}\n" in both("show", MOFA_KEY).stdout, "archived under its canonical URL"
    assert "Language: en\n" in both("show", MID_KEY).stdout
    assert mofa_sim[0].views[320033] == 1, "two forms of one document: fetched once"
    assert views(mofa_sim[1], "list.do") == 0 and views(mid_sims[2], "/foreign_policy/news/1899422/") == 1
    assert "mofa.go.kr: 1 new" in result.stderr and "mid.ru: 1 new" in result.stderr
    assert "3 URLs not added (above)" in result.stderr
    assert f"{MOFA_PLAIN}: the same document as {MOFA_ODD}, fetched once" in result.stderr
    (run,) = runs(both)
    assert (run["command"], run["sites"], run["counts"], run["status"]) == (
        "add",
        ["mofa.go.kr", "mid.ru"],
        {"new": 2},
        "ok",
    )


def test_add_revisits_an_archived_document_and_keeps_a_new_version_only_if_it_changed(
    pressroom: Pressroom, mofa_sim: tuple[MofaSim, SimServer]
) -> None:
    sim, server = mofa_sim
    pressroom("crawl", "mofa")
    result = pressroom("add", MOFA_ODD)
    assert "mofa.go.kr: 1 unchanged" in result.stderr
    assert len(list((pressroom.archive / MOFA_KEY).glob("*.txt"))) == 1
    sim.edit(320033, title="An edited title")
    result = pressroom("add", MOFA_PLAIN)
    assert "mofa.go.kr: 1 changed" in result.stderr
    assert sorted(p.name[:3] for p in (pressroom.archive / MOFA_KEY).glob("*.txt")) == ["001", "002"]
    assert "Title: An edited title\n" in pressroom("show", MOFA_KEY).stdout
    assert [r["command"] for r in runs(pressroom)] == ["add", "add", "crawl"]


def test_add_takes_a_mission_release_by_its_city_host(
    pressroom: Pressroom, mofa_sim: tuple[MofaSim, SimServer]
) -> None:
    """A board the configuration does not list, reached through a city host: the site's own rules key it."""
    from tests.sitegen.mofa import MofaRelease

    sim, _ = mofa_sim
    rel = MofaRelease(1344542, "Notice from Toronto", "2024-05-02", ["Text."], board="m_5389", mission="ca-toronto-ko")
    sim.releases[(rel.collection, rel.seq)] = rel
    result = pressroom("add", "https://toronto.mofa.go.kr/ca-toronto-ko/brd/m_5389/view.do?seq=1344542&page=1")
    assert "mofa.go.kr: 1 new" in result.stderr
    shown = pressroom("show", "mofa/ca-toronto-ko.m_5389/1344542").stdout
    assert "URL: https://overseas.mofa.go.kr/ca-toronto-ko/brd/m_5389/view.do?seq=1344542\n" in shown
    assert shown.endswith("\nNotice from Toronto\n\nText.\n")


def test_add_of_a_release_that_is_gone_fails_and_exits_1(
    pressroom: Pressroom, mofa_sim: tuple[MofaSim, SimServer]
) -> None:
    url = "https://www.mofa.go.kr/eng/brd/m_5676/view.do?seq=999999"
    result = pressroom("add", url, ok=False)
    assert result.exit_code == 1 and "view.do?seq=999999: HTTP 404: the page is gone" in result.stderr
    assert not (pressroom.archive / "mofa.go.kr/m_5676/999999").exists()


def test_add_with_no_release_url_is_one_line_and_touches_nothing(pressroom: Pressroom) -> None:
    result = pressroom("add", "https://example.org/x", ok=False)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "not added: https://example.org/x: no known site serves example.org"
        " (sites: mofa.go.kr, mid.ru, archive.mid.ru)",
        "Error: nothing to add: 1 URL given, none of a known site's releases",
    ]
    assert not pressroom.archive.exists()


@pytest.mark.parametrize(
    ("url", "key"),
    [
        (MOFA_ODD, MOFA_KEY),
        ("https://www.mofa.go.kr/www/brd/m_4080/view.do?seq=373046&page=1", "mofa.go.kr/m_4080/373046"),
        (MID_URL, MID_KEY),
        (
            "http://www.mofa.go.kr/ca-toronto-ko/brd/m_5389/view.do?seq=01344542&amp;page=3",
            "mofa.go.kr/ca-toronto-ko.m_5389/1344542",
        ),
        ("https://mid.ru/ru/foreign_policy/news/1899422/", "mid.ru/id/1899422/ru"),
        (
            "https://archive.mid.ru/en/foreign_policy/news/-/asset_publisher/cKNonkJE02Bw/content/id/4512346",
            "archive.mid.ru/id/4512346/en",
        ),
    ],
)
def test_urls_are_keyed_by_the_sites_own_rules(url: str, key: str) -> None:
    chosen = sort_urls([url], SITES.values())
    assert not chosen.rejected, chosen.rejected
    ((name, (canonical,)),) = chosen.targets.items()
    assert SITES[name].doc_key(canonical) == key


def test_add_on_a_terminal(tmp_path: Path, mofa_sim: tuple[MofaSim, SimServer]) -> None:
    """What a person sees: the rejected URL's line, the release added, the summary; escapes kept visible."""
    _, server = mofa_sim
    config = tmp_path / "pressroom.toml"
    config.write_text(FAST_CONFIG, encoding="utf-8")
    crafted = "https://example.org/\u202eevil"
    argv = ["--archive", str(tmp_path / "a"), "--config", str(config), "--base-url", f"mofa={server.base_url}"]
    result = run_pty([*argv, "add", MOFA_PLAIN, crafted])
    assert result.returncode == 1, result.text
    screen = result.screen
    assert "not added: https://example.org/\\u202eevil: no known site serves example.org" in screen[0], screen
    assert any(line.startswith(f"new {MOFA_KEY} v1  ") for line in screen), screen
    assert screen[-3:] == ["mofa.go.kr: 1 new", "1 URL not added (above)", screen[-1]], screen
    assert screen[-1].startswith("run 1: ") and "\u202e" not in result.text
