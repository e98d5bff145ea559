"""The network side of the Wayback Machine, without sockets: lanes of one origin, the [wayback] settings and
the policies made of them. (tests/test_wayback_pause.py has the 429 pause on real sockets.)"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from crawler import config as configuration
from crawler.net.politeness import Politeness
from crawler.pipeline.policy import WAYBACK_GROUP, wayback_policies
from crawler.sites import SITES
from tests.conftest import Pressroom

DEFAULTS = {name: site.defaults for name, site in SITES.items()}


# lanes ----------------------------------------------------------------------------------------------------


def test_lanes_of_one_origin_keep_their_own_intervals() -> None:
    """The CDX index at one request per 2.5 s and captures at 5 a second, on one origin: each request waits
    its own lane's interval only (the clock stands still, so each wait is the whole interval)."""
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(round(seconds, 6))

    polite = Politeness("pressroom/1", sleep=sleep, monotonic=lambda: 100.0)
    origin = "https://web.archive.org"

    async def one(lane: str, interval: float) -> None:
        async with polite.turn(polite.gate(origin, interval, lane)):
            pass

    async def go() -> None:
        await asyncio.gather(one("cdx", 2.5), one("captures", 0.2), one("cdx", 2.5), one("captures", 0.2))

    asyncio.run(go())
    assert sorted(slept) == [0.2, 2.5]  # one gate for both would have made each wait 2.5
    assert polite.gate(origin, 0.0, "cdx") is not polite.gate(origin, 0.0, "captures")
    assert polite.gate(origin, 0.0, "cdx").interval == 2.5


def test_lanes_share_the_origin_s_give_up_and_crawl_delay() -> None:
    polite = Politeness("pressroom/1", monotonic=lambda: 0.0)
    cdx, captures = polite.gate("o", 1.0, "cdx"), polite.gate("o", 0.1, "captures")
    cdx.given_up = "o: unreachable; not crawling it this run"
    assert captures.given_up == cdx.given_up
    assert polite.gate("p", 0.0, "cdx").given_up is None  # another origin is not


# [wayback] settings ---------------------------------------------------------------------------------------


def load(tmp_path: Path, text: str) -> configuration.Config:
    path = tmp_path / "pressroom.toml"
    path.write_text(text, encoding="utf-8")
    return configuration.load(DEFAULTS, path)


def test_wayback_defaults_stay_below_what_the_archive_asks(tmp_path: Path) -> None:
    config = configuration.load(DEFAULTS, None)
    assert config.wayback_url == "https://web.archive.org"
    assert config.wayback_cdx_per_minute == 24  # 80% of its 30 a minute
    assert config.wayback_captures_per_second == 5  # below EDGI's 8 a second
    assert (config.wayback_pause_after_429, config.wayback_max_pauses) == (60, 3)


def test_the_wayback_table_sets_them(tmp_path: Path) -> None:
    config = load(
        tmp_path,
        '[wayback]\nurl = "http://127.0.0.1:8080/"\ncdx_per_minute = 12\ncaptures_per_second = 2.5\n'
        "pause_after_429 = 90\nmax_pauses = 1\n",
    )
    assert config.wayback_url == "http://127.0.0.1:8080"
    assert config.wayback_cdx_per_minute == 12.0 and config.wayback_captures_per_second == 2.5
    assert config.wayback_pause_after_429 == 90.0 and config.wayback_max_pauses == 1


BAD = {
    "zero rate": ("[wayback]\ncdx_per_minute = 0\n", "[wayback]: cdx_per_minute = 0 is out of range (must be greater"),
    "negative rate": ("[wayback]\ncaptures_per_second = -1\n", "[wayback]: captures_per_second = -1 is out of range"),
    "negative pause": ("[wayback]\npause_after_429 = -5\n", "[wayback]: pause_after_429 = -5 is out of range"),
    "fractional pauses": ("[wayback]\nmax_pauses = 1.5\n", "[wayback]: max_pauses = 1.5 must be a whole number"),
    "unknown key": ("[wayback]\ncdx_per_second = 1\n", "[wayback]: unknown setting 'cdx_per_second'"),
    "not a URL": ('[wayback]\nurl = "web.archive.org"\n', "[wayback]: url 'web.archive.org' must start with http://"),
    "moved url": ("[pressroom]\nwayback_url = 'https://a.org'\n", "[pressroom]: wayback_url is now url under"),
    "moved interval": ("[pressroom]\nwayback_interval = 1\n", "wayback_interval is now cdx_per_minute under [wayback]"),
    "field name": ("[pressroom]\nwayback_max_pauses = 1\n", "[pressroom]: unknown setting 'wayback_max_pauses'"),
}


@pytest.mark.parametrize("name", BAD)
def test_a_bad_wayback_setting_is_one_line_naming_file_and_key(tmp_path: Path, name: str) -> None:
    text, message = BAD[name]
    path = tmp_path / "pressroom.toml"
    path.write_text(text, encoding="utf-8")
    result = Pressroom(tmp_path / "archive", path, {})("status", ok=False)
    assert result.exit_code == 1
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith(f"Error: config {path}"), result.stderr
    assert message in result.stderr


# the policies -------------------------------------------------------------------------------------------


def test_wayback_policies_are_two_lanes_at_the_configured_rates(tmp_path: Path) -> None:
    config = load(tmp_path, '[wayback]\nurl = "https://web.archive.org"\npause_after_429 = 30\n')
    policies = wayback_policies(config, SITES["mid.ru"])
    cdx, captures = policies.cdx, policies.captures
    assert cdx.hosts == captures.hosts == frozenset({"web.archive.org"})
    assert (cdx.lane, cdx.min_interval) == ("cdx", 2.5)  # 24 a minute
    assert (captures.lane, captures.min_interval) == ("captures", 0.2)  # 5 a second
    assert cdx.pause_group == captures.pause_group == WAYBACK_GROUP
    assert cdx.pause_on_429 == captures.pause_on_429 == 30.0
    assert captures.mementos and not cdx.mementos
    assert captures.legacy_charsets == ("cp1251",)  # mid.ru's pages before UTF-8
