"""The one place that talks to the network: politeness, retries, conditional GET, limits, block detection.

One `Fetcher` (one httpx.AsyncClient) per run. Per host, one request at a time and a minimum interval
between request starts (the larger of the site's setting and robots.txt's Crawl-delay). Redirects are
followed by hand, only within the site's hosts and at most `max_redirects` times, with the client's
cookie jar: mofa.go.kr answers a first visit with a 307 to the same URL plus a cookie, and a client
that drops cookies across redirects loops forever.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import logging
import os
import re
import socket
import ssl
import time
import zlib
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type, stop_after_attempt

from crawler.config import Config
from crawler.errors import Blocked, Disallowed, FetchError, HostBlocked, HostGivenUp, NotFound, RetryExhausted
from crawler.net.blocks import challenge_marker
from crawler.net.charset import decode_html
from crawler.net.robots import RobotsRules, parse_robots
from crawler.wording import count

logger = logging.getLogger(__name__)

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504, 520, 521, 522, 523, 524})
GONE_STATUSES = frozenset({404, 410})


@dataclass(frozen=True)
class Policy:
    """How a site may be fetched."""

    hosts: frozenset[str]  # redirects may only lead to these hosts
    min_interval: float  # seconds between request starts on one host
    obey_robots: bool = True
    legacy_charsets: tuple[str, ...] = ()  # what the site used before UTF-8, tried before detection
    challenge_markers: tuple[str, ...] = ()  # text only the site's anti-bot challenge pages hold


@dataclass(frozen=True)
class Page:
    """A fetched response: 200 with its decoded text, or 304 with none."""

    url: str  # what was asked for
    final_url: str  # after redirects
    status: int
    headers: httpx.Headers
    content: bytes
    text: str
    encoding: str
    fetched_at: datetime
    request_headers: httpx.Headers = field(default_factory=httpx.Headers)

    @property
    def etag(self) -> str | None:
        """The ETag validator, if the server gave one."""
        value: str | None = self.headers.get("etag")
        return value

    @property
    def last_modified(self) -> str | None:
        """The Last-Modified validator, if the server gave one."""
        value: str | None = self.headers.get("last-modified")
        return value


class _Transient(Exception):
    """A failure worth another try."""

    def __init__(
        self, reason: str, *, retry_after: float | None = None, kind: str = "other", status: int | None = None
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after
        self.kind = kind  # "reset", "connect", "timeout", "status" or "other"
        self.status = status


class _Unresolvable(Exception):
    """The host name does not resolve: no retry within seconds will change that (no network, a typo)."""


class _HostGate:
    """One request at a time per host, starts at least `interval` seconds apart."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self.lock = asyncio.Lock()
        self.last_start: float | None = None
        self.given_up: str | None = None  # why the host is skipped for the rest of the run
        self.blocked = False  # whether that is because it blocks us (a challenge as its robots.txt)

    def refuse(self, url: str) -> None:
        """Raise the host's reason if it has been given up for this run."""
        if self.given_up:
            raise (HostBlocked if self.blocked else HostGivenUp)(url, self.given_up)


