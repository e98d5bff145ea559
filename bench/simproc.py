"""Run a site simulator in its own process, so the crawler's figures do not include the server's CPU."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any


def _serve(make_app: Callable[[], Any], queue: Any, stop: Any) -> None:
    from tests.simserver import SimServer

    with SimServer(make_app()) as server:
        queue.put(server.base_url)
        stop.wait()


@contextmanager
def serving(make_app: Callable[[], Any]) -> Iterator[str]:
    """Start `make_app()` on 127.0.0.1 in a child process; yield its base URL."""
    ctx = multiprocessing.get_context("fork")
    queue, stop = ctx.Queue(), ctx.Event()
    proc = ctx.Process(target=_serve, args=(make_app, queue, stop), daemon=True)
    proc.start()
    try:
        yield queue.get(timeout=30)
    finally:
        stop.set()
        proc.join(10)
