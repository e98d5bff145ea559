"""Pause groups: one 429 holds back every request of a group, whatever its origin or lane.

The Internet Archive answers a client over its limits with 429 and no Retry-After, counts every request of
the client against one allowance, and blocks at its firewall (for an hour, doubling) a client that goes on
for a minute after a 429. So a 429 to any web-archive request (`Policy.pause_group`) pauses them all: from
the moment it came, none starts for `Policy.pause_on_429` seconds (those in flight finish); the request that
got it is then tried again, not counted as one of its tries. A 429 to a request that had started before the
latest pause began belongs to that pause and starts none of its own. After `max_pauses` pauses with no
answer in between to a request started after them, the group is given up for the run.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

from crawler.errors import HostGivenUp
from crawler.wording import count

logger = logging.getLogger(__name__)


@dataclass
class PauseGroup:
    """One group's pause: when it ends and began, how many came in a row, whether the group was given up."""

    name: str
    until: float = -math.inf  # monotonic time the pause ends: no request of the group starts before it
    began: float = -math.inf  # when the latest pause began
    pauses: int = 0  # pauses in a row with no answer in between
    given_up: str | None = None  # why no request of the group goes out for the rest of the run

    def refuse(self, url: str) -> None:
        """Raise the group's reason if it has been given up for this run."""
        if self.given_up:
            raise HostGivenUp(url, self.given_up, status=429)

    def answered(self, started: float) -> None:
        """A request of the group started at `started` got an answer (no 429): pauses no longer come in a
        row, unless that request had started before the latest pause (its answer says nothing of the pause)."""
        if started >= self.began:
            self.pauses = 0

    def on_429(self, url: str, host: str, *, started: float, now: float, seconds: float, max_pauses: int) -> None:
        """A 429 (without Memento-Datetime) came at `now` to the request of `url` started at `started`: pause
        the group for `seconds`, or raise HostGivenUp once `max_pauses` pauses in a row did not help."""
        if started < self.began:
            return  # sent before the latest pause began: that pause is its answer too
        if self.pauses >= max_pauses:
            self.given_up = (
                f"{host} answered 429 again after {count(self.pauses, 'pause')} of {seconds:g} s: "
                f"no more {self.name} requests this run; run again later"
            )
            self.refuse(url)  # the run reports a host given up once, as its error
        self.pauses += 1
        self.began, self.until = now, now + seconds
        logger.warning("%s answered 429: pausing all %s requests for %s s", host, self.name, f"{seconds:g}")
