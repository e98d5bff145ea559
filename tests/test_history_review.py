"""Defects a review of #16 found in the archive's side, each with the scenario that showed it: a live revert
after an import named against the wrong version, a failed import's log lines counted twice by reindex, and an
edit between captures listed twice once a capture between them was imported."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from archive import log
from archive.changes import changes
from archive.errors import ArchiveError
from archive.history import parse_detail
from archive.recorder import Archive
from tests.test_history_archive import KEY, A, B, Clock, capture


def capture_events(archive: Archive) -> list[tuple[str, str, str, str]]:
    """Each edit between captures: kind, when, and the two sightings it lies between."""
    found = []
    for o in archive.observations(KEY):
        said = parse_detail(o.detail) if o.kind.startswith("capture_") else None
        if said is not None:
            found.append((o.kind, o.at, said.before_at, said.after_at))
    return found


def rebuilt(root: Path) -> Archive:
    (root / "catalog.sqlite").unlink()
    fresh = Archive(root, clock=Clock())
    fresh.reindex()
    return fresh


def test_a_live_revert_after_a_newer_capture_is_named_against_the_captured_version(tmp_path: Path) -> None:
    archive = Archive(tmp_path, clock=Clock())
    archive.record(A)  # live: v1
    seen = datetime.strptime(archive.observations(KEY)[0].at, "%Y-%m-%dT%H:%M:%SZ") + timedelta(seconds=1)
    archive.import_captures([(B, capture(f"{seen:%Y%m%d%H%M%S}"))], run_id=None)  # a capture after it: v2, shown
    assert archive.record(A).kind == "reverted"  # live again with v1's text
    live = next(c for c in changes(archive) if c.kind == "reverted")
    assert (live.old, live.new) == (2, 1), live.summary()
    assert live.added and live.removed, "the words of v2 -> v1, not v1 -> v1"


def test_a_failed_import_and_its_rerun_count_each_capture_once_after_reindex(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = Archive(tmp_path, clock=Clock())
    pairs = [(A, capture("20190101000000")), (B, capture("20200101000000"))]
    append = log.LogFile.append
    lines = {"n": 0}

    def full_at_the_third(self: log.LogFile, event: dict[str, object]) -> None:
        if event.get("event") == "observation":
            lines["n"] += 1
            if lines["n"] == 3:  # the event's line: the disk is full; the two captures' lines are logged
                raise OSError(28, "No space left on device")
        append(self, event)

    monkeypatch.setattr(log.LogFile, "append", full_at_the_third)
    with archive.run("import-history", ["mofa.go.kr"]) as run, pytest.raises(ArchiveError):
        archive.import_captures(pairs, run_id=run.id)
    monkeypatch.setattr(log.LogFile, "append", append)
    with archive.run("import-history", ["mofa.go.kr"]) as run:
        archive.import_captures(pairs, run_id=run.id)
    before = [(o.kind, o.at, o.version, o.detail) for o in archive.observations(KEY)]
    archive.close()
    after = [(o.kind, o.at, o.version, o.detail) for o in rebuilt(tmp_path).observations(KEY)]
    assert after == before
    assert [kind for kind, *_ in after] == ["captured", "captured", "capture_changed"]


def test_a_capture_between_two_recorded_ones_replaces_their_event(tmp_path: Path) -> None:
    archive = Archive(tmp_path, clock=Clock())
    archive.import_captures([(A, capture("20190101000000")), (B, capture("20210101000000"))], run_id=None)
    archive.import_captures([(B, capture("20200101000000"))], run_id=None)  # a narrower period first missed it
    expected = [("capture_changed", "2020-01-01T00:00:00Z", "2019-01-01T00:00:00Z", "2020-01-01T00:00:00Z")]
    assert capture_events(archive) == expected
    assert [c.at for c in changes(archive)] == ["2020-01-01T00:00:00Z"]
    archive.close()
    assert capture_events(rebuilt(tmp_path)) == expected
