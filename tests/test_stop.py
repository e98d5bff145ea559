"""A stop request: what the run's report calls it, from whichever thread or signal handler set it."""

from __future__ import annotations

import asyncio
import threading

import pytest

from crawler.pipeline.stop import Stop


@pytest.mark.parametrize(
    ("reasons", "expected"),
    [
        ([None], "stop"),  # the scheduler's own stop names no signal
        (["SIGTERM"], "SIGTERM"),
        (["SIGINT", "SIGTERM"], "SIGTERM"),  # the latest signal names it
        (["SIGINT", None], "SIGINT"),  # a later anonymous stop keeps the signal's name
    ],
)
def test_the_reason_of_a_stop(reasons: list[str | None], expected: str) -> None:
    stop = Stop()
    assert not stop.is_set()
    for reason in reasons:
        stop.set(reason)
    assert stop.is_set() and stop.reason == expected


def test_a_stop_set_in_another_thread_is_seen() -> None:
    stop = Stop()
    thread = threading.Thread(target=stop.set, args=("SIGTERM",))
    thread.start()
    thread.join()
    assert stop.is_set() and stop.reason == "SIGTERM"


def test_no_retry_starts_after_the_stop() -> None:
    """A try that fails once the stop is asked for ends the request as interrupted, with no further try."""
    from crawler.errors import Interrupted
    from crawler.net.retry import Transient, retry_transient

    stop, tries = Stop(), []

    async def call() -> str:
        tries.append(1)
        stop.set("SIGINT")  # the stop comes while the request is in flight
        raise Transient("timeout (ReadTimeout)", kind="timeout")

    async def no_sleep(seconds: float) -> None:
        return None

    with pytest.raises(Interrupted, match="not tried again"):
        asyncio.run(
            retry_transient(call, url="u", attempts=4, wait=lambda f, n: 0.0, sleep=no_sleep, stopped=stop.is_set)
        )
    assert len(tries) == 1
    with pytest.raises(Interrupted, match="before this request"):  # and none starts once it is set
        asyncio.run(
            retry_transient(call, url="u", attempts=4, wait=lambda f, n: 0.0, sleep=no_sleep, stopped=stop.is_set)
        )
    assert len(tries) == 1


def test_callbacks_run_once_and_can_be_forgotten() -> None:
    stop, seen = Stop(), []
    stop.when_set(lambda: seen.append("set"))
    forgotten = lambda: seen.append("forgotten")  # noqa: E731
    stop.when_hurried(forgotten)
    stop.forget(forgotten)
    stop.when_hurried(lambda: seen.append("hurried"))
    stop.set("SIGINT")
    stop.set("SIGINT")
    assert seen == ["set"] and not stop.hurried
    stop.hurry("SIGINT")
    stop.hurry("SIGINT")
    assert seen == ["set", "hurried"] and stop.hurried
    stop.when_set(lambda: seen.append("late"))  # asked for after the fact: called at once
    assert seen[-1] == "late"
