"""A request to stop a run early, and what asked for it: set by a signal handler or another thread."""

from __future__ import annotations

import threading


class Stop:
    """Set once to ask the runs holding it to finish the document in hand, record themselves and end."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._reason: str | None = None

    def set(self, reason: str | None = None) -> None:
        """Ask for the stop; `reason` (a signal's name) goes into the run's report."""
        if reason is not None:  # the latest signal names the stop, as it did before
            self._reason = reason
        self._event.set()

    def is_set(self) -> bool:
        """Whether a stop was asked for."""
        return self._event.is_set()

    @property
    def reason(self) -> str:
        """What asked for the stop, for the run's report ("stop" when nothing said)."""
        return self._reason or "stop"
