"""crawler.net.fetcher against real sockets on 127.0.0.1: politeness, retries, limits, block detection."""

from __future__ import annotations

import asyncio
import gzip
from collections.abc import Callable
from dataclasses import replace

import pytest

from crawler.config import Config
from crawler.errors import Blocked, Disallowed, FetchError, HostGivenUp, NotFound, RetryExhausted
from crawler.net.fetcher import Fetcher, Page, Policy
from crawler.sites.mid import SITE as MID
from tests.simserver import Reply, Request, SimServer

CONFIG = Config(sites={}, contact="tests@example.invalid", attempts=3, backoff=0.01, timeout=2, deadline=3)
HOSTS = frozenset({"127.0.0.1"})


def fetch(
    app: Callable[[Request], Reply],
    path: str = "/page",
    *,
    config: Config = CONFIG,
    interval: float = 0.0,
    robots: bool = False,
    markers: tuple[str, ...] = (),
    **kwargs: str,
) -> tuple[Page, SimServer]:
    with SimServer(app) as server:

        async def go() -> Page:
            async with Fetcher(config) as fetcher:
                return await fetcher.get(
                    server.base_url + path, Policy(HOSTS, interval, robots, challenge_markers=markers), **kwargs
                )

        return asyncio.run(go()), server


def replies(*sequence: Reply) -> Callable[[Request], Reply]:
    queue = list(sequence)

    def app(request: Request) -> Reply:
        return queue.pop(0) if len(queue) > 1 else queue[0]

    return app


def test_user_agent_names_tool_and_contact() -> None:
    _, server = fetch(replies(Reply(200, "<p>ok</p>")))
    assert server.log[0].headers["user-agent"].startswith("pressroom/")
    assert "contact: tests@example.invalid" in server.log[0].headers["user-agent"]


def test_retries_transient_failures_then_succeeds() -> None:
    page, server = fetch(replies(Reply(503, "busy"), Reply(action="reset"), Reply(200, "<p>ok</p>")))
    assert page.text == "<p>ok</p>" and len(server.log) == 3


def test_gives_up_after_the_configured_tries() -> None:
    with pytest.raises(RetryExhausted, match=r"HTTP 502 \(after 3 tries\)"):
        fetch(replies(Reply(502, "bad gateway")))


def test_reset_on_every_try_is_blocked() -> None:
    with pytest.raises(Blocked, match="connection reset on every try"):
        fetch(replies(Reply(action="reset")))


def test_retry_after_beyond_the_cap_gives_the_host_up() -> None:
    config = replace(CONFIG, retry_after_cap=5)
    with pytest.raises(HostGivenUp, match="asked to wait 3600 s"):
        fetch(replies(Reply(429, "slow down", {"Retry-After": "3600"})), config=config)


def test_retry_after_is_honoured() -> None:
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    with SimServer(replies(Reply(429, "slow", {"Retry-After": "7"}), Reply(200, "<p>ok</p>"))) as server:

        async def go() -> Page:
            async with Fetcher(CONFIG, sleep=sleep) as fetcher:
                return await fetcher.get(server.base_url + "/x", Policy(HOSTS, 0.0, False))

        assert asyncio.run(go()).status == 200
    assert 7.0 in slept


def test_not_found() -> None:
    with pytest.raises(NotFound, match="HTTP 404"):
        fetch(replies(Reply(404, "gone")))


def test_challenge_page_with_200_is_blocked() -> None:
    challenge = '<html><head><script>window["bobcmn"] = "10111";</script><script src="/TSPD/08e?type=9"></script>'
    with pytest.raises(Blocked, match="anti-bot challenge"):
        fetch(replies(Reply(200, challenge)), markers=MID.challenge_markers)
    page, _ = fetch(replies(Reply(200, challenge)))  # the markers are that site's: elsewhere a page like any
    assert page.text == challenge


def test_empty_200_is_an_error() -> None:
    with pytest.raises(FetchError, match="empty body"):
        fetch(replies(Reply(200, "   ")))


def test_redirect_to_a_foreign_host_is_not_followed() -> None:
    with pytest.raises(FetchError, match="redirect to a foreign host: https://evil.example/x"):
        fetch(replies(Reply(302, "", {"Location": "https://evil.example/x"})))


def test_redirect_loop_is_bounded() -> None:
    with pytest.raises(FetchError, match="more than 5 redirects"):
        fetch(replies(Reply(307, "", {"Location": "/page"})))


