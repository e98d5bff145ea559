"""Fetching in a second process, so the next releases are on their way while this one is archived.

The child (`child`) runs an ordinary `Fetcher` (every politeness rule, retry and block check lives there,
unchanged); the parent parses and keeps everything that writes: the archive, the catalog, the raw captures.
(Parsing in the child too was measured: the child then became the slower side, and the crawl 16% slower.)
They talk over one pipe: requests go down as small tuples; pages, errors and the child's log lines come back
in order. This module is the parent's side: `FetchProcess` starts the child, sends it requests and settles
each request's future with what comes back, or with `FetcherGone` if the child dies first.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import itertools
import logging
import multiprocessing
import os
from collections import Counter
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, Protocol

from crawler.config import Config
from crawler.errors import FetcherGone
from crawler.net.child import child_main
from crawler.net.fetcher import Fetcher
from crawler.net.page import Page
from crawler.net.policy import Policy

logger = logging.getLogger(__name__)

CLOSE_TIMEOUT_S = 10.0
EXIT_WAIT_S = 2.0  # for the exit status of a child whose pipe closed, to name it


class StopRequest(Protocol):
    """A run's stop request, as the fetchers see it (`crawler.pipeline.stop.Stop`)."""

    def is_set(self) -> bool:
        """Whether the stop was asked for."""

    def when_set(self, callback: Callable[[], None]) -> None:
        """Call `callback` (from a signal handler, perhaps) when the stop is first asked for."""

    def forget(self, callback: Callable[[], None]) -> None:
        """Call `callback` no more."""


class FetchProcess:
    """A `Fetcher` in a child process; use as `async with FetchProcess(...) as fetcher`."""

    def __init__(
        self, config: Config, *, ca_bundles: dict[str, str] | None = None, stop: StopRequest | None = None
    ) -> None:
        """Once `stop` is set, the child starts no request or retry (it is told over the pipe)."""
        self.config = config
        self._stop = stop
        self.ca_bundles = ca_bundles or {}
        self.requests = 0
        self.sent: Counter[tuple[str, str]] = Counter()  # as `Fetcher.sent`, as the child last told it
        self._ids = itertools.count(1)
        self._pending: dict[int, asyncio.Future[Any]] = {}
        self._urls: dict[int, str] = {}  # what each pending request asked for, to name it in a failure
        self._dead: str | None = None
        self._conn: Connection | None = None
        self._process: Any = None
        self._loop: asyncio.AbstractEventLoop | None = None

    async def __aenter__(self) -> FetchProcess:
        # fork: the child is ready at once (a fresh interpreter took 0.15 s to start here, up to 1 s on a busy
        # machine: 5-30% of a 500-release crawl). What fork would bring along, the child gives up first
        # thing: every inherited descriptor but its end of the pipe (see child.child_main).
        ctx = multiprocessing.get_context("fork")
        parent, child = ctx.Pipe()
        # A frozen heap is not collected in the child, so no object inherited from the parent (a database
        # connection) is finalized. Output buffered now would be written twice (the child flushes its copy):
        # multiprocessing flushes stdout and stderr before it forks, so this module never touches them.
        gc.freeze()
        try:
            self._process = ctx.Process(
                target=child_main,
                args=(child, self.config, self.ca_bundles, os.getpid()),
                name="pressroom-fetch",
                daemon=True,
            )
            self._process.start()
        finally:
            gc.unfreeze()
        child.close()
        self._conn = parent
        self._loop = asyncio.get_running_loop()
        self._loop.add_reader(parent.fileno(), self._on_readable)
        if self._stop is not None:
            self._stop.when_set(self._on_stop)
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._conn is not None and self._loop is not None
        if self._dead is None:
            done = self._expect(0, "(closing)")
            with contextlib.suppress(OSError):
                self._conn.send(("close",))
            with contextlib.suppress(Exception):
                await asyncio.wait_for(done, CLOSE_TIMEOUT_S)
        self._loop.remove_reader(self._conn.fileno())
        self._conn.close()
        if self._stop is not None:
            self._stop.forget(self._on_stop)
        self._process.join(CLOSE_TIMEOUT_S)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()
        self._fail_pending("the fetch process was closed")

    def _on_stop(self) -> None:
        """The run's stop: it may come in a signal handler, perhaps in another thread, so the loop tells the
        child in its own time (if the loop is still running: a stop after the run has nothing to tell)."""
        if self._loop is not None:
            with contextlib.suppress(RuntimeError):
                self._loop.call_soon_threadsafe(self._tell_stop)

    def _tell_stop(self) -> None:
        """Tell the child the run is stopping (if it is still there to hear it)."""
        if self._dead is None and self._conn is not None and not self._conn.closed:
            with contextlib.suppress(OSError):
                self._conn.send(("stop",))

    async def get(self, url: str, policy: Policy, *, etag: str | None = None, last_modified: str | None = None) -> Page:
        """What `Fetcher.get` does, in the child."""
        if self._dead is not None:
            raise FetcherGone(url, self._dead)
        assert self._conn is not None
        number = next(self._ids)
        reply = self._expect(number, url)
        try:
            self._conn.send(("get", number, url, policy, etag, last_modified))
        except OSError as exc:
            self._pending.pop(number, None)
            self._urls.pop(number, None)
            raise FetcherGone(url, f"cannot reach the fetch process: {exc}") from None
        page: Page = await reply
        return page

    def _expect(self, number: int, url: str) -> asyncio.Future[Any]:
        assert self._loop is not None
        future: asyncio.Future[Any] = self._loop.create_future()
        self._pending[number] = future
        self._urls[number] = url
        return future

    def _on_readable(self) -> None:
        assert self._conn is not None and self._loop is not None
        try:
            while self._conn.poll():
                message = self._conn.recv()
                self._dispatch(message)
                if message[0] == "bye":
                    # Its last word: the end of the pipe that may follow at once is a clean exit, not a death.
                    self._loop.remove_reader(self._conn.fileno())
                    return
        except (EOFError, OSError):
            self._process.join(EXIT_WAIT_S)  # a closed pipe: the child is exiting; wait to name its status
            code = self._process.exitcode
            self._dead = f"the fetch process exited unexpectedly (exit code {code})"
            self._loop.remove_reader(self._conn.fileno())
            logger.error("%s", self._dead)
            self._fail_pending(self._dead)

    def _dispatch(self, message: tuple[Any, ...]) -> None:
        kind = message[0]
        if kind == "log":
            _, name, level, text = message
            logging.getLogger(name).log(level, "%s", text)
            return
        number, (requests, sent) = message[1], message[2]
        if requests >= self.requests:  # the child's latest figures (replies come in order)
            self.requests, self.sent = requests, Counter(sent)
        future = self._pending.pop(number, None)
        self._urls.pop(number, None)
        if future is None or future.done():
            return  # a fetch whose caller went away (a look-ahead dropped at a stop)
        if kind == "error":
            future.set_exception(message[3])
        else:
            future.set_result(message[3] if len(message) > 3 else None)

    def _fail_pending(self, reason: str) -> None:
        pending, urls, self._pending, self._urls = self._pending, self._urls, {}, {}
        for number, future in pending.items():
            if not future.done():
                future.set_exception(FetcherGone(urls.get(number, "?"), reason))


AnyFetcher = Fetcher | FetchProcess  # what a run fetches with: in this process or in a child
