"""Per-host politeness: one request at a time, starts at least an interval apart, robots.txt obeyed.

A "host" here is an origin (scheme, host name, port; `origin_key`), as robots.txt is: two servers on one
machine but different ports keep their own turns, robots.txt and give-up. An origin serving interfaces with
limits of their own (the Wayback Machine's CDX index and captures) has a gate per lane (`Policy.lane`): each
keeps its own turns and interval, and they share the origin's robots.txt and give-up. The interval is the
larger of the site's setting and robots.txt's Crawl-delay. A host is given up for the rest of the run, with its reason,
when it cannot be reached or its robots.txt cannot be read (RFC 9309: an unreachable robots.txt means
complete disallow); every later URL of it is then refused at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

from crawler.errors import Blocked, Disallowed, FetchError, HostBlocked, HostGivenUp, NotFound
from crawler.net.pauses import PauseGroup
from crawler.net.policy import Policy
from crawler.net.redirects import host_label, origin_key, origin_of
from crawler.net.retry import RETRY_STATUSES
from crawler.net.robots import RobotsRules, parse_robots

logger = logging.getLogger(__name__)

PAUSE_STEP_S = 1.0  # a pause is waited out in steps this long, to see a stop or a longer pause


class Standing:
    """Whether an origin was given up for the run (all its lanes), and why."""

    def __init__(self) -> None:
        self.given_up: str | None = None  # why the host is skipped for the rest of the run
        self.blocked = False  # whether that is because it blocks us (a challenge as its robots.txt)


class HostGate:
    """One host's turn-taking (one lane of it): a lock, the last request's start, and whether the host was
    given up (shared by the origin's lanes)."""

    def __init__(self, interval: float, standing: Standing | None = None) -> None:
        self.interval = interval
        self.lock = asyncio.Lock()
        self.last_start: float | None = None
        self.standing = standing or Standing()

    @property
    def given_up(self) -> str | None:
        """Why the host is skipped for the rest of the run, if it is."""
        return self.standing.given_up

    @given_up.setter
    def given_up(self, reason: str | None) -> None:
        self.standing.given_up = reason

    @property
    def blocked(self) -> bool:
        """Whether the host was given up because it blocks us (a challenge as its robots.txt)."""
        return self.standing.blocked

    @blocked.setter
    def blocked(self, value: bool) -> None:
        self.standing.blocked = value

    def refuse(self, url: str) -> None:
        """Raise the host's reason if it has been given up for this run."""
        if self.given_up:
            raise (HostBlocked if self.blocked else HostGivenUp)(url, self.given_up)


# Fetches a robots.txt (its URL, the site's policy, its host's gate) and returns its text, or raises FetchError.
RobotsFetch = Callable[[str, Policy, HostGate], Awaitable[str]]


class Politeness:
    """The run's host gates and robots.txt rules; the clock and the sleeper are injected."""

    def __init__(
        self,
        user_agent: str,
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        monotonic: Callable[[], float],
    ) -> None:
        self.user_agent = user_agent
        self.sleep = sleep
        self.monotonic = monotonic
        self._gates: dict[tuple[str, str], HostGate] = {}
        self._standings: dict[str, Standing] = {}
        self._delays: dict[str, float] = {}  # origin -> robots.txt's Crawl-delay, for every lane of it
        self._robots: dict[str, RobotsRules] = {}
        self._robots_locks: dict[str, asyncio.Lock] = {}
        self._groups: dict[str, PauseGroup] = {}

    def gate(self, origin: str, interval: float, lane: str = "") -> HostGate:
        """The gate of `origin` (an `origin_key`) for `lane`; its interval raised to `interval` (and to the
        origin's Crawl-delay) if that is longer."""
        gate = self._gates.get((origin, lane))
        if gate is None:
            standing = self._standings.setdefault(origin, Standing())
            gate = self._gates[origin, lane] = HostGate(interval, standing)
        gate.interval = max(gate.interval, interval, self._delays.get(origin, 0.0))
        return gate

    def pause_group(self, name: str) -> PauseGroup | None:
        """The pause group called `name` (None for "": a policy in no group)."""
        if not name:
            return None
        return self._groups.setdefault(name, PauseGroup(name))

    @contextlib.asynccontextmanager
    async def turn(
        self, gate: HostGate, group: PauseGroup | None = None, stopped: Callable[[], bool] = lambda: False
    ) -> AsyncIterator[None]:
        """Hold the host for one request, started no sooner than its interval after the last one, nor while
        its pause `group` is paused; a long wait ends early once `stopped()` (the caller then checks)."""
        async with gate.lock:
            await self._wait_out(group, stopped)
            if gate.last_start is not None:
                wait = gate.last_start + gate.interval - self.monotonic()
                if wait > 0:
                    await self.sleep(wait)
            await self._wait_out(group, stopped)  # a pause that began meanwhile
            gate.last_start = self.monotonic()
            yield

    async def _wait_out(self, group: PauseGroup | None, stopped: Callable[[], bool]) -> None:
        """Until `group`'s pause is over (or `stopped()`): a step at a time, since another 429 may lengthen it."""
        while group is not None and not stopped():
            left = group.until - self.monotonic()
            if left <= 0:
                return
            await self.sleep(min(left, PAUSE_STEP_S))

    async def check_robots(self, url: str, policy: Policy, fetch: RobotsFetch) -> None:
        """Raise unless robots.txt lets us fetch `url` (read once per origin, with `fetch`)."""
        origin = origin_key(url)
        lock = self._robots_locks.setdefault(origin, asyncio.Lock())
        async with lock:
            if origin not in self._robots:
                self._robots[origin] = await self._load(origin_of(url), policy, fetch)
        rules = self._robots[origin]
        if rules.error is not None:
            # The host was given up when its robots.txt failed, with the reason; a challenge there blocks us.
            self.gate(origin, policy.min_interval, policy.lane).refuse(url)
        if rules.crawl_delay and rules.crawl_delay > self._delays.get(origin, 0.0):
            self._delays[origin] = rules.crawl_delay
            for (gate_origin, _), gate in self._gates.items():
                if gate_origin == origin:
                    gate.interval = max(gate.interval, rules.crawl_delay)
        if not rules.allowed(url, self.user_agent):
            override = f"; {policy.robots_setting} = false overrides it" if policy.robots_setting else ""
            raise Disallowed(url, f"disallowed by robots.txt ({rules.source}){override}")

    async def _load(self, origin: str, policy: Policy, fetch: RobotsFetch) -> RobotsRules:
        url = origin + "/robots.txt"
        gate = self.gate(origin_key(url), policy.min_interval, policy.lane)
        try:
            text = await fetch(url, policy, gate)
        except NotFound:
            return RobotsRules.allow_all(f"{url}: none")
        except FetchError as exc:
            if exc.status is not None and 400 <= exc.status < 500 and exc.status not in RETRY_STATUSES:
                return RobotsRules.allow_all(f"{url}: HTTP {exc.status}")
            if not gate.given_up:  # a host that cannot be reached at all has said so already
                gate.given_up = f"{host_label(url)}: robots.txt unavailable ({exc.reason}); not crawling it this run"
                gate.blocked = isinstance(exc, Blocked)
            # The engine reports a host given up once, as the run's error; this is the detail for -v.
            logger.debug("%s unavailable (%s): not crawling %s this run", url, exc.reason, origin)
            return RobotsRules.unavailable(url, exc)
        return parse_robots(text, source=url)
