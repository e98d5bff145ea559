"""The network layer's parts, each on its own and without sockets: retries, redirects, bodies, blocks,
politeness and robots.txt, the client's failures. (tests/test_http.py has them together on real sockets.)"""

from __future__ import annotations

import asyncio
import gzip
import socket
import zlib
from collections.abc import AsyncIterator, Callable

import httpx
import pytest

from crawler.config import Config
from crawler.errors import Blocked, Disallowed, FetchError, HostBlocked, HostGivenUp, NotFound, RetryExhausted
from crawler.net.blocks import check_status, check_text
from crawler.net.body import CappedBody
from crawler.net.client import Answer, _failure, get_once, make_client
from crawler.net.policy import Policy
from crawler.net.politeness import HostGate, Politeness
from crawler.net.redirects import origin_key, redirect_target
from crawler.net.retry import (
    Exhausted,
    Transient,
    Unresolvable,
    backoff_wait,
    exhausted_error,
    retry_transient,
    too_long_a_wait,
)

URL = "https://www.example.org/news/1"
HOSTS = frozenset({"www.example.org", "example.org"})
POLICY = Policy(HOSTS, 1.0)
CONFIG = Config(sites={}, contact="tests@example.invalid", attempts=3, max_bytes=1000, deadline=5)


class Clock:
    """A fake monotonic clock that the fake sleeper advances; what was slept is kept."""

    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


# retry ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("failure", "tries", "low", "high"),
    [
        (Transient("HTTP 429", retry_after=7.0), 1, 7.0, 7.0),  # the server's word
        (Transient("HTTP 503", retry_after=500.0), 1, 60.0, 60.0),  # up to the cap
        (Transient("reset"), 1, 2.0, 2.5),  # backoff, plus up to a quarter of jitter
        (Transient("reset"), 3, 8.0, 10.0),  # doubled per try
        (Transient("reset"), 10, 60.0, 60.0),  # never past the cap
        (None, 2, 4.0, 5.0),
    ],
)
def test_backoff_wait(failure: Transient | None, tries: int, low: float, high: float) -> None:
    assert low <= backoff_wait(failure, tries, backoff=2.0, cap=60.0) <= high


def test_a_wait_beyond_the_cap_gives_the_host_up() -> None:
    assert too_long_a_wait("h", Transient("HTTP 429", retry_after=30.0), 60.0) is None
    assert too_long_a_wait("h", Transient("reset"), 60.0) is None
    assert too_long_a_wait("h", Transient("HTTP 429", retry_after=3600.0), 60.0) == (
        "h asked to wait 3600 s (cap 60 s); skipping it for the rest of this run"
    )


@pytest.mark.parametrize(
    ("kinds", "error", "reason"),
    [
        (["reset", "reset", "reset"], Blocked, "connection reset on every try (3 tries)"),
        (["connect", "connect"], HostGivenUp, "h: unreachable (last); not crawling it this run"),
        (["reset", "connect", "timeout"], RetryExhausted, "last (after 3 tries)"),
        (["status"], RetryExhausted, "last (after 1 try)"),
    ],
)
def test_what_failing_every_try_amounts_to(kinds: list[str], error: type[FetchError], reason: str) -> None:
    failures = [Transient("first" if i < len(kinds) - 1 else "last", kind=k) for i, k in enumerate(kinds)]
    got = exhausted_error(URL, "h", failures)
    assert type(got) is error and got.reason == reason and got.url == URL


def run_retries(
    outcomes: list[object], on_failure: Callable[[Transient], None] = lambda f: None
) -> tuple[object, Clock, int]:
    """retry_transient over a call that raises or returns each outcome in turn."""
    clock, calls = Clock(), []

    async def call() -> object:
        calls.append(1)
        outcome = outcomes[len(calls) - 1]
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    async def go() -> object:
        return await retry_transient(
            call, url=URL, attempts=3, wait=lambda f, n: float(n), sleep=clock.sleep, on_failure=on_failure
        )

    try:
        result: object = asyncio.run(go())
    except Exception as exc:
        result = exc
    return result, clock, len(calls)


def test_retries_transient_failures_until_one_succeeds() -> None:
    result, clock, calls = run_retries([Transient("a"), Transient("b"), "page"])
    assert (result, clock.slept, calls) == ("page", [1.0, 2.0], 3)


