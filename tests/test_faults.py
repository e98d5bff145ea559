"""Faults in the middle of a run that are not the network's: the catalog refusing a write, a raw capture
that cannot be written, a signal. Each run goes on where it can, prints its summary, says what failed in one
line per problem, exits non-zero, and leaves every archived version as it was."""

from __future__ import annotations

import errno
import re
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from archive.raw import RawWriter
from tests.conftest import FAST_CONFIG, Pressroom
from tests.procs import assert_nothing_left, descendants, stderr_lines, wait_line
from tests.sim_mofa import MofaSim, make_releases
from tests.simserver import Reply, Request, SimServer

ROOT = Path(__file__).parent.parent
KEY = "mofa.go.kr/m_5676/320033"


def snapshot(archive: Path) -> dict[str, bytes]:
    return {p.relative_to(archive).as_posix(): p.read_bytes() for p in sorted(archive.rglob("*.txt"))}


def sql(archive: Path, statement: str) -> list[tuple[object, ...]]:
    con = sqlite3.connect(archive / "catalog.sqlite", isolation_level=None)
    try:
        return con.execute(statement).fetchall()
    finally:
        con.close()


def test_a_catalog_error_fails_the_document_and_the_run_goes_on(
    pressroom: Pressroom, mofa_sim: tuple[MofaSim, SimServer]
) -> None:
    sim, _ = mofa_sim
    pressroom("crawl", "mofa")
    before = snapshot(pressroom.archive)
    for seq in (320033, 320030, 320027):
        sim.edit(seq, body=[f"An edited text of {seq}."])
    # SQLite itself refuses the catalog write of one document, as it does when the disk is full.
    sql(
        pressroom.archive,
        "CREATE TRIGGER full BEFORE INSERT ON versions WHEN NEW.key = 'mofa.go.kr/m_5676/320033' "
        "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END",
    )
    result = pressroom("crawl", "mofa", ok=False)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    catalog = pressroom.archive / "catalog.sqlite"
    assert f"failed https://www.mofa.go.kr/eng/brd/m_5676/view.do?seq=320033: {catalog}: database or disk is full" in (
        result.stderr
    )
    assert "mofa.go.kr: 2 changed, 9 unchanged, 1 failed" in result.stderr.splitlines()
    assert {k: v for k, v in snapshot(pressroom.archive).items() if k in before} == before
    assert sql(pressroom.archive, "SELECT status FROM runs ORDER BY id DESC LIMIT 1") == [("partial",)]

    sql(pressroom.archive, "DROP TRIGGER full")
    result = pressroom("crawl", "mofa")
    assert "mofa.go.kr: 1 changed, 11 unchanged" in result.stderr, "the version the failed run wrote is picked up"
    history = pressroom("history", KEY).stdout
    assert [line.split()[1] for line in history.splitlines() if line.startswith("  20")] == ["new", "failed", "changed"]
    assert [r[0] for r in sql(pressroom.archive, f"SELECT number FROM versions WHERE key = '{KEY}'")] == [1, 2]


def test_a_run_that_cannot_record_its_end_still_prints_its_summary(
    pressroom: Pressroom, mofa_sim: tuple[MofaSim, SimServer]
) -> None:
    pressroom("crawl", "mofa")
    sql(
        pressroom.archive,
        "CREATE TRIGGER full BEFORE UPDATE ON runs BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END",
    )
    result = pressroom("crawl", "mofa", ok=False)
    assert result.exit_code == 1 and "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert "mofa.go.kr: 12 unchanged" in lines
    assert any(line.startswith("cannot record the end of run 2: ") for line in lines), lines
    assert re.fullmatch(r"run 2: \d+ requests; 1 problem of the run itself \(above\)", lines[-1]), lines


def test_a_capture_that_cannot_be_written_makes_the_run_fail(
    pressroom: Pressroom, mofa_sim: tuple[MofaSim, SimServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    original = RawWriter.response
    calls = []

    def full_on_the_third(self: RawWriter, *args: object, **kwargs: object) -> object:
        calls.append(1)
        if len(calls) == 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        return original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(RawWriter, "response", full_on_the_third)
    result = pressroom("crawl", "mofa", ok=False)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "mofa.go.kr: 12 new, 1 captures lost" in result.stderr.splitlines()
    assert "the raw capture was not kept: [Errno 28] No space left on device" in result.stderr
    assert len(snapshot(pressroom.archive)) == 12, "every version is archived all the same"
    assert sql(pressroom.archive, "SELECT status FROM runs") == [("partial",)]
    assert sql(pressroom.archive, "SELECT count(*) FROM captures") == [(11,)]


@pytest.mark.parametrize("phase", ["reading the list pages", "visiting the releases"])
def test_sigint_stops_a_backfill_which_says_so_and_resumes(tmp_path: Path, phase: str) -> None:
    config = tmp_path / "pressroom.toml"
    config.write_text(FAST_CONFIG, encoding="utf-8")
    sim = MofaSim(make_releases(60, start_year=2024, years=1))
    sim.delay = 0.02
    reached, release = threading.Event(), threading.Event()

    def app(request: Request) -> Reply:
        if request.path.endswith("list.do") and request.query.get("page") == "2" and not release.is_set():
            reached.set()  # the backfill is reading its list pages: hold it there until the test has signalled
            release.wait(60)
        return sim(request)

    with SimServer(app) as server:
        cmd = [sys.executable, "-m", "crawler", "--archive", str(tmp_path / "a"), "--config", str(config),
               "--base-url", f"mofa={server.base_url}",
               "backfill", "mofa", "--since", "2024-01-01", "--until", "2024-12-31"]  # fmt: skip
        if phase != "reading the list pages":
            release.set()
        proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, text=True, cwd=ROOT)
        lines, reader = stderr_lines(proc.stderr)
        seen: list[str] = []
        try:
            if phase == "reading the list pages":
                assert reached.wait(60), "the backfill never asked for its second list page"
            else:
                wait_line(lines, "new mofa.go.kr/", 5, seen)
            children = descendants(proc.pid)
            proc.send_signal(signal.SIGINT)
            release.set()
            proc.wait(60)
            reader.join(60)
        finally:
            release.set()
            proc.kill()
        while not lines.empty():
            seen.append(lines.get())
        stderr = "".join(seen)
        assert proc.returncode == 130, stderr
        assert_nothing_left(children)
        assert "Traceback" not in stderr and "nothing found" not in stderr
        notes = [line for line in stderr.splitlines() if line.startswith("backfill interrupted by SIGINT")]
        assert len(notes) == 1, stderr
        assert notes[0].endswith("; run the same command again to resume where it stopped")
        if phase == "reading the list pages":
            assert "while reading the list pages: " in notes[0]
        else:
            assert ": 0 of" not in notes[0] and "of the 60 releases found are done" in notes[0]
        assert sql(tmp_path / "a", "SELECT status FROM runs") == [("interrupted",)]

        resumed = subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert resumed.returncode == 0, resumed.stderr
    assert len(snapshot(tmp_path / "a")) == 60
