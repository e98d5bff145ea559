"""Ctrl-C during a slow request, on a terminal: the first starts no new request or retry and records no
failure for the request it cut short; the second stops at once. Both leave the run recorded as interrupted
and no process behind."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import threading
import time
from pathlib import Path

from tests.procs import assert_nothing_left, descendants
from tests.ptyrun import PtyProcess
from tests.sim_mofa import MofaSim, make_releases
from tests.simserver import Reply, Request, SimServer

ROOT = Path(__file__).parent.parent
SLOW_CONFIG = """
[pressroom]
contact = "tests@example.invalid"
attempts = 3
backoff = 0.01
timeout = {timeout}
deadline = 120

[sites."mofa.go.kr"]
min_interval = 0
list_pages = 1
collections = ["m_5676"]
"""


def _last_run(root: Path) -> tuple[str, dict[str, int]]:
    with sqlite3.connect(root / "catalog.sqlite") as db:
        status, counts = db.execute("SELECT status, counts FROM runs ORDER BY id DESC LIMIT 1").fetchone()
    return status, json.loads(counts)


def _crawl_with_a_hung_release(tmp_path: Path, timeout: int, ctrl_c: int) -> tuple[str, int, float, int]:
    """Crawl a site whose first release asked for never answers; press Ctrl-C `ctrl_c` times once the run
    waits for it (a second one after the first one's warning is shown). Return what the terminal showed,
    the exit status, the seconds from the last Ctrl-C to the exit, and how often that release was asked for."""
    config = tmp_path / "pressroom.toml"
    config.write_text(SLOW_CONFIG.format(timeout=timeout), encoding="utf-8")
    sim = MofaSim(make_releases(8, start_year=2024, years=1))
    in_flight, release = threading.Event(), threading.Event()
    hung: list[str] = []

    def app(request: Request) -> Reply:
        if request.path.endswith("view.do") and (not hung or request.query.get("seq") == hung[0]):
            hung.append(request.query.get("seq", ""))
            in_flight.set()
            release.wait(200)  # never answered in time: the test lets it go at the end
        return sim(request)

    with SimServer(app) as server:
        args = ["--archive", str(tmp_path / "a"), "--config", str(config),
                "--base-url", f"mofa={server.base_url}", "crawl", "mofa"]  # fmt: skip
        proc = PtyProcess(args, cwd=ROOT)
        try:
            assert in_flight.wait(60), "the crawl never asked for a release"
            children = descendants(proc.process.pid)
            group = proc.process.pid  # its own session and group, as a shell's foreground job
            os.killpg(group, signal.SIGINT)  # what Ctrl-C does: the whole foreground group gets SIGINT
            proc.expect("SIGINT: finishing the document in hand")
            if ctrl_c == 2:
                os.killpg(group, signal.SIGINT)
            pressed = time.monotonic()
            result = proc.wait(150)
            took = time.monotonic() - pressed
        finally:
            release.set()
            proc.close()
    assert_nothing_left(children)
    return "\n".join(result.screen), result.returncode, took, len(hung)


def test_the_first_ctrl_c_starts_no_retry_and_records_no_failure(tmp_path: Path) -> None:
    shown, code, _, asked = _crawl_with_a_hung_release(tmp_path, timeout=3, ctrl_c=1)
    assert code == 130, shown
    assert asked == 1, f"the release was asked for {asked} times: a retry started after the Ctrl-C"
    assert "failed" not in shown and "Traceback" not in shown, shown
    status, counts = _last_run(tmp_path / "a")
    assert status == "interrupted" and not counts.get("failed"), (status, counts)


def test_a_second_ctrl_c_stops_at_once(tmp_path: Path) -> None:
    shown, code, took, asked = _crawl_with_a_hung_release(tmp_path, timeout=120, ctrl_c=2)
    assert code == 130, shown
    assert took < 40, f"{took:.1f} s after the second Ctrl-C: it waited for the request in flight"
    assert asked == 1 and "Traceback" not in shown, shown
    assert "stopped at once by a second SIGINT" in shown, shown
    status, counts = _last_run(tmp_path / "a")
    assert status == "interrupted" and not counts.get("failed"), (status, counts)
