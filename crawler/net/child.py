"""The fetch process's own side: it serves the parent's requests with an ordinary `Fetcher`.

It never outlives its parent. Forked, it first closes every descriptor it inherited but its end of the
pipe: it never holds the archive's writer lock, the catalog or its WAL. On Linux the kernel kills it when
the parent dies (PR_SET_PDEATHSIG, even on a kill -9); everywhere it exits when the pipe closes. It ignores
the terminal's Ctrl-C (the parent hears it too and decides when to stop) but not SIGTERM: a fetch process
killed on its own fails the URLs it had in hand, never the archive. Its log records go to the parent, and
its answers go out from a thread of their own, so a large page never stalls its event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import faulthandler
import logging
import os
import queue
import signal
import sys
import threading
from multiprocessing.connection import Connection
from typing import Any

from crawler.config import Config
from crawler.errors import FetchError
from crawler.net.fetcher import Fetcher
from crawler.net.policy import Policy

logger = logging.getLogger(__name__)

SEND_TIMEOUT_S = 10.0  # for the last answers to leave when the child closes


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


def child_main(conn: Connection, config: Config, ca_bundles: dict[str, str], parent_pid: int) -> None:
    """The fetch process's life: cut loose from the parent's resources, serve until told to close."""
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
        sender.join(SEND_TIMEOUT_S)


def _send_all(conn: Connection, out: queue.SimpleQueue[Any]) -> None:
    while (message := out.get()) is not None:
        try:
            conn.send(message)
        except (OSError, ValueError):
            return


async def _serve(conn: Connection, config: Config, ca_bundles: dict[str, str], out: queue.SimpleQueue[Any]) -> None:
    loop = asyncio.get_running_loop()
    closing, tasks = asyncio.Event(), set[asyncio.Task[None]]()

    async with Fetcher(config, ca_bundles=ca_bundles) as fetcher:

        async def one(number: int, url: str, policy: Policy, etag: str | None, modified: str | None) -> None:
            try:
                page = await fetcher.get(url, policy, etag=etag, last_modified=modified)
            except FetchError as exc:
                out.put(("error", number, _counts(fetcher), exc))
            except Exception as exc:  # a bug must reach the parent as a failed URL, not hang it
                logger.exception("fetching %s", url)
                out.put(("error", number, _counts(fetcher), FetchError(url, f"internal error: {exc!r}")))
            else:
                out.put(("ok", number, _counts(fetcher), page))

        def readable() -> None:
            try:
                while conn.poll():
                    message = conn.recv()
                    if message[0] == "close":
                        closing.set()
                        return
                    if message[0] == "stop":  # the run was asked to stop: no new request or retry
                        fetcher.stop_requests()
                    else:
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
        out.put(("bye", 0, _counts(fetcher)))


def _counts(fetcher: Fetcher) -> tuple[int, dict[tuple[str, str], int]]:
    """The requests sent so far, in all and by (lane, kind): the parent's figures of the run."""
    return fetcher.requests, dict(fetcher.sent)
