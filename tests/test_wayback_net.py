"""The network side of the Wayback Machine, without sockets: lanes of one origin, the [wayback] settings and
the policies made of them. (tests/test_wayback_pause.py has the 429 pause on real sockets.)"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest

from crawler import config as configuration
from crawler.config import Config
from crawler.errors import Blocked, FetchError, HostGivenUp, Interrupted, NotFound
from crawler.net.fetcher import Fetcher, Page, Policy
from crawler.net.pauses import PauseGroup
from crawler.net.politeness import Politeness
from crawler.pipeline.policy import WAYBACK_GROUP, wayback_policies
from crawler.sites import SITES
from tests.conftest import Pressroom
from tests.test_net import POLICY, URL, Chunks, Clock

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
    "robots not a bool": ('[wayback]\nobey_robots = "no"\n', "[wayback]: obey_robots must be true or false"),
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


def test_an_older_file_s_wayback_settings_under_pressroom_load_with_one_warning_each(tmp_path: Path) -> None:
    """`wayback_url` and `wayback_interval` under [pressroom] (before [wayback]): a scheduled job goes on
    after an upgrade; the URL is read as [wayback] url, the interval (a rate of another unit) is ignored."""
    path = tmp_path / "pressroom.toml"
    path.write_text(
        '[pressroom]\ncontact = "a@example.org"\nwayback_url = "http://127.0.0.1:8080/"\nwayback_interval = 3\n',
        encoding="utf-8",
    )
    result = Pressroom(tmp_path / "archive", path, {})("sites")
    assert result.exit_code == 0 and "Traceback" not in result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning: ")]
    assert warnings == [
        f"warning: config {path} [pressroom]: wayback_url is now url under [wayback]: read as that; move it there",
        f"warning: config {path} [pressroom]: wayback_interval is ignored: the CDX index's rate is now "
        "cdx_per_minute under [wayback] (CDX queries a minute, default 24); remove it",
    ]
    config = configuration.load(DEFAULTS, path)
    assert config.wayback_url == "http://127.0.0.1:8080" and config.wayback_cdx_per_minute == 24
    path.write_text('[pressroom]\nwayback_url = "http://old.example"\n[wayback]\nurl = "http://new.example"\n')
    assert configuration.load(DEFAULTS, path).wayback_url == "http://new.example"  # the new place wins


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


# the 429 pause --------------------------------------------------------------------------------------------

WB = "https://web.archive.org"
CAPTURE = f"{WB}/web/20190312094512id_/https://www.mid.ru/en/foreign_policy/news/-/asset_publisher/x/content/id/1"
CDX = f"{WB}/cdx/search/cdx?url=mid.ru/en/&output=json"
MEMENTO = {"memento-datetime": "Tue, 12 Mar 2019 09:45:12 GMT", "content-type": "text/html; charset=utf-8"}


def pausing_config(**changes: Any) -> Config:
    config = Config(sites={}, contact="tests@example.invalid", attempts=1, backoff=0.01, deadline=5)
    # The lanes' own intervals next to nothing: what is waited here is the pause.
    fast = {"wayback_cdx_per_minute": 6e7, "wayback_captures_per_second": 1e6}
    return replace(config, **{**fast, "wayback_pause_after_429": 60.0, **changes})


Handler = Callable[[httpx.Request], httpx.Response]


def reply(status: int, text: str, headers: dict[str, str] | None = None) -> httpx.Response:
    """An answer whose body comes as a server's chunks (what the fetcher reads)."""
    return httpx.Response(status, headers=headers or {}, stream=Chunks(text.encode("utf-8")))


