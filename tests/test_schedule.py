"""`pressroom schedule` in a subprocess: runs at its interval, never overlapping, stops cleanly on SIGTERM,
and shares the archive with a cron-started crawl through the writer lock."""

from __future__ import annotations

import ctypes
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FAST_CONFIG, Pressroom
from tests.procs import wait_for
from tests.sim_mofa import MofaSim
from tests.simserver import SimServer

ROOT = Path(__file__).parent.parent
SCHEDULE_CONFIG = FAST_CONFIG.replace("list_pages = 2\n", "list_pages = 2\ninterval = 1\n")


def start(tmp_path: Path, base_url: str, *extra: str) -> subprocess.Popen[str]:
    config = tmp_path / "schedule.toml"
    config.write_text(SCHEDULE_CONFIG, encoding="utf-8")
    cmd = [
        sys.executable,
        "-m",
        "crawler",
        "--archive",
        str(tmp_path / "a"),
        "--config",
        str(config),
        "--base-url",
        f"mofa={base_url}",
        "schedule",
        "mofa",
        *extra,
    ]
    return subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True, cwd=ROOT)


def runs(archive: Path) -> list[tuple[str, str | None, str]]:
    con = sqlite3.connect(archive / "catalog.sqlite")
    try:
        return con.execute("SELECT started, finished, status FROM runs ORDER BY id").fetchall()
    finally:
        con.close()


def assert_no_overlap(rows: list[tuple[str, str | None, str]]) -> None:
    for (_, finished, _), (started, _, _) in zip(rows, rows[1:], strict=False):
        assert finished is not None and started >= finished, rows


def _sigterm_to_a_worker_thread(pid: int) -> None:
    """SIGTERM delivered to one of the process's other threads, as the kernel may choose to."""
    threads = [int(tid) for tid in os.listdir(f"/proc/{pid}/task") if int(tid) != pid]
    assert threads, "the scheduler runs its jobs in threads"
    assert ctypes.CDLL(None, use_errno=True).tgkill(pid, threads[-1], signal.SIGTERM) == 0


@pytest.mark.parametrize("to", ["the process", "a worker thread"])
def test_sigterm_stops_cleanly_after_recording_the_run(
    tmp_path: Path, mofa_sim: tuple[MofaSim, SimServer], to: str
) -> None:
    sim, server = mofa_sim
    sim.delay = 0.05
    proc = start(tmp_path, server.base_url)
    try:
        # The first run fetches the 12 releases once each: the 13th release page asked for is the second run's.
        wait_for(lambda: sum(sim.views.values()) >= 13, "the second run's first release", timeout=30)
        # In the middle of the second run: 11 releases of 50 ms each are left.
        if to == "the process":
            proc.send_signal(signal.SIGTERM)
        else:
            _sigterm_to_a_worker_thread(proc.pid)
        _, stderr = proc.communicate(timeout=30)
    finally:
        proc.kill()  # only if it did not stop: never leave it running
    assert proc.returncode == 0, stderr
    assert "SIGTERM: finishing the runs in hand, then exiting" in stderr
    assert "scheduler stopped after" in stderr
    rows = runs(tmp_path / "a")
    assert len(rows) >= 2
    assert all(finished is not None for _, finished, _ in rows), "every run recorded its end"
    assert rows[-1][2] == "interrupted", rows
    assert_no_overlap(rows)
    assert len(list((tmp_path / "a").rglob("*.txt"))) == 12


def test_slow_runs_never_overlap_and_misfires_coalesce(tmp_path: Path, mofa_sim: tuple[MofaSim, SimServer]) -> None:
    sim, server = mofa_sim
    sim.delay = 0.15  # a run takes ~2 s with a 1 s interval
    proc = start(tmp_path, server.base_url, "--duration", "6")
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 0, stderr
    rows = runs(tmp_path / "a")
    assert 2 <= len(rows) <= 4, rows  # ~6 s of ~2 s runs: no pile-up of the missed 1 s slots
    assert_no_overlap(rows)


def test_cron_crawl_meets_the_lock_with_a_clear_message(
    tmp_path: Path, mofa_sim: tuple[MofaSim, SimServer], config_file: Path
) -> None:
    sim, server = mofa_sim
    sim.delay = 0.3  # a long run holds the writer lock
    proc = start(tmp_path, server.base_url, "--duration", "8")
    try:
        wait_for(lambda: any(r.path.endswith("view.do") for r in server.log), "the first release", timeout=30)
        cron = Pressroom(tmp_path / "a", config_file, {"mofa": server.base_url})
        result = cron("crawl", "mofa", ok=False)
        assert "is being written by another pressroom process (pid" in result.stderr
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=30)
    assert proc.returncode == 0
