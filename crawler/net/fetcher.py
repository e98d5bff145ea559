"""The fetcher: one run's polite, bounded HTTP GETs, as a request loop composing the parts of `crawler.net`.

One `Fetcher` (one httpx client, see `client`) per run. Each GET goes through its origin's gate (its lane's)
and the robots.txt rules (`politeness`), waits out its group's pause after a 429 (`pauses`), is tried again
on transient failures (`retry`), follows redirects by hand within the site's hosts (`redirects`), reads the
body under the size cap (`body`), decodes it (`charset`) and refuses blocks and error pages (`blocks`), but
for a web archive's captures (`Policy.mementos`); what comes back is a `Page`, or a `FetchError` says why not.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from functools import partial
from urllib.parse import urlsplit

import httpx

from crawler.config import Config
from crawler.errors import FetchError, HostGivenUp, Interrupted, NotFound
from crawler.net.blocks import check_status, check_text
from crawler.net.body import undeclared_gzip
from crawler.net.charset import decode_html
from crawler.net.client import Answer, Transport, get_once, is_memento, make_client
from crawler.net.page import Page
from crawler.net.pauses import PauseGroup
from crawler.net.policy import Policy
from crawler.net.politeness import HostGate, Politeness
from crawler.net.redirects import host_label, origin_key, redirect_target, too_many
from crawler.net.retry import (
    Exhausted,
    Transient,
    Unresolvable,
    backoff_wait,
    exhausted_error,
    retry_transient,
    too_long_a_wait,
)

__all__ = ["Fetcher", "Page", "Policy", "Transport"]

logger = logging.getLogger(__name__)


class Fetcher:
    """Polite, bounded HTTP GETs for one run."""

    def __init__(
        self,
        config: Config,
        *,
        transport: Transport | None = None,
        ca_bundles: dict[str, str] | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        monotonic: Callable[[], float] = time.monotonic,
        stopped: Callable[[], bool] | None = None,
    ) -> None:
        """`stopped()`: whether the run was asked to stop (then no request or retry starts)."""
        self.config = config
        self._stopped = stopped or self._stop_requested
        self._stop_asked = False
        self.sleep = sleep
        self.politeness = Politeness(config.user_agent, sleep=sleep, monotonic=monotonic)
        self.requests = 0
        self.sent: Counter[tuple[str, str]] = Counter()  # (policy lane, request kind) -> requests sent
        self._robots_pages: dict[str, Page] = {}  # origin -> its robots.txt response, until a request takes it
        self._robots_off: set[str] = set()  # origins whose robots.txt a setting turned off, warned of once
        self.client = make_client(config, transport, ca_bundles)

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.client.aclose()

    def stop_requests(self) -> None:
        """Start no request or retry from now on (the fetch process's child hears a stop this way)."""
        self._stop_asked = True

    def _stop_requested(self) -> bool:
        return self._stop_asked

    async def get(self, url: str, policy: Policy, *, etag: str | None = None, last_modified: str | None = None) -> Page:
        """GET `url` politely; raise a FetchError subclass when no usable page comes back."""
        gate = self.politeness.gate(origin_key(url), policy.min_interval, policy.lane)
        gate.refuse(url)
        group = self.politeness.pause_group(policy.pause_group)
        if group is not None:
            group.refuse(url)
        headers = httpx.Headers()
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        try:
            if policy.obey_robots:
                await self.politeness.check_robots(url, policy, self._robots_text)
            elif policy.robots_setting and origin_key(url) not in self._robots_off:
                self._robots_off.add(origin_key(url))
                logger.warning(
                    "warning: %s = false: robots.txt of %s will not be obeyed this run",
                    policy.robots_setting,
                    host_label(url),
                )
            page = await self._with_retries(url, headers, policy, gate)
        except FetchError as exc:
            exc.evidence = (*exc.evidence, *self._robots_read(url))
            raise
        robots = self._robots_read(url)
        return dataclasses.replace(page, evidence=robots) if robots else page

    async def _robots_text(self, url: str, policy: Policy, gate: HostGate) -> str:
        try:
            page = await self._with_retries(
                url, httpx.Headers(), dataclasses.replace(policy, binary=False, max_bytes=0), gate
            )
        except NotFound as exc:  # no robots.txt: its 404 is evidence of that
            if exc.response is not None:
                self._robots_pages[origin_key(url)] = exc.response
            raise
        self._robots_pages[origin_key(url)] = page
        return page.text

    def _robots_read(self, url: str) -> tuple[Page, ...]:
        """The robots.txt response of `url`'s origin if it was read for this request and not yet handed on
        (by origin: a request of another site, in flight meanwhile, does not take it)."""
        page = self._robots_pages.pop(origin_key(url), None)
        return (page,) if page is not None else ()

    async def _with_retries(self, url: str, headers: httpx.Headers, policy: Policy, gate: HostGate) -> Page:
        cap = self.config.retry_after_cap

        def give_up_if_asked(failure: Transient) -> None:
            reason = too_long_a_wait(host_label(url), failure, cap)
            if reason:
                gate.given_up = reason
                raise HostGivenUp(url, reason, status=failure.status)

        try:
            return await retry_transient(
                lambda: self._follow(url, headers, policy),
                url=url,
                attempts=self.config.attempts,
                wait=partial(backoff_wait, backoff=self.config.backoff, cap=cap),
                sleep=self.sleep,
                on_failure=give_up_if_asked,
                stopped=self._stopped,
            )
        except Exhausted as exc:
            error = exhausted_error(url, host_label(url), exc.failures)
            if isinstance(error, HostGivenUp):
                gate.given_up = error.reason
            raise error from None

    async def _follow(self, url: str, headers: httpx.Headers, policy: Policy) -> Page:
        current = url
        for _ in range(self.config.max_redirects + 1):
            answer = await self._request(url, current, headers, policy)
            try:
                target = redirect_target(
                    url, current, answer.status, answer.headers.get("location"), policy.hosts, policy.host_suffixes
                )
            except FetchError:
                if not (policy.mementos and is_memento(answer.headers)):
                    raise
                target = None  # a captured redirect off the archive: the capture, for the caller to judge
            if target is None:
                return self._page(url, current, answer, policy)
            current = target
        raise too_many(url, self.config.max_redirects)

    async def _request(self, url: str, current: str, headers: httpx.Headers, policy: Policy) -> Answer:
        """One GET of `current` (on the way to `url`) in its host's turn. A 429 that pauses the policy's group
        is waited out and the GET sent again: a pause is not one of the tries (see `pauses`)."""
        gate = self.politeness.gate(origin_key(current), policy.min_interval, policy.lane)
        group = self.politeness.pause_group(policy.pause_group)
        while True:
            async with self.politeness.turn(gate, group, self._stopped):
                if self._stopped():  # the stop came while this request waited for its turn
                    raise Interrupted(url, "the run was stopped before this request")
                if group is not None:
                    group.refuse(url)
                started = self.politeness.monotonic()
                try:
                    answer = await self._get_once(url, current, headers, policy, gate)
                except Transient as exc:
                    if group is None or exc.status != 429:
                        raise
                    self._pause(url, current, policy, group, started, exc)
                    continue
            if group is not None:
                group.answered(started)
            return answer

    async def _get_once(self, url: str, current: str, headers: httpx.Headers, policy: Policy, gate: HostGate) -> Answer:
        self.requests += 1
        self.sent[(policy.lane, request_kind(url, current))] += 1
        try:
            return await get_once(
                self.client, current, headers, self.config, policy.max_bytes, mementos=policy.mementos
            )
        except Unresolvable as exc:
            gate.given_up = f"{host_label(current)}: cannot resolve the host name ({exc}); not crawling it this run"
            raise HostGivenUp(url, gate.given_up) from None

    def _pause(
        self, url: str, current: str, policy: Policy, group: PauseGroup, started: float, failure: Transient
    ) -> None:
        """Pause `group` for the 429 that `failure` is (the server's Retry-After if it asks longer, up to the
        cap), or give it up (HostGivenUp) when pauses in a row did not help."""
        asked = min(failure.retry_after or 0.0, self.config.retry_after_cap)
        group.on_429(
            url,
            host_label(current),
            started=started,
            now=self.politeness.monotonic(),
            seconds=max(policy.pause_on_429, asked),
            max_pauses=self.config.wayback_max_pauses,
        )

    def _page(self, url: str, final: str, answer: Answer, policy: Policy) -> Page:
        now = datetime.now(UTC)
        if answer.status == 304:
            return Page(url, final, answer.status, answer.headers, b"", "", "", now, answer.sent)
        if policy.mementos and is_memento(answer.headers):  # a capture, whatever it shows: the caller judges it
            return self._text_page(url, final, answer, policy, now)
        try:
            check_status(url, answer.status)
        except NotFound as exc:  # kept as the evidence of a missing or withdrawn page
            exc.response = Page(url, final, answer.status, answer.headers, answer.body, "", "", now, answer.sent)
            raise
        except FetchError as exc:  # what the refusal says (the web archive's 403 names an exclusion, or not)
            exc.response = self._text_page(url, final, answer, policy, now)
            raise
        if policy.binary and not _is_html(answer.headers):
            return Page(url, final, answer.status, answer.headers, answer.body, "", "", now, answer.sent)
        page = self._text_page(url, final, answer, policy, now)
        check_text(url, page.text, policy.challenge_markers, status=answer.status)
        if policy.binary:
            raise FetchError(url, f"HTTP {answer.status} with an HTML page, not a file")
        return page

    def _text_page(self, url: str, final: str, answer: Answer, policy: Policy, now: datetime) -> Page:
        """The answer as a page of text (a gzip its headers did not declare unwrapped: see `body`)."""
        body = undeclared_gzip(answer.body, policy.max_bytes or self.config.max_bytes, url)
        text, encoding = decode_html(body, answer.headers.get("content-type", ""), policy.legacy_charsets)
        return Page(url, final, answer.status, answer.headers, body, text, encoding, now, answer.sent)


ROBOTS, REDIRECT, REQUEST = "robots.txt", "redirect", "request"


def request_kind(url: str, current: str) -> str:
    """What a GET of `current` on the way to `url` is, as the figures of a run name it: the origin's
    robots.txt, a redirect hop, or the request itself (its retries and the GETs after a 429 pause too)."""
    if urlsplit(current).path == "/robots.txt" and current == url:
        return ROBOTS
    return REDIRECT if current != url else REQUEST


def _is_html(headers: httpx.Headers) -> bool:
    """Whether a response says it is an HTML page (what a challenge or an error page is, not a file)."""
    return "html" in headers.get("content-type", "").lower()