def fetcher(
    config: Config,
    handler: Handler,
    clock: Clock,
    stopped: Callable[[], bool] | None = None,
    sleep: Callable[[float], Awaitable[None]] | None = None,
) -> Fetcher:
    def with_robots(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/robots.txt":
            return reply(404, "no robots.txt")
        return handler(request)

    return Fetcher(
        config,
        transport=httpx.MockTransport(with_robots),
        sleep=sleep or clock.sleep,
        monotonic=clock.monotonic,
        stopped=stopped,
    )


def test_a_429_pauses_every_lane_of_the_group_and_is_not_a_try(caplog: pytest.LogCaptureFixture) -> None:
    """A capture answered 429: the CDX lane's next request waits out the pause as the capture's retry does;
    with attempts = 1, the retry after the pause still comes (a pause is not a try)."""
    clock, config = Clock(), pausing_config()
    policies = wayback_policies(config)
    arrivals: list[tuple[str, float, int]] = []
    storm = [429]

    async def go() -> tuple[Page, Page]:
        first_429 = asyncio.Event()

        def handler(request: httpx.Request) -> httpx.Response:
            status = storm.pop() if request.url.path.startswith("/web/") and storm else 200
            arrivals.append((request.url.path.split("/")[1], clock.now, status))
            if status == 429:
                first_429.set()
                return reply(429, "Too Many Requests")
            return reply(200, "<p>ok</p>", headers=MEMENTO if "/web/" in str(request.url) else {})

        async with fetcher(config, handler, clock) as wayback:

            async def cdx() -> Page:
                await first_429.wait()  # asked while the pause is on
                return await wayback.get(CDX, policies.cdx)

            return await asyncio.gather(wayback.get(CAPTURE, policies.captures), cdx())

    with caplog.at_level(logging.WARNING):
        capture, cdx = asyncio.run(go())
    assert capture.status == cdx.status == 200
    assert arrivals[0][0::2] == ("web", 429) and arrivals[0][1] == pytest.approx(100.0)
    later = arrivals[1:]
    assert sorted(lane for lane, _, _ in later) == ["cdx", "web"]
    assert all(at >= arrivals[0][1] + 60.0 for _, at, _ in later), (
        arrivals
    )  # none started within the 60 s after the 429
    pauses = [r.getMessage() for r in caplog.records if "answered 429" in r.getMessage()]
    assert pauses == ["web.archive.org answered 429: pausing all web-archive requests for 60 s"]


def test_429s_in_a_row_give_the_web_archive_up_for_the_run() -> None:
    """Three pauses, then a fourth 429: the group is given up with what to do; its next request of any lane
    is refused at once, while a site outside the group is fetched as ever."""
    clock, config = Clock(), pausing_config()
    policies = wayback_policies(config)
    arrivals: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        arrivals.append(str(request.url))
        if request.url.host == "web.archive.org":
            return reply(429, "Too Many Requests")
        return reply(200, "<p>ok</p>")

    async def go() -> tuple[HostGivenUp, HostGivenUp, Page]:
        async with fetcher(config, handler, clock) as wayback:
            with pytest.raises(HostGivenUp) as first:
                await wayback.get(CAPTURE, policies.captures)
            with pytest.raises(HostGivenUp) as second:
                await wayback.get(CDX, policies.cdx)
            return first.value, second.value, await wayback.get(URL, replace(POLICY, min_interval=0))

    first, second, page = asyncio.run(go())
    assert arrivals.count(CAPTURE) == 4 and CDX not in arrivals  # 3 pauses, then given up; the CDX never asked
    assert (
        first.reason
        == second.reason
        == (
            "web.archive.org answered 429 again after 3 pauses of 60 s: no more web-archive requests this run; "
            "run again later"
        )
    )
    assert sum(clock.slept) == pytest.approx(180.0, abs=0.01)
    assert page.status == 200


def test_no_pause_when_max_pauses_is_0() -> None:
    clock, config = Clock(), pausing_config(wayback_max_pauses=0)

    async def go() -> None:
        async with fetcher(config, lambda r: reply(429, "slow down"), clock) as wayback:
            await wayback.get(CDX, wayback_policies(config).cdx)

    with pytest.raises(HostGivenUp, match="after 0 pauses"):
        asyncio.run(go())
    assert sum(clock.slept) < 0.01


def test_a_stop_ends_the_pause() -> None:
    clock, config = Clock(), pausing_config()
    stop = [False]

    async def sleep(seconds: float) -> None:
        await clock.sleep(seconds)
        stop[0] = seconds >= 1.0  # the stop comes during the pause

    async def go() -> None:
        handler = lambda r: reply(429, "slow down")  # noqa: E731
        async with fetcher(config, handler, clock, stopped=lambda: stop[0], sleep=sleep) as wayback:
            await wayback.get(CDX, wayback_policies(config).cdx)

    with pytest.raises(Interrupted):
        asyncio.run(go())
    assert sum(clock.slept) <= 1.01  # one step of the 60 s, not all of it


def test_a_429_to_a_request_sent_before_the_pause_is_no_new_pause() -> None:
    group = PauseGroup("web-archive")
    group.on_429(CDX, "web.archive.org", started=10.0, now=11.0, seconds=60.0, max_pauses=3)
    assert (group.pauses, group.began, group.until) == (1, 11.0, 71.0)
    group.on_429(CAPTURE, "web.archive.org", started=10.5, now=11.2, seconds=60.0, max_pauses=3)
    assert (group.pauses, group.until) == (1, 71.0)  # it was in flight when the pause began
    group.answered(started=10.8)  # an answer sent before the pause says nothing of it
    assert group.pauses == 1
    group.answered(started=71.0)
    assert group.pauses == 0


# mementos -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (429, "<html><body>Too Many Requests</body></html>"),  # a rate-limit page the archive captured
        (404, "<html><body>Page not found</body></html>"),
        (200, "<html><body>Please enable JavaScript</body></html>"),  # a challenge page, captured
        (200, ""),
        (503, "<html>Service Unavailable</html>"),
    ],
)
def test_a_capture_is_a_page_whatever_it_shows(status: int, body: str) -> None:
    clock, config = Clock(), pausing_config()

    async def go() -> Page:
        handler = lambda r: reply(status, body, headers=MEMENTO)  # noqa: E731
        async with fetcher(config, handler, clock) as wayback:
            return await wayback.get(CAPTURE, wayback_policies(config).captures)

    page = asyncio.run(go())
    assert (page.status, page.text) == (status, body)
    assert page.headers["memento-datetime"] == MEMENTO["memento-datetime"]
    assert sum(clock.slept) < 0.01  # a captured 429 pauses nothing


