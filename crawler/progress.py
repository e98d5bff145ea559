"""How far a long run is: a hook the pipeline calls, and its plain form, log lines now and then.

The engine and the backfill only call `add` (more items found) and `advance` (one dealt with); what the
person sees is decided by the CLI: a bar on a terminal (`crawler/cli/term.py`), these log lines otherwise.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Protocol

logger = logging.getLogger(__name__)

PROGRESS_EVERY_S = 10.0  # one line this often: a pipe or a log file gets a pulse, not a flood


class Progress(Protocol):
    """What the pipeline reports as it goes."""

    def add(self, found: int, done: int = 0) -> None:
        """`found` more items to deal with, of which `done` were dealt with before (a resumed backfill)."""

    def advance(self, n: int = 1) -> None:
        """`n` more items dealt with."""


class Rate:
    """Done / found, and the rate and time left, counting only what this run did."""

    def __init__(self, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.monotonic = monotonic
        self.start = monotonic()
        self.found = self.done = self.resumed = 0

    def add(self, found: int, done: int = 0) -> None:
        """More items, some perhaps dealt with by an earlier run."""
        self.found += found
        self.done += done
        self.resumed += done

    def advance(self, n: int = 1) -> None:
        """More items dealt with."""
        self.done += n

    def per_second(self) -> float:
        """Items dealt with per second by this run."""
        return (self.done - self.resumed) / max(self.monotonic() - self.start, 1e-9)

    def eta(self) -> float | None:
        """Seconds left at the rate so far (None before the first item)."""
        rate = self.per_second()
        return (self.found - self.done) / rate if rate > 0 else None


def clock(seconds: float | None) -> str:
    """Seconds as H:MM:SS (or M:SS), `?` when unknown."""
    if seconds is None:
        return "?"
    minutes, secs = divmod(int(seconds + 0.5), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class LogProgress:
    """Progress as an INFO log line every PROGRESS_EVERY_S seconds, and a last one at the end of a long run."""

    def __init__(self, label: str, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.label = label
        self.rate = Rate(monotonic)
        self.last_line = self.rate.start
        self.lines = 0

    def add(self, found: int, done: int = 0) -> None:
        """More items found."""
        self.rate.add(found, done)

    def advance(self, n: int = 1) -> None:
        """More items dealt with: log a line if it is time (or the last item of a run that logged before)."""
        self.rate.advance(n)
        now = self.rate.monotonic()
        finished = self.rate.done >= self.rate.found
        if now - self.last_line >= PROGRESS_EVERY_S or (finished and self.lines):
            self.last_line = now
            self.lines += 1
            rate = self.rate
            logger.info(
                "%s: %d/%d done, %.1f/s, ETA %s",
                self.label,
                rate.done,
                rate.found,
                rate.per_second(),
                clock(rate.eta()),
            )
