"""Retries: which failures are worth another try, how long to wait before it, and what they add up to.

On tenacity. A `Retry-After` the server sends is honoured up to a cap (a longer one gives the host up for
the run: see `too_long_a_wait`); otherwise the wait doubles from the configured backoff, with jitter.
"""

from __future__ import annotations

import email.utils
import logging
import re
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TypeVar

from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type, stop_after_attempt

from crawler.errors import Blocked, FetchError, HostGivenUp, Interrupted, RetryExhausted
from crawler.wording import count

logger = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504, 520, 521, 522, 523, 524})

T = TypeVar("T")


class Transient(Exception):
    """A failure worth another try."""

    def __init__(
        self, reason: str, *, retry_after: float | None = None, kind: str = "other", status: int | None = None
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after
        self.kind = kind  # "reset", "connect", "timeout", "broken", "status" or "other"
        self.status = status


class Unresolvable(Exception):
    """The host name does not resolve: no retry within seconds will change that (no network, a typo)."""


class Exhausted(Exception):
    """Every try failed with a `Transient` failure; `failures` in the order they came."""

    def __init__(self, failures: list[Transient]) -> None:
        super().__init__(failures[-1].reason)
        self.failures = failures


async def retry_transient(
    call: Callable[[], Awaitable[T]],
    *,
    url: str,
    attempts: int,
    wait: Callable[[BaseException | None, int], float],
    sleep: Callable[[float], Awaitable[None]],
    on_failure: Callable[[Transient], None] = lambda exc: None,
    stopped: Callable[[], bool] = lambda: False,
) -> T:
    """Await `call()` until it returns, raises other than `Transient`, or `attempts` tries failed (`Exhausted`).

    `wait(failure, tries so far)` gives the pause before the next try; `on_failure` sees each failure first
    and may raise to stop trying at once. Once `stopped()`, no try starts and a failed one ends it all with
    `Interrupted`: a request the stop cut short is no failure of the site.
    """
    failures: list[Transient] = []
    try_once = _unless_stopped(call, url, stopped)
    retrying = AsyncRetrying(
        stop=stop_after_attempt(max(1, attempts)),
        wait=lambda state: wait(_failure_of(state), state.attempt_number),
        retry=retry_if_exception_type(Transient),
        sleep=sleep,
        reraise=True,
    )
    try:
        async for attempt in retrying:
            with attempt:
                try:
                    return await try_once()
                except Transient as exc:
                    failures.append(exc)
                    _after_failure(exc, url, len(failures), attempts, stopped, on_failure)
                    raise
    except Transient:
        raise Exhausted(failures) from None
    raise AssertionError("unreachable")  # pragma: no cover


def _after_failure(
    exc: Transient,
    url: str,
    tries: int,
    attempts: int,
    stopped: Callable[[], bool],
    on_failure: Callable[[Transient], None],
) -> None:
    """What a failed try leads to: `Interrupted` once `stopped()`, else `on_failure`'s say and a debug line."""
    if stopped():
        raise Interrupted(url, f"{exc.reason}; the run was stopped, so not tried again") from None
    on_failure(exc)
    if tries < attempts:  # -v shows why a request takes long
        logger.debug("%s: %s; trying again (try %d of %d)", url, exc.reason, tries + 1, attempts)


def _unless_stopped(
    call: Callable[[], Awaitable[T]], url: str, stopped: Callable[[], bool]
) -> Callable[[], Awaitable[T]]:
    """`call`, refused with `Interrupted` once `stopped()`."""

    async def try_once() -> T:
        if stopped():
            raise Interrupted(url, "the run was stopped before this request")
        return await call()

    return try_once


def _failure_of(state: RetryCallState) -> BaseException | None:
    return state.outcome.exception() if state.outcome else None


def backoff_wait(failure: BaseException | None, tries: int, *, backoff: float, cap: float) -> float:
    """Seconds to wait after `tries` failed tries: the server's Retry-After up to `cap`, else exponential."""
    if isinstance(failure, Transient) and failure.retry_after is not None:
        return min(failure.retry_after, cap)
    base = backoff * (2 ** (tries - 1))
    jitter = base * 0.25 * ((time.time_ns() % 1000) / 1000)  # clients in step would hit the server in step
    return float(min(cap, base + jitter))


def too_long_a_wait(host: str, failure: Transient, cap: float) -> str | None:
    """Why a host is given up for the run when it asks to wait beyond `cap`; None if it does not."""
    if failure.retry_after is None or failure.retry_after <= cap:
        return None
    return f"{host} asked to wait {failure.retry_after:.0f} s (cap {cap:.0f} s); skipping it for the rest of this run"


def exhausted_error(url: str, host: str, failures: list[Transient]) -> FetchError:
    """What failing every try amounts to: blocked (reset each time), unreachable (a `HostGivenUp`) or exhausted."""
    tries, last = len(failures), failures[-1]
    if all(f.kind == "reset" for f in failures):
        return Blocked(url, f"connection reset on every try ({count(tries, 'try', 'tries')})")
    if all(f.kind == "connect" for f in failures):
        return HostGivenUp(url, f"{host}: unreachable ({last.reason}); not crawling it this run")
    return RetryExhausted(url, f"{last.reason} (after {count(tries, 'try', 'tries')})", status=last.status)


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
