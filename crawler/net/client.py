"""The HTTP client and one GET on it: what httpx is asked, and its failures put in the fetcher's terms.

Nothing else in pressroom names httpx's transports or exceptions: the pipeline passes a `Transport` (a test's
mock) through, and gets `Page`s and `FetchError`s back.
"""

from __future__ import annotations

import asyncio
import os
import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass

import httpx

from crawler.config import Config
from crawler.errors import FetchError
from crawler.net.body import CappedBody
from crawler.net.retry import RETRY_STATUSES, Transient, Unresolvable, parse_retry_after

Transport = httpx.AsyncBaseTransport  # what a test injects instead of the network


@dataclass(frozen=True)
class Answer:
    """One HTTP answer, its body read whole (decompressed), and the headers that were sent for it."""

    status: int
    headers: httpx.Headers
    body: bytes
    sent: httpx.Headers


def make_client(config: Config, transport: Transport | None, ca_bundles: dict[str, str] | None) -> httpx.AsyncClient:
    """The run's one client: no automatic redirects (followed by hand), a cookie jar, our User-Agent."""
    mounts = None
    if transport is None and ca_bundles:
        mounts = {
            f"https://{host}": httpx.AsyncHTTPTransport(verify=_ssl_context(path)) for host, path in ca_bundles.items()
        }
    return httpx.AsyncClient(
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


async def get_once(
    client: httpx.AsyncClient,
    url: str,
    headers: httpx.Headers,
    config: Config,
    max_bytes: int = 0,
    *,
    mementos: bool = False,
) -> Answer:
    """One GET within the deadline and the size cap (`max_bytes`, else the config's).

    Raises `Transient` for what another try may cure (timeouts, resets, broken connections, 429 and 5xx;
    with `mementos`, not a web archive's capture of such an answer: that is what the page showed),
    `Unresolvable` for a host name that does not resolve, and `FetchError` for a bad URL or a body too large.
    """
    try:
        async with asyncio.timeout(config.deadline):
            request = client.build_request("GET", url, headers=headers)
            response = await client.send(request, stream=True)
            try:
                body = CappedBody(
                    response.headers.get("content-encoding", "identity"), max_bytes or config.max_bytes, url
                )
                async for chunk in response.aiter_raw():
                    body.feed(chunk)
                data = body.finish()
            finally:
                await response.aclose()
    except TimeoutError:
        raise Transient(f"no complete answer within {config.deadline:.0f} s", kind="timeout") from None
    except (httpx.HTTPError, httpx.InvalidURL) as exc:
        raise _failure(url, exc) from None
    status = response.status_code
    if status in RETRY_STATUSES and not (mementos and is_memento(response.headers)):
        retry_after = parse_retry_after(response.headers.get("retry-after"))
        raise Transient(f"HTTP {status}", retry_after=retry_after, kind="status", status=status)
    return Answer(status, response.headers, data, request.headers)


def is_memento(headers: httpx.Headers) -> bool:
    """Whether an answer is a web archive's capture (RFC 7089: it carries Memento-Datetime)."""
    return "memento-datetime" in headers


def _failure(url: str, exc: httpx.HTTPError | httpx.InvalidURL) -> Exception:
    """httpx's exception as the fetcher's: worth another try, an unknown host, or a bad URL."""
    if isinstance(exc, httpx.TimeoutException):
        return Transient(f"timeout ({type(exc).__name__})", kind="timeout")
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return FetchError(url, f"bad URL: {exc}")
    if isinstance(exc, httpx.ConnectError):
        if any(isinstance(e, socket.gaierror) for e in _chain(exc)):
            return Unresolvable(_reason(exc))
        return Transient(f"cannot connect: {_connect_reason(exc)}", kind="reset" if _is_reset(exc) else "connect")
    if isinstance(exc, httpx.ReadError | httpx.WriteError | httpx.RemoteProtocolError):
        # A reset (what anti-bot firewalls do to unwelcome clients) differs from a body cut short.
        return Transient(f"connection broken: {_reason(exc)}", kind="reset" if _is_reset(exc) else "broken")
    if isinstance(exc, httpx.TransportError):
        return Transient(f"transport error: {_reason(exc)}")
    raise exc


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
