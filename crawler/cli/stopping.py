"""Running a command's event loop so that a second SIGINT/SIGTERM (a hurried stop) cancels it at once."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from collections.abc import Coroutine
from typing import Any, TypeVar

import click

from crawler.pipeline.stop import Stop

T = TypeVar("T")


def run_stoppable(main: Coroutine[Any, Any, T], stop: Stop) -> T:
    """`asyncio.run(main)`, cancelled when the stop is hurried (a second signal): only at an await, so
    never in the middle of archiving a document. Then say so and exit as the signal's status."""

    async def cancellable() -> T:
        task, loop = asyncio.current_task(), asyncio.get_running_loop()
        assert task is not None

        def cancel() -> None:
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile: nothing left to cancel
                loop.call_soon_threadsafe(task.cancel)

        stop.when_hurried(cancel)
        try:
            return await main
        finally:
            stop.forget(cancel)

    try:
        return asyncio.run(cancellable())
    except asyncio.CancelledError:
        click.echo(f"stopped at once by a second {stop.reason}; the run is recorded as interrupted", err=True)
        sys.exit(128 + signal.Signals[stop.reason] if stop.reason in signal.Signals.__members__ else 1)