def test_retries_run_out_with_every_failure_in_order() -> None:
    result, clock, calls = run_retries([Transient("a"), Transient("b"), Transient("c")])
    assert isinstance(result, Exhausted) and [f.reason for f in result.failures] == ["a", "b", "c"]
    assert (clock.slept, calls) == ([1.0, 2.0], 3)


def test_other_errors_are_not_retried_and_a_failure_hook_may_stop_the_tries() -> None:
    result, _, calls = run_retries([NotFound(URL, "gone"), "page"])
    assert isinstance(result, NotFound) and calls == 1

    def stop(failure: Transient) -> None:
        raise HostGivenUp(URL, "asked to wait too long")

    result, clock, calls = run_retries([Transient("a", retry_after=9e9), "page"], on_failure=stop)
    assert isinstance(result, HostGivenUp) and calls == 1 and clock.slept == []


# redirects ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "location", "expected"),
    [
        (200, "/elsewhere", None),
        (302, None, None),
        (307, "/news/1?x=1", "https://www.example.org/news/1?x=1"),  # relative, on the same host
        (301, " https://example.org/news/1 ", "https://example.org/news/1"),  # another of the site's hosts
        (308, "http://www.example.org/a", "http://www.example.org/a"),
    ],
)
def test_redirect_target(status: int, location: str | None, expected: str | None) -> None:
    assert redirect_target(URL, URL, status, location, HOSTS) == expected


@pytest.mark.parametrize("location", ["https://evil.example/x", "ftp://www.example.org/x", "//evil.example/"])
def test_a_redirect_off_the_site_is_refused(location: str) -> None:
    with pytest.raises(FetchError, match="redirect to a foreign host") as caught:
        redirect_target(URL, URL + "?hop=2", 302, location, HOSTS)
    assert caught.value.url == URL and caught.value.status == 302


# body -----------------------------------------------------------------------------------------------------


def read(encoding: str, data: bytes, limit: int = 1000, chunk: int = 7) -> bytes:
    body = CappedBody(encoding, limit, URL)
    for i in range(0, len(data), chunk):
        body.feed(data[i : i + chunk])
    return body.finish()


@pytest.mark.parametrize(
    ("encoding", "encode"),
    [
        ("identity", lambda b: b),
        ("", lambda b: b),
        ("gzip", gzip.compress),
        (" X-GZIP ", gzip.compress),
        ("deflate", zlib.compress),
    ],
)
def test_bodies_are_decompressed(encoding: str, encode: Callable[[bytes], bytes]) -> None:
    text = b"<p>release</p>" * 50
    assert read(encoding, encode(text)) == text


def test_the_cap_holds_on_the_decompressed_bytes() -> None:
    assert read("gzip", gzip.compress(b"x" * 1000)) == b"x" * 1000  # exactly the limit
    bomb = gzip.compress(b"\0" * 10_000_000)  # ~10 kB that would become 10 MB
    body = CappedBody("gzip", 1000, URL)
    with pytest.raises(FetchError, match="response larger than 1000 bytes"):
        body.feed(bomb)  # one chunk: refused without inflating all of it
    with pytest.raises(FetchError, match="larger than 1000"):
        read("identity", b"x" * 1001)


def test_an_unknown_content_encoding_is_an_error() -> None:
    with pytest.raises(FetchError, match="unsupported Content-Encoding 'br'"):
        CappedBody("br", 1000, URL)


# blocks ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "error", "reason"),
    [
        (404, NotFound, "HTTP 404: the page is gone"),
        (410, NotFound, "HTTP 410: the page is gone"),
        (403, FetchError, "HTTP 403"),
        (302, FetchError, "HTTP 302"),  # a redirect without a Location
    ],
)
def test_statuses_that_are_no_page(status: int, error: type[FetchError], reason: str) -> None:
    with pytest.raises(error) as caught:
        check_status(URL, status)
    assert type(caught.value) is error and caught.value.reason == reason and caught.value.status == status


def test_a_200_is_a_page() -> None:
    check_status(URL, 200)
    check_text(URL, "<p>Request Rejected by the council</p>", ())


def test_challenge_and_empty_pages_served_with_200() -> None:
    with pytest.raises(Blocked, match="anti-bot challenge page \\(HTTP 200, marker 'TSPD_101'\\)"):
        check_text(URL, "<script>TSPD_101</script>" + "x" * 50_000, ("TSPD_101",))
    with pytest.raises(Blocked, match="marker 'Please enable JavaScript'"):
        check_text(URL, "<noscript>Please enable JavaScript</noscript>", ())
    with pytest.raises(FetchError, match="HTTP 200 with an empty body"):
        check_text(URL, " \n\t", ())


