"""A request to stop a run early, and what asked for it: set by a signal handler or another thread.

Two steps, as a terminal user expects: the first request (`set`) lets the document in hand finish, and no
new request or retry starts; the second (`hurry`) cancels what is still in flight.
"""

from __future__ import annotations

import threading
from collections.abc import Callable


class Stop:
    """Set once to ask the runs holding it to finish the document in hand, record themselves and end."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._reason: str | None = None
        self._hurried = False
        self._on_set: list[Callable[[], None]] = []
        self._on_hurry: list[Callable[[], None]] = []

    def set(self, reason: str | None = None) -> None:
        """Ask for the stop; `reason` (a signal's name) goes into the run's report."""
        if reason is not None:  # the latest signal names the stop, as it did before
            self._reason = reason
        first = not self._event.is_set()
        self._event.set()
        if first:
            for callback in list(self._on_set):
                callback()

    def hurry(self, reason: str | None = None) -> None:
        """Ask for the stop at once: what is in flight is cancelled (the callbacks of `when_hurried` run once)."""
        self.set(reason)
        if not self._hurried:
            self._hurried = True
            for callback in list(self._on_hurry):
                callback()

    def when_set(self, callback: Callable[[], None]) -> None:
        """Call `callback` when the stop is first asked for (now, if it already was); it must not block: it
        may run in a signal handler."""
        self._on_set.append(callback)
        if self._event.is_set():
            callback()

    def when_hurried(self, callback: Callable[[], None]) -> None:
        """Call `callback` when the stop is hurried (now, if it already was); it must not block either."""
        self._on_hurry.append(callback)
        if self._hurried:
            callback()

    def forget(self, callback: Callable[[], None]) -> None:
        """Call `callback` no more (a fetcher that has closed)."""
        for callbacks in (self._on_set, self._on_hurry):
            if callback in callbacks:
                callbacks.remove(callback)

    def is_set(self) -> bool:
        """Whether a stop was asked for."""
        return self._event.is_set()

    @property
    def hurried(self) -> bool:
        """Whether the stop was asked for twice: nothing in flight is waited for."""
        return self._hurried

    @property
    def reason(self) -> str:
        """What asked for the stop, for the run's report ("stop" when nothing said)."""
        return self._reason or "stop"
