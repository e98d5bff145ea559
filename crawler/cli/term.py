"""What a terminal shows while a run goes on: a progress bar on the last line, log lines above it.

A bar is redrawn in place with a carriage return, so anything else written to the terminal would be glued
onto it, and a bar wider than the window wraps and leaves a copy per redraw. Hence one handler writes both:
a log line first erases the bar's line, prints itself with its newline, then redraws the bar below it; and
the bar is cut to the window's width. On a pipe or a file there is no bar, only the plain log lines.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import TextIO

from archive.escape import visible
from crawler.progress import LogProgress, Progress, Rate, clock

ERASE_LINE = "\r\x1b[K"  # back to the start of the line, and clear it
REDRAW_EVERY_S = 0.1  # a bar redrawn on every item would cost more than the items on a fast crawl
BAR_WIDTH = 30


class TerminalHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes log records to stderr; while a status line is shown, above it, and redraws it after."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__(stream)
        self.status = ""  # the status line now on screen ("" when none)
        self.lock_ = threading.RLock()  # log records and bar redraws come from the loop and signal handlers

    def format(self, record: logging.LogRecord) -> str:
        """The record's line, with any control or bidi character from a page (a title) shown escaped."""
        return visible(super().format(record))

    def emit(self, record: logging.LogRecord) -> None:
        """Write the record; with a status line on screen, erase it first and redraw it after."""
        with self.lock_:
            if not self.status:
                super().emit(record)
                return
            try:
                self.stream.write(f"{ERASE_LINE}{self.format(record)}\n{self.status}")
                self.flush()
            except Exception:
                self.handleError(record)

    def show(self, text: str) -> None:
        """Put `text` on the status line (replacing what was there)."""
        with self.lock_:
            self.status = text
            self.stream.write(f"{ERASE_LINE}{text}")
            self.flush()

    def clear(self) -> None:
        """Erase the status line (a bar with nothing to show at the end)."""
        with self.lock_:
            if self.status:
                self.stream.write(ERASE_LINE)
                self.flush()
            self.status = ""

    def done(self) -> None:
        """Leave the status line as it stands and end it, so what follows starts on a line of its own."""
        with self.lock_:
            if self.status:
                self.stream.write("\n")
                self.flush()
            self.status = ""


class Bar:
    """A progress bar (done / found, rate, ETA) drawn through a `TerminalHandler`."""

    def __init__(self, label: str, handler: TerminalHandler, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.label = label
        self.handler = handler
        self.rate = Rate(monotonic)
        self.drawn = float("-inf")

    def add(self, found: int, done: int = 0) -> None:
        """More items found."""
        self.rate.add(found, done)
        self.draw(force=True)

    def advance(self, n: int = 1) -> None:
        """More items dealt with."""
        self.rate.advance(n)
        self.draw(force=self.rate.done >= self.rate.found)

    def draw(self, *, force: bool = False) -> None:
        """Redraw the bar, at most every REDRAW_EVERY_S seconds unless forced."""
        now = self.rate.monotonic()
        if not force and now - self.drawn < REDRAW_EVERY_S:
            return
        self.drawn = now
        self.handler.show(self.render(shutil.get_terminal_size().columns))

    def render(self, columns: int) -> str:
        """The bar's line, cut to fit `columns` (a wrapped line could not be redrawn in place)."""
        rate = self.rate
        if not rate.found:
            return f"{self.label}: looking for items…"[: columns - 1]
        filled = BAR_WIDTH * min(rate.done, rate.found) // rate.found
        bar = "#" * filled + "-" * (BAR_WIDTH - filled)
        line = f"{self.label} [{bar}] {rate.done}/{rate.found}  {rate.per_second():.1f}/s  ETA {clock(rate.eta())}"
        return line[: columns - 1]


def terminal_handler() -> TerminalHandler | None:
    """The handler the CLI set up on a terminal's stderr, if it did (and the terminal can erase a line)."""
    if os.environ.get("TERM") == "dumb":  # Emacs shell buffers and the like: no cursor control
        return None
    for handler in logging.getLogger("crawler").handlers:
        if isinstance(handler, TerminalHandler) and handler.stream.isatty():
            return handler
    return None


@contextlib.contextmanager
def progress_display(label: str) -> Iterator[Progress | None]:
    """A bar on a terminal, log lines every few seconds otherwise, nothing with --quiet."""
    if not logging.getLogger("crawler").isEnabledFor(logging.INFO):
        yield None
        return
    handler = terminal_handler()
    if handler is None:
        yield LogProgress(label)
        return
    bar = Bar(label, handler)
    bar.draw(force=True)
    try:
        yield bar
    finally:
        if bar.rate.found:
            bar.draw(force=True)
            handler.done()
        else:  # nothing was found: "looking for items…" would stay on the screen as if it still were
            handler.clear()


def log_handler(stream: TextIO | None = None) -> logging.Handler:
    """The handler for pressroom's log records on stderr: plain lines, a status line kept below them."""
    handler = TerminalHandler(stream or sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    return handler