# politeness -----------------------------------------------------------------------------------------------


def test_turns_on_one_host_are_spaced_and_other_hosts_do_not_wait() -> None:
    clock = Clock()
    polite = Politeness("pressroom/1", sleep=clock.sleep, monotonic=clock.monotonic)

    async def go() -> list[tuple[str, float]]:
        starts: list[tuple[str, float]] = []

        async def one(host: str) -> None:
            async with polite.turn(polite.gate(host, 2.0)):
                starts.append((host, clock.now))

        await asyncio.gather(one("a"), one("a"), one("b"), one("a"))
        return starts

    starts = asyncio.run(go())
    assert [t for h, t in starts if h == "a"] == [100.0, 102.0, 104.0]
    assert clock.slept == [2.0, 2.0]  # b went at once, between a's turns


def test_a_gate_keeps_the_longest_interval_it_was_given() -> None:
    polite = Politeness("pressroom/1", monotonic=lambda: 0.0)
    gate = polite.gate("a", 1.0)
    assert polite.gate("a", 5.0) is gate and gate.interval == 5.0
    assert polite.gate("a", 0.5).interval == 5.0


def test_a_host_given_up_refuses_every_url_with_its_reason() -> None:
    gate = HostGate(1.0)
    gate.refuse(URL)
    gate.given_up = "h: unreachable; not crawling it this run"
    with pytest.raises(HostGivenUp, match="unreachable") as caught:
        gate.refuse(URL)
    assert not isinstance(caught.value, Blocked)
    gate.blocked = True
    with pytest.raises(HostBlocked):
        gate.refuse(URL)


RobotsAnswer = str | FetchError


def robots(answer: RobotsAnswer, *urls: str) -> tuple[Politeness, list[str], list[object]]:
    """Check `urls` against a robots.txt that `answer` gives; what each check raised (or None), and the fetches."""
    polite = Politeness("pressroom/0.1 (contact: x)", monotonic=lambda: 0.0)
    fetched: list[str] = []

    async def fetch(url: str, policy: Policy, gate: HostGate) -> str:
        fetched.append(url)
        await asyncio.sleep(0)  # let the other checks queue up behind the first
        if isinstance(answer, FetchError):
            raise answer
        return answer

    async def check(url: str) -> object:
        try:
            await polite.check_robots(url, POLICY, fetch)
        except FetchError as exc:
            return exc
        return None

    async def go() -> list[object]:
        return list(await asyncio.gather(*(check(u) for u in urls)))

    return polite, fetched, asyncio.run(go())


def test_robots_txt_is_read_once_per_origin_and_obeyed() -> None:
    text = "User-agent: *\nDisallow: /private/\nCrawl-delay: 7\n"
    polite, fetched, results = robots(text, URL, "https://www.example.org/private/1", URL)
    assert fetched == ["https://www.example.org/robots.txt"]
    assert results[0] is None and results[2] is None
    assert isinstance(results[1], Disallowed) and "robots.txt" in results[1].reason
    assert polite.gate(origin_key(URL), 1.0).interval == 7.0  # Crawl-delay raises the site's interval


def test_robots_txt_for_our_token_only() -> None:
    _, _, results = robots("User-agent: pressroom\nDisallow: /\n\nUser-agent: *\nAllow: /\n", URL)
    assert isinstance(results[0], Disallowed)


@pytest.mark.parametrize(
    ("answer", "allowed"),
    [
        (NotFound("https://www.example.org/robots.txt", "gone", status=404), True),
        (FetchError("https://www.example.org/robots.txt", "HTTP 403", status=403), True),
    ],
)
def test_no_robots_txt_allows_everything(answer: FetchError, allowed: bool) -> None:
    _, _, results = robots(answer, URL, URL)
    assert results == [None, None]


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        (RetryExhausted("https://www.example.org/robots.txt", "HTTP 503 (after 3 tries)", status=503), HostGivenUp),
        (Blocked("https://www.example.org/robots.txt", "anti-bot challenge page", status=200), HostBlocked),
    ],
)
def test_an_unreadable_robots_txt_gives_the_host_up_with_its_reason(answer: FetchError, error: type) -> None:
    polite, fetched, results = robots(answer, URL, "https://www.example.org/2")
    assert len(fetched) == 1
    assert all(type(r) is error for r in results)
    assert all(
        isinstance(r, FetchError)
        and r.reason == f"www.example.org: robots.txt unavailable ({answer.reason}); not crawling it this run"
        for r in results
    )


