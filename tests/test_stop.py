"""A stop request: what the run's report calls it, from whichever thread or signal handler set it."""

from __future__ import annotations

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
