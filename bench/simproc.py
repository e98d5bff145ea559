"""Run a site simulator in its own process, so the crawler's figures do not include the server's CPU."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

Report = Callable[[Any], Any]  # what to send back from the simulator when it stops (its request log, say)


def _serve(make_app: Callable[[], Any], queue: Any, stop: Any, report: Report | None) -> None:
    from tests.simserver import SimServer

    app = make_app()
    with SimServer(app) as server:
        queue.put(server.base_url)
        stop.wait()
    queue.put(report(app) if report else None)


@dataclass
class Served:
    """A simulator running in a child process: its base URL, its pid, and (once stopped) what it reported."""

    base_url: str
    pid: int
    report: Any = field(default=None)


@contextmanager
def served(make_app: Callable[[], Any], report: Report | None = None) -> Iterator[Served]:
    """Start `make_app()` on 127.0.0.1 in a child process; on leaving, stop it and fill `.report` with
    `report(app)` (computed in the child: the app itself never crosses, only what it reports)."""
    ctx = multiprocessing.get_context("fork")
    queue, stop = ctx.Queue(), ctx.Event()
    proc = ctx.Process(target=_serve, args=(make_app, queue, stop, report), daemon=True)
    proc.start()
    handle = Served(queue.get(timeout=60), proc.pid or 0)
    try:
        yield handle
    finally:
        stop.set()
        try:
            handle.report = queue.get(timeout=60)
        finally:
            proc.join(10)


@contextmanager
def serving(make_app: Callable[[], Any]) -> Iterator[str]:
    """Start `make_app()` on 127.0.0.1 in a child process; yield its base URL."""
    with served(make_app) as handle:
        yield handle.base_url