class Fetcher:
    """Polite, bounded HTTP GETs for one run."""

    def __init__(
        self,
        config: Config,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        ca_bundles: dict[str, str] | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config = config
        self.sleep = sleep
        self.monotonic = monotonic
        self._gates: dict[str, _HostGate] = {}
        self._robots: dict[str, RobotsRules] = {}
        self._robots_locks: dict[str, asyncio.Lock] = {}
        self.requests = 0
        mounts = None
        if transport is None and ca_bundles:
            mounts = {
                f"https://{host}": httpx.AsyncHTTPTransport(verify=_ssl_context(path))
                for host, path in ca_bundles.items()
            }
        self.client = httpx.AsyncClient(
            transport=transport,
            mounts=mounts,
            follow_redirects=False,
            timeout=httpx.Timeout(config.timeout),
            headers={
                "User-Agent": config.user_agent,
                "Accept-Encoding": "gzip, deflate",
                "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            },
        )

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.client.aclose()

    async def get(self, url: str, policy: Policy, *, etag: str | None = None, last_modified: str | None = None) -> Page:
        """GET `url` politely; raise a FetchError subclass when no usable page comes back."""
        host = _host(url)
        gate = self._gate(host, policy.min_interval)
        gate.refuse(url)
        if policy.obey_robots:
            await self._check_robots(url, policy)
        headers = httpx.Headers()
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        return await self._with_retries(url, headers, policy, gate)

    async def _with_retries(self, url: str, headers: httpx.Headers, policy: Policy, gate: _HostGate) -> Page:
        failures: list[_Transient] = []
        retrying = AsyncRetrying(
            stop=stop_after_attempt(max(1, self.config.attempts)),
            wait=self._wait,
            retry=retry_if_exception_type(_Transient),
            sleep=self.sleep,
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    try:
                        return await self._follow(url, headers, policy)
                    except _Transient as exc:
                        failures.append(exc)
                        self._give_up_if_asked(url, gate, exc)
                        if len(failures) < self.config.attempts:  # -v shows why a request takes long
                            logger.debug(
                                "%s: %s; trying again (try %d of %d)",
                                url,
                                exc.reason,
                                len(failures) + 1,
                                self.config.attempts,
                            )
                        raise
        except _Transient as exc:
            raise self._exhausted(url, gate, failures, exc) from None
        raise AssertionError("unreachable")  # pragma: no cover

    def _give_up_if_asked(self, url: str, gate: _HostGate, exc: _Transient) -> None:
        cap = self.config.retry_after_cap
        if exc.retry_after is not None and exc.retry_after > cap:
            gate.given_up = (
                f"{_host(url)} asked to wait {exc.retry_after:.0f} s (cap {cap:.0f} s); "
                "skipping it for the rest of this run"
            )
            raise HostGivenUp(url, gate.given_up, status=exc.status)

    def _exhausted(self, url: str, gate: _HostGate, failures: list[_Transient], last: _Transient) -> FetchError:
        tries = len(failures)
        if failures and all(f.kind == "reset" for f in failures):
            return Blocked(url, f"connection reset on every try ({count(tries, 'try', 'tries')})")
        if failures and all(f.kind == "connect" for f in failures):
            gate.given_up = f"{_host(url)}: unreachable ({last.reason}); not crawling it this run"
            return HostGivenUp(url, gate.given_up)
        return RetryExhausted(url, f"{last.reason} (after {count(tries, 'try', 'tries')})", status=last.status)

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        cap = self.config.retry_after_cap
        if isinstance(exc, _Transient) and exc.retry_after is not None:
            return min(exc.retry_after, cap)
        base = self.config.backoff * (2 ** (state.attempt_number - 1))
        jitter = base * 0.25 * ((time.time_ns() % 1000) / 1000)
        return float(min(cap, base + jitter))

    async def _follow(self, url: str, headers: httpx.Headers, policy: Policy) -> Page:
        current = url
        for _ in range(self.config.max_redirects + 1):
            gate = self._gate(_host(current), policy.min_interval)
            async with self._turn(gate):
                try:
                    status, resp_headers, body, sent = await self._request(current, headers)
                except _Unresolvable as exc:
                    host = _host(current)
                    gate.given_up = f"{host}: cannot resolve the host name ({exc}); not crawling it this run"
                    raise HostGivenUp(url, gate.given_up) from None
            location = resp_headers.get("location")
            if status in REDIRECT_STATUSES and location:
                target = urljoin(current, location.strip())
                if _host(target) not in policy.hosts or urlsplit(target).scheme not in ("http", "https"):
                    raise FetchError(url, f"redirect to a foreign host: {target}", status=status)
                current = target
                continue
            return self._page(url, current, status, resp_headers, body, sent, policy)
        raise FetchError(url, f"more than {self.config.max_redirects} redirects (loop?)")

    @contextlib.asynccontextmanager
    async def _turn(self, gate: _HostGate) -> Any:
        async with gate.lock:
            if gate.last_start is not None:
                wait = gate.last_start + gate.interval - self.monotonic()
                if wait > 0:
                    await self.sleep(wait)
            gate.last_start = self.monotonic()
            yield

    async def _request(self, url: str, headers: httpx.Headers) -> tuple[int, httpx.Headers, bytes, httpx.Headers]:
        self.requests += 1
        try:
            async with asyncio.timeout(self.config.deadline):
                request = self.client.build_request("GET", url, headers=headers)
                response = await self.client.send(request, stream=True)
                try:
                    body = await _read_capped(response, self.config.max_bytes, url)
                finally:
                    await response.aclose()
        except TimeoutError:
            raise _Transient(f"no complete answer within {self.config.deadline:.0f} s", kind="timeout") from None
        except httpx.TimeoutException as exc:
            raise _Transient(f"timeout ({type(exc).__name__})", kind="timeout") from None
        except (httpx.UnsupportedProtocol, httpx.InvalidURL) as exc:
            raise FetchError(url, f"bad URL: {exc}") from None
        except httpx.ConnectError as exc:
            if any(isinstance(e, socket.gaierror) for e in _chain(exc)):
                raise _Unresolvable(_reason(exc)) from None
            kind = "reset" if _is_reset(exc) else "connect"
            raise _Transient(f"cannot connect: {_connect_reason(exc)}", kind=kind) from None
        except (httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError) as exc:
            # A reset (what mid.ru's F5 does to unwelcome clients) differs from a body cut short.
            kind = "reset" if _is_reset(exc) else "broken"
            raise _Transient(f"connection broken: {_reason(exc)}", kind=kind) from None
        except httpx.TransportError as exc:
            raise _Transient(f"transport error: {_reason(exc)}") from None
        status = response.status_code
        if status in RETRY_STATUSES:
            retry_after = parse_retry_after(response.headers.get("retry-after"))
            raise _Transient(f"HTTP {status}", retry_after=retry_after, kind="status", status=status)
        return status, response.headers, body, request.headers

    def _page(
        self,
        url: str,
        final: str,
        status: int,
        headers: httpx.Headers,
        body: bytes,
        sent: httpx.Headers,
        policy: Policy,
    ) -> Page:
        now = datetime.now(UTC)
        if status == 304:
            return Page(url, final, status, headers, b"", "", "", now, sent)
        if status in GONE_STATUSES:
            raise NotFound(url, f"HTTP {status}: the page is gone", status=status)
        if status != 200:
            raise FetchError(url, f"HTTP {status}", status=status)
        text, encoding = decode_html(body, headers.get("content-type", ""), policy.legacy_charsets)
        marker = challenge_marker(text, policy.challenge_markers)
        if marker:
            raise Blocked(url, f"anti-bot challenge page (HTTP 200, marker {marker!r})", status=status)
        if not text.strip():
            raise FetchError(url, "HTTP 200 with an empty body", status=status)
        return Page(url, final, status, headers, body, text, encoding, now, sent)

    def _gate(self, host: str, interval: float) -> _HostGate:
        gate = self._gates.get(host)
        if gate is None:
            gate = self._gates[host] = _HostGate(interval)
        gate.interval = max(gate.interval, interval)
        return gate

    async def _check_robots(self, url: str, policy: Policy) -> None:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        lock = self._robots_locks.setdefault(origin, asyncio.Lock())
        async with lock:
            if origin not in self._robots:
                self._robots[origin] = await self._load_robots(origin, policy)
        rules = self._robots[origin]
        if rules.error is not None:
            # RFC 9309: robots.txt unreachable (5xx, network) means "assume complete disallow": the host was
            # given up for this run when it failed, with the reason; a challenge there means it blocks us.
            self._gate(_host(url), policy.min_interval).refuse(url)
        if rules.crawl_delay:
            self._gate(_host(url), rules.crawl_delay)
        if not rules.allowed(url, self.config.user_agent):
            raise Disallowed(url, f"disallowed by robots.txt ({rules.source})")

    async def _load_robots(self, origin: str, policy: Policy) -> RobotsRules:
        url = origin + "/robots.txt"
        gate = self._gate(_host(url), policy.min_interval)
        try:
            page = await self._with_retries(url, httpx.Headers(), policy, gate)
        except NotFound:
            return RobotsRules.allow_all(f"{url}: none")
        except FetchError as exc:
            if exc.status is not None and 400 <= exc.status < 500 and exc.status not in RETRY_STATUSES:
                return RobotsRules.allow_all(f"{url}: HTTP {exc.status}")
            if not gate.given_up:  # a host that cannot be reached at all has said so already
                gate.given_up = f"{_host(url)}: robots.txt unavailable ({exc.reason}); not crawling it this run"
                gate.blocked = isinstance(exc, Blocked)
            # The engine reports a host given up once, as the run's error; this is the detail for -v.
            logger.debug("%s unavailable (%s): not crawling %s this run", url, exc.reason, origin)
            return RobotsRules.unavailable(url, exc)
        return parse_robots(page.text, source=url)


async def _read_capped(response: httpx.Response, limit: int, url: str) -> bytes:
    """Read a body, decompressing by hand so the cap holds on decompressed bytes (a gzip bomb is one chunk)."""
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    decoder = _decoder(encoding, url)
    out = bytearray()
    async for chunk in response.aiter_raw():
        data = chunk
        while data:
            piece = decoder.decompress(data, limit + 1 - len(out)) if decoder else data
            out += piece
            if len(out) > limit:
                raise FetchError(url, f"response larger than {limit} bytes")
            data = decoder.unconsumed_tail if decoder else b""
    if decoder:
        out += decoder.flush()
        if len(out) > limit:
            raise FetchError(url, f"response larger than {limit} bytes")
    return bytes(out)


def _decoder(encoding: str, url: str) -> Any:
    if encoding in ("identity", ""):
        return None
    if encoding in ("gzip", "x-gzip"):
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if encoding == "deflate":
        return zlib.decompressobj()
    raise FetchError(url, f"unsupported Content-Encoding {encoding!r}")


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date); None if absent or bad."""
    if not value:
        return None
    value = value.strip()
    if re.fullmatch(r"[0-9]{1,10}", value):
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def _host(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def _is_reset(exc: BaseException) -> bool:
    texts = [str(e).lower() for e in _chain(exc)]
    return any("reset" in t or "disconnected without sending a response" in t for t in texts)


def _reason(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text.splitlines()[0][:200]


def _connect_reason(exc: BaseException) -> str:
    """The OS's reason for a failed connect ("Connection refused"), not httpx's "All connection attempts failed"."""
    for cause in _chain(exc):
        if isinstance(cause, OSError) and cause.errno is not None:
            return os.strerror(cause.errno)
    return _reason(exc)


def _chain(exc: BaseException | None) -> Iterator[BaseException]:
    while exc is not None:
        yield exc
        exc = exc.__cause__ or exc.__context__


def _ssl_context(ca_bundle: str) -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.load_verify_locations(cafile=ca_bundle)  # added to the system roots, not instead of them
    return context
