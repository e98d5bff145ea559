"""A run as a context manager: its record is started once and finished once, as the way out says."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archive.errors import ArchiveError
from archive.log import LOG_DIR
from archive.recorder import Archive
from tests.test_archive import Clock, release


def logged(root: Path) -> list[dict[str, object]]:
    """Every event of every run's log file, in file order."""
    return [json.loads(line) for path in sorted((root / LOG_DIR).glob("*-run*.jsonl")) for line in path.open()]


def test_a_run_is_recorded_once_with_its_status_and_counts(tmp_path: Path) -> None:
    archive = Archive(tmp_path, clock=Clock())
    counts = {"new": 0}
    with archive.run("crawl", ["mofa.go.kr"], counts=lambda: counts) as run:
        archive.record(release(), run_id=run.id)
        counts["new"] += 1
        run.status = "partial"
    [row] = archive.catalog.runs()
    assert (row["id"], row["command"], row["sites"]) == (run.id, "crawl", "mofa.go.kr")
    assert (row["status"], row["counts"]) == ("partial", {"new": 1}) and row["finished"]
    assert [e["event"] for e in logged(tmp_path)] == ["run", "observation", "end"]
    with pytest.raises(RuntimeError, match="already started"), run:
        pass  # a second entry would start a second record
    assert len(archive.catalog.runs()) == 1 and len(logged(tmp_path)) == 3


@pytest.mark.parametrize(
    ("error", "status"), [(KeyboardInterrupt, "interrupted"), (ValueError, "failed"), (ArchiveError, "failed")]
)
def test_a_run_left_by_an_exception_is_finished_as_such(
    tmp_path: Path, error: type[BaseException], status: str
) -> None:
    archive = Archive(tmp_path, clock=Clock())
    with pytest.raises(error), archive.run("backfill", ["mid.ru"], counts=lambda: {"new": 2}) as run:
        run.status = "ok"  # what the caller said before the exception: the exception wins
        raise error("in the middle")
    [row] = archive.catalog.runs()
    assert (row["status"], row["counts"]) == (status, {"new": 2}) and row["finished"]
    assert logged(tmp_path)[-1] | {"finished": None} == {
        "event": "end",
        "run": run.id,
        "finished": None,
        "status": status,
        "counts": {"new": 2},
    }


def test_a_run_whose_end_cannot_be_recorded_says_so_and_keeps_the_callers_exception(tmp_path: Path) -> None:
    archive = Archive(tmp_path, clock=Clock())

    def refuse(*args: object, **kwargs: object) -> None:
        raise ArchiveError("catalog.sqlite: disk I/O error")

    with pytest.raises(ValueError, match="the run's own"), archive.run("crawl", []) as run:
        archive.catalog.finish_run = refuse  # type: ignore[method-assign]
        raise ValueError("the run's own")
    assert run.problems == [f"cannot record the end of run {run.id}: catalog.sqlite: disk I/O error"]
    assert logged(tmp_path)[-1]["status"] == "failed"  # the log, written first, has it
