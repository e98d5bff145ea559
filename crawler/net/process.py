"""Fetching in a second process, so the next releases are on their way while this one is archived.

The child runs an ordinary `Fetcher` (every politeness rule, retry and block check lives there, unchanged);
the parent parses and keeps everything that writes: the archive, the catalog, the raw captures. (Parsing in
the child too was measured: the child then became the slower side, and the crawl 16% slower.) They talk over
one pipe: requests go down as small tuples; pages, errors and the child's log lines come back in order.

The child never outlives its parent. Forked, it first closes every descriptor it inherited but its end of
the pipe: it never holds the archive's writer lock, the catalog or its WAL. On Linux the kernel kills it
when the parent dies (PR_SET_PDEATHSIG, even on a kill -9); everywhere it exits when the pipe closes. It
ignores the terminal's Ctrl-C (the parent hears it too and decides when to stop) but not SIGTERM: a fetch
process killed on its own fails the URLs it had in hand, never the archive.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import faulthandler
import gc
import itertools
import logging
import multiprocessing
import os
import queue
import signal
import sys
import threading
from multiprocessing.connection import Connection
from typing import Any

from crawler.config import Config
from crawler.errors import FetcherGone, FetchError
from crawler.net.fetcher import Fetcher
from crawler.net.page import Page
from crawler.net.policy import Policy

logger = logging.getLogger(__name__)

CLOSE_TIMEOUT_S = 10.0
EXIT_WAIT_S = 2.0  # for the exit status of a child whose pipe closed, to name it


class FetchProcess:
    """A `Fetcher` in a child process; use as `async with FetchProcess(...) as fetcher`."""

    def __init__(self, config: Config, *, ca_bundles: dict[str, str] | None = None):
        self.config = config
        self.ca_bundles = ca_bundles or {}
        self.requests = 0
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
        # thing: every inherited descriptor but its end of the pipe (see _child_main).
        ctx = multiprocessing.get_context("fork")
        parent, child = ctx.Pipe()
        # A frozen heap is not collected in the child, so no object inherited from the parent (a database
        # connection) is finalized. Output buffered now would be written twice (the child flushes its copy):
        # multiprocessing flushes stdout and stderr before it forks, so this module never touches them.
        gc.freeze()
        try:
            self._process = ctx.Process(
                target=_child_main,
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
        self._process.join(CLOSE_TIMEOUT_S)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()
        self._fail_pending("the fetch process was closed")

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
        number, requests = message[1], message[2]
        self.requests = max(self.requests, requests)
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


# the child ----------------------------------------------------------------------------------------------


class _Forward(logging.Handler):
    """Sends the child's log records to the parent, which logs them as its own."""

    def __init__(self, out: queue.SimpleQueue[Any]) -> None:
        super().__init__()
        self.out = out

    def emit(self, record: logging.LogRecord) -> None:
        with contextlib.suppress(Exception):
            self.out.put(("log", record.name, record.levelno, record.getMessage()))


PR_SET_PDEATHSIG = 1  # linux/prctl.h
PR_SET_NAME = 15  # the name `ps -o comm` and /proc/PID/comm show


def _die_with_parent(parent_pid: int) -> None:
    """Have the kernel kill this process when its parent dies (Linux); exit now if it already has.

    Strictly, the signal comes when the parent's thread that started this process ends: every run starts
    and closes its fetch process in one thread, so the fetch process never outlives that thread's interest.
    """
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
            libc.prctl(PR_SET_NAME, b"pressroom-fetch", 0, 0, 0)
    # The parent may have died before prctl took effect: then this process was already handed to another.
    # (Elsewhere, the closed pipe ends the child as well.)
    if os.getppid() != parent_pid:
        os._exit(1)


def _close_inherited(keep: int) -> None:
    """Close every descriptor inherited from the parent except stdin, stdout, stderr and `keep`: the
    catalog, its WAL, the writer lock, log files, and the parent's end of the pipe (which, left open here,
    would keep the child from ever seeing EOF when the parent dies)."""
    signal.set_wakeup_fd(-1)  # the parent's event loop's, about to be closed
    faulthandler.disable()  # it may hold a duplicate of the parent's stderr
    try:
        fds = [int(fd) for fd in os.listdir("/proc/self/fd")]
    except OSError:  # not Linux: every possible number
        os.closerange(3, keep)
        os.closerange(keep + 1, os.sysconf("SC_OPEN_MAX"))
        return
    for fd in fds:
        if fd > 2 and fd != keep:
            with contextlib.suppress(OSError):  # the listing's own descriptor, closed already
                os.close(fd)


def _child_main(conn: Connection, config: Config, ca_bundles: dict[str, str], parent_pid: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a terminal's Ctrl-C reaches the parent too; it decides
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_parent(parent_pid)
    _close_inherited(conn.fileno())
    out: queue.SimpleQueue[Any] = queue.SimpleQueue()
    # Every record goes to the parent, whatever handlers the parent had set up (levels stay as inherited).
    root = logging.getLogger()
    for log in [root, *(v for v in logging.Logger.manager.loggerDict.values() if isinstance(v, logging.Logger))]:
        for handler in list(log.handlers):
            log.removeHandler(handler)
        log.propagate = True
    root.addHandler(_Forward(out))
    # A separate sending thread: a page bigger than the pipe's buffer must not stall the event loop while
    # the parent is busy archiving.
    sender = threading.Thread(target=_send_all, args=(conn, out), daemon=True)
    sender.start()
    try:
        asyncio.run(_serve(conn, config, ca_bundles, out))
    finally:
        out.put(None)
        sender.join(CLOSE_TIMEOUT_S)


def _send_all(conn: Connection, out: queue.SimpleQueue[Any]) -> None:
    while (message := out.get()) is not None:
        try:
            conn.send(message)
        except (OSError, ValueError):
            return


async def _serve(conn: Connection, config: Config, ca_bundles: dict[str, str], out: queue.SimpleQueue[Any]) -> None:
    loop = asyncio.get_running_loop()
    closing = asyncio.Event()
    tasks: set[asyncio.Task[None]] = set()

    async with Fetcher(config, ca_bundles=ca_bundles) as fetcher:

        async def one(number: int, url: str, policy: Policy, etag: str | None, modified: str | None) -> None:
            try:
                page = await fetcher.get(url, policy, etag=etag, last_modified=modified)
            except FetchError as exc:
                out.put(("error", number, fetcher.requests, exc))
            except Exception as exc:  # a bug must reach the parent as a failed URL, not hang it
                logger.exception("fetching %s", url)
                out.put(("error", number, fetcher.requests, FetchError(url, f"internal error: {exc!r}")))
            else:
                out.put(("ok", number, fetcher.requests, page))

        def readable() -> None:
            try:
                while conn.poll():
                    message = conn.recv()
                    if message[0] == "close":
                        closing.set()
                        return
                    task = loop.create_task(one(*message[1:]))
                    tasks.add(task)
                    task.add_done_callback(tasks.discard)
            except (EOFError, OSError):
                closing.set()  # the parent is gone

        loop.add_reader(conn.fileno(), readable)
        await closing.wait()
        loop.remove_reader(conn.fileno())
        for task in list(tasks):
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        out.put(("bye", 0, fetcher.requests))