@pytest.mark.parametrize(("status", "error"), [(404, NotFound), (200, Blocked)])
def test_without_memento_datetime_the_usual_rules_hold(status: int, error: type[FetchError]) -> None:
    """The archive's own 404 ("not archived") stays NotFound; a challenge without the header is a block; and a
    policy without `mementos` takes a capture's 404 as a 404."""
    clock, config = Clock(), pausing_config()
    body = "<html>Please enable JavaScript</html>" if status == 200 else "Not archived"

    async def go(policy: Policy, headers: dict[str, str]) -> Page:
        handler = lambda r: reply(status, body, headers=headers)  # noqa: E731
        async with fetcher(config, handler, clock) as wayback:
            return await wayback.get(CAPTURE, policy)

    with pytest.raises(error):
        asyncio.run(go(wayback_policies(config).captures, {"content-type": "text/html"}))
    with pytest.raises(error):
        asyncio.run(go(wayback_policies(config).cdx, MEMENTO))


def test_redirects_within_the_archive_are_followed_to_the_capture() -> None:
    """The archive answers a timestamp with a redirect to its nearest capture: the page says where it landed."""
    clock, config = Clock(), pausing_config()
    landed = f"{WB}/web/20190401000000id_/https://www.mid.ru/en/foreign_policy/news/-/asset_publisher/x/content/id/1"

    def handler(request: httpx.Request) -> httpx.Response:
        if str(request.url) == CAPTURE:
            return reply(302, "", {"location": landed})
        return reply(200, "<p>the release</p>", headers=MEMENTO)

    async def go() -> Page:
        async with fetcher(config, handler, clock) as wayback:
            return await wayback.get(CAPTURE, wayback_policies(config).captures)

    page = asyncio.run(go())
    assert (page.url, page.final_url, page.text) == (CAPTURE, landed, "<p>the release</p>")


def test_a_captured_redirect_off_the_archive_is_a_page() -> None:
    """A capture of the site's own redirect, its Location not rewritten to the archive: the capture comes back
    (the importer counts it as a redirect), where a live redirect off the site's hosts is refused."""
    clock, config = Clock(), pausing_config()
    elsewhere = "https://www.mid.ru/en/main/"

    async def go(headers: dict[str, str]) -> Page:
        handler = lambda r: reply(302, "", {"location": elsewhere, **headers})  # noqa: E731
        async with fetcher(config, handler, clock) as wayback:
            return await wayback.get(CAPTURE, wayback_policies(config).captures)

    page = asyncio.run(go(MEMENTO))
    assert (page.status, page.final_url, page.headers["location"]) == (302, CAPTURE, elsewhere)
    with pytest.raises(FetchError, match="redirect to a foreign host"):
        asyncio.run(go({}))


# the web archive's own robots.txt -------------------------------------------------------------------------


@pytest.mark.parametrize("obey", [True, False])
def test_the_web_archive_s_robots_txt_is_obeyed_unless_the_setting_says_not(tmp_path: Path, obey: bool) -> None:
    """A web archive whose robots.txt forbids its CDX index: refused with one line per query naming the
    setting that overrides it; with `obey_robots = false` the import goes on, warned of once."""
    from tests.conftest import FAST_CONFIG
    from tests.sim_mofa import MofaSim
    from tests.simserver import Reply, Request, SimServer
    from tests.test_import_history_resume import DOCS, Tiny, captures

    tiny = Tiny(captures())

    def forbidding(request: Request) -> Reply:
        if request.path == "/robots.txt":
            return Reply(200, "User-agent: *\nDisallow: /cdx/\nDisallow: /web/\n", {"Content-Type": "text/plain"})
        return tiny(request)

    path = tmp_path / "pressroom.toml"
    setting = f"[wayback]\nobey_robots = {str(obey).lower()}\n"
    path.write_text(FAST_CONFIG.replace("[wayback]\n", setting), encoding="utf-8")
    with SimServer(forbidding) as wb, SimServer(MofaSim([])) as site:
        run = Pressroom(tmp_path / "a", path, {"wayback": wb.base_url, "mofa": site.base_url})
        result = run("import-history", "mofa", ok=not obey)
        asked = [r.path for r in wb.log]
    lines = result.stderr.splitlines()
    robots = f"{wb.base_url}/robots.txt"
    host = wb.base_url.removeprefix("http://")
    if obey:
        refused = [line for line in lines if "disallowed by robots.txt" in line]
        assert refused and all(
            line.endswith(
                f"disallowed by robots.txt ({robots}); [wayback] obey_robots = false overrides it (run again to retry)"
            )
            for line in refused
        ), lines
        assert asked == ["/robots.txt"], "nothing the robots.txt forbids was asked"
        assert not [line for line in lines if "will not be obeyed" in line]
    else:
        warned = [line for line in lines if "will not be obeyed" in line]
        assert warned == [f"warning: [wayback] obey_robots = false: robots.txt of {host} will not be obeyed this run"]
        assert "/robots.txt" not in asked and asked.count("/cdx/search/cdx") >= 1
        assert len([p for p in (tmp_path / "a").rglob("*.txt") if p.parent.name.isdigit()]) >= DOCS