# client ---------------------------------------------------------------------------------------------------


def connect_error(cause: BaseException) -> httpx.ConnectError:
    try:
        try:
            raise cause
        except BaseException as exc:
            raise httpx.ConnectError("All connection attempts failed") from exc
    except httpx.ConnectError as error:
        return error


@pytest.mark.parametrize(
    ("exc", "kind", "reason"),
    [
        (httpx.ReadTimeout("slow"), "timeout", "timeout (ReadTimeout)"),
        (connect_error(ConnectionRefusedError(111, "refused")), "connect", "cannot connect: Connection refused"),
        (connect_error(ConnectionResetError(104, "reset")), "reset", "cannot connect: Connection reset by peer"),
        (
            httpx.ReadError("[Errno 104] Connection reset by peer"),
            "reset",
            "connection broken: [Errno 104] Connection reset by peer",
        ),
        (httpx.RemoteProtocolError("peer closed connection"), "broken", "connection broken: peer closed connection"),
        (httpx.ProxyError("no proxy"), "other", "transport error: no proxy"),
    ],
)
def test_httpx_failures_worth_another_try(exc: httpx.HTTPError, kind: str, reason: str) -> None:
    failure = _failure(URL, exc)
    assert isinstance(failure, Transient) and (failure.kind, failure.reason) == (kind, reason)


def test_httpx_failures_no_try_will_cure() -> None:
    assert isinstance(_failure(URL, connect_error(socket.gaierror(-2, "Name or service not known"))), Unresolvable)
    bad = _failure(URL, httpx.UnsupportedProtocol("Request URL has an unsupported protocol 'gopher://'."))
    assert isinstance(bad, FetchError) and bad.reason.startswith("bad URL: ")


Handler = Callable[[httpx.Request], httpx.Response]


class Chunks(httpx.AsyncByteStream):
    """A response body as a server's chunks (httpx reads `content=` at once, which the fetcher never sees)."""

    def __init__(self, data: bytes, size: int = 100) -> None:
        self.chunks = [data[i : i + size] for i in range(0, len(data), size)]

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self.chunks:
            yield chunk


def get(handler: Handler, config: Config = CONFIG) -> Answer:
    async def go() -> Answer:
        async with make_client(config, httpx.MockTransport(handler), None) as client:
            return await get_once(client, URL, httpx.Headers({"If-None-Match": '"v1"'}), config)

    return asyncio.run(go())


def test_one_get_sends_our_headers_and_reads_the_body_decompressed() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, headers={"Content-Encoding": "gzip"}, stream=Chunks(gzip.compress(b"<p>ok</p>")))

    answer = get(handler)
    assert (answer.status, answer.body) == (200, b"<p>ok</p>")
    assert answer.sent["if-none-match"] == '"v1"' and answer.sent["user-agent"].startswith("pressroom/")
    assert seen[0].headers["accept-encoding"] == "gzip, deflate"


def test_retry_statuses_are_transient_with_their_retry_after() -> None:
    with pytest.raises(Transient) as caught:
        get(lambda request: httpx.Response(429, headers={"Retry-After": "12"}, stream=Chunks(b"slow down")))
    assert (caught.value.kind, caught.value.status, caught.value.retry_after) == ("status", 429, 12.0)
    answer = get(lambda request: httpx.Response(404, stream=Chunks(b"no")))  # not worth a retry: the caller decides
    assert answer.status == 404


def test_a_body_over_the_cap_is_refused() -> None:
    with pytest.raises(FetchError, match="larger than 1000 bytes"):
        get(lambda request: httpx.Response(200, stream=Chunks(b"x" * 1001)))


def test_the_deadline_covers_the_whole_answer() -> None:
    class Drip(httpx.AsyncByteStream):
        async def __aiter__(self) -> AsyncIterator[bytes]:
            while True:  # a byte at a time, never done
                yield b"x"
                await asyncio.sleep(0.05)

    config = Config(sites={}, contact="tests@example.invalid", deadline=1, max_bytes=10_000_000)
    with pytest.raises(Transient, match="no complete answer within 1 s") as caught:
        get(lambda request: httpx.Response(200, stream=Drip()), config)
    assert caught.value.kind == "timeout"