def test_cookie_gate() -> None:
    def gate(request: Request) -> Reply:
        if request.cookie("TMOSHCooKie"):
            return Reply(200, "<p>behind the gate</p>")
        return Reply(307, "", {"Location": request.target, "Set-Cookie": "TMOSHCooKie=abc; Path=/"}, close=True)

    page, server = fetch(gate)
    assert page.text == "<p>behind the gate</p>" and len(server.log) == 2


def test_conditional_get() -> None:
    def app(request: Request) -> Reply:
        if request.headers.get("if-none-match") == '"v1"':
            return Reply(304, "")
        return Reply(200, "<p>x</p>", {"ETag": '"v1"'})

    page, _ = fetch(app, etag='"v1"')
    assert page.status == 304
    page, _ = fetch(app)
    assert (page.status, page.etag) == (200, '"v1"')


def test_size_cap_holds_after_decompression() -> None:
    bomb = gzip.compress(b"<p>" + b"a" * 5_000_000 + b"</p>")
    assert len(bomb) < 20_000
    config = replace(CONFIG, max_bytes=1_000_000)
    with pytest.raises(FetchError, match="larger than 1000000 bytes"):
        fetch(replies(Reply(200, bomb, {"Content-Encoding": "gzip"})), config=config)
    page, _ = fetch(replies(Reply(200, gzip.compress(b"<p>small</p>"), {"Content-Encoding": "gzip"})))
    assert page.text == "<p>small</p>"


def test_total_deadline_stops_a_dripping_server() -> None:
    config = replace(CONFIG, deadline=0.5, attempts=1)
    with pytest.raises(RetryExhausted, match="no complete answer within"):
        fetch(replies(Reply(200, "<p>" + "x" * 200 + "</p>", action="drip")), config=config)


def test_robots_disallow_and_crawl_delay() -> None:
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    def app(request: Request) -> Reply:
        if request.path == "/robots.txt":
            return Reply(200, "User-agent: *\nDisallow: /*?PAGEN\nCrawl-delay: 4\n", {"Content-Type": "text/plain"})
        return Reply(200, "<p>ok</p>")

    with SimServer(app) as server:

        async def go() -> None:
            async with Fetcher(CONFIG, sleep=sleep) as fetcher:
                policy = Policy(HOSTS, 0.0, True)
                await fetcher.get(server.base_url + "/news/", policy)
                with pytest.raises(FetchError, match="disallowed by robots.txt"):
                    await fetcher.get(server.base_url + "/news/?PAGEN_1=2", policy)
                await fetcher.get(server.base_url + "/news/1/", policy)

        asyncio.run(go())
        paths = [r.target for r in server.log]
    assert paths == ["/robots.txt", "/news/", "/news/1/"]
    assert slept and all(s > 3.5 for s in slept), "Crawl-delay 4 spaced the requests"


def test_min_interval_spaces_requests_on_one_host() -> None:
    slept: list[float] = []
    now = [0.0]

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    with SimServer(replies(Reply(200, "<p>ok</p>"))) as server:

        async def go() -> None:
            async with Fetcher(CONFIG, sleep=sleep, monotonic=lambda: now[0]) as fetcher:
                await asyncio.gather(
                    *(fetcher.get(f"{server.base_url}/{i}", Policy(HOSTS, 2.5, False)) for i in range(4))
                )

        asyncio.run(go())
    assert slept == [2.5, 2.5, 2.5]


def test_robots_unavailable_or_blocked_stops_the_host_with_a_reason() -> None:
    from tests.sitegen.mid import CHALLENGE

    for robots_reply, error, reason in (
        (Reply(503, "down"), FetchError, "robots.txt unavailable (HTTP 503 (after 3 tries))"),
        (Reply(200, CHALLENGE), Blocked, "robots.txt unavailable (anti-bot challenge page"),
    ):

        def app(request: Request, robots_reply: Reply = robots_reply) -> Reply:
            return robots_reply if request.path == "/robots.txt" else Reply(200, "<p>ok</p>")

        with pytest.raises(error) as caught:
            fetch(app, robots=True)
        assert reason in str(caught.value)
        assert not isinstance(caught.value, Disallowed), "an outage is not a prohibition"


def test_missing_robots_allows_everything() -> None:
    def app(request: Request) -> Reply:
        return Reply(404, "no") if request.path == "/robots.txt" else Reply(200, "<p>ok</p>")

    page, server = fetch(app, robots=True)
    assert page.text == "<p>ok</p>" and [r.path for r in server.log] == ["/robots.txt", "/page"]
