"""Events between sightings, withdrawals seen in the web archive, live visits after an import, and reindex (#16):
the archive alone, releases and captures built by hand."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from archive.changes import changes
from archive.history import EventDetail, parse_detail
from archive.recorder import Archive
from tests.test_history_archive import KEY, URL, A, B, C, Clock, capture


def events(archive: Archive) -> list[tuple[str, str, int | None, EventDetail | None]]:
    """The capture events of the document: (kind, at, version, parsed detail)."""
    return [
        (o.kind, o.at, o.version, parse_detail(o.detail))
        for o in archive.observations(KEY)
        if o.kind.startswith("capture_")
    ]


def test_an_edit_and_a_revert_between_captures_are_events(tmp_path: Path) -> None:
    archive = Archive(tmp_path, clock=Clock())
    caps = [capture(t) for t in ("20190301000000", "20190401000000", "20190501000000", "20190601000000")]
    result = archive.import_captures([(A, caps[0]), (A, caps[1]), (B, caps[2]), (A, caps[3])], run_id=None)
    assert result.events == 2
    assert events(archive) == [
        (
            "capture_changed",
            "2019-05-01T00:00:00Z",
            2,
            EventDetail("changed", "capture", "2019-04-01T00:00:00Z", 1, "capture", "2019-05-01T00:00:00Z"),
        ),
        (
            "capture_reverted",
            "2019-06-01T00:00:00Z",
            1,
            EventDetail("reverted", "capture", "2019-05-01T00:00:00Z", 2, "capture", "2019-06-01T00:00:00Z"),
        ),
    ]
    assert archive.document(KEY).current_version == 1  # type: ignore[union-attr]


def test_an_edit_the_live_visits_saw_is_not_recorded_again(tmp_path: Path) -> None:
    archive = Archive(tmp_path, clock=Clock(datetime(2019, 1, 1, tzinfo=UTC)))
    archive.record(A)  # 2019-01-01, v1
    archive.clock = Clock(datetime(2019, 12, 1, tzinfo=UTC))
    assert archive.record(B).kind == "changed"  # 2019-12-01, v2: the edit, seen live
    result = archive.import_captures([(A, capture("20190301000000")), (B, capture("20190601000000"))], run_id=None)
    assert (result.sightings, result.events) == (2, 0), "the captures only date the edit the live visits saw"
    assert [s.version for s in archive.timeline(KEY)] == [1, 1, 2, 2]


def test_an_edit_before_the_first_visit_is_an_event_dated_by_the_visit(tmp_path: Path) -> None:
    archive = Archive(tmp_path, clock=Clock())
    archive.record(B)  # live, 2026: v1 (B)
    seen = archive.document(KEY).last_seen  # type: ignore[union-attr]
    archive.import_captures([(A, capture("20190301000000"))], run_id=None)  # v2 (A), 2019
    assert events(archive) == [
        ("capture_changed", seen, 1, EventDetail("changed", "capture", "2019-03-01T00:00:00Z", 2, "live", seen))
    ]
    doc = archive.document(KEY)
    assert doc is not None and (doc.current_version, doc.first_seen) == (1, "2019-03-01T00:00:00Z")


def test_a_withdrawal_seen_in_the_web_archive_then_a_live_visit(tmp_path: Path) -> None:
    archive = Archive(tmp_path, clock=Clock())
    gone = [capture("20210101000000"), capture("20200101000000"), capture("20180101000000")]
    result = archive.import_captures([(A, capture("20190301000000"))], run_id=None, gone=gone)
    assert result.events == 1
    detail = EventDetail(
        "withdrawn", "capture", "2019-03-01T00:00:00Z", 1, "capture", "2020-01-01T00:00:00Z", gone[1].url
    )
    assert events(archive) == [("capture_withdrawn", "2020-01-01T00:00:00Z", 1, detail)], "the first gone after"
    assert archive.document(KEY).status == "withdrawn"  # type: ignore[union-attr]
    again = archive.import_captures([(A, capture("20190301000000"))], run_id=None, gone=gone)
    assert (again.sightings, again.events) == (0, 0)
    outcome = archive.record(A)
    assert (outcome.kind, outcome.restored) == ("restored", True)
    assert archive.document(KEY).status == "active"  # type: ignore[union-attr]


def test_a_later_good_capture_undoes_a_withdrawal_the_web_archive_showed(tmp_path: Path) -> None:
    archive = Archive(tmp_path, clock=Clock())
    archive.import_captures([(A, capture("20190301000000"))], run_id=None, gone=[capture("20200101000000")])
    assert archive.document(KEY).status == "withdrawn"  # type: ignore[union-attr]
    result = archive.import_captures([(B, capture("20210101000000"))], run_id=None)
    assert result.events == 1, "the edit; the withdrawal stays recorded"
    doc = archive.document(KEY)
    assert doc is not None and (doc.status, doc.current_version) == ("active", 2)


def test_gone_captures_of_a_document_seen_live(tmp_path: Path) -> None:
    archive = Archive(tmp_path, clock=Clock(datetime(2019, 1, 1, tzinfo=UTC)))
    archive.record(A)
    result = archive.import_captures([], run_id=None, key=KEY, gone=[capture("20200101000000")])
    assert result.events == 1 and archive.document(KEY).status == "withdrawn"  # type: ignore[union-attr]
    assert events(archive)[0][3].before_source == "live"  # type: ignore[union-attr]


def test_no_withdrawal_from_the_web_archive_after_one_seen_live(tmp_path: Path) -> None:
    archive = Archive(tmp_path, clock=Clock(datetime(2019, 1, 1, tzinfo=UTC)))
    archive.record(A)
    archive.miss(KEY, URL)
    assert archive.miss(KEY, URL) == "withdrawn"
    result = archive.import_captures([], run_id=None, key=KEY, gone=[capture("20200101000000")])
    assert result.events == 0


def test_a_document_known_only_from_the_web_archive_is_withdrawn_at_its_first_404(tmp_path: Path) -> None:
    archive = Archive(tmp_path, clock=Clock())
    archive.import_captures([(A, capture("20190301000000"))], run_id=None)
    assert archive.miss(KEY, URL) == "withdrawn"
    assert archive.document(KEY).status == "withdrawn"  # type: ignore[union-attr]
    assert archive.miss(KEY, URL) == "gone", "a withdrawal is news once"


def test_a_live_visit_after_an_import_compares_with_the_latest_sighting(tmp_path: Path) -> None:
    archive = Archive(tmp_path, clock=Clock())
    archive.import_captures([(A, capture("20190301000000")), (B, capture("20200101000000"))], run_id=None)
    assert archive.record(B).kind == "unchanged", "the text the last capture showed"
    assert [v.sources for v in archive.seen_versions(KEY)] == [{"capture"}, {"capture", "live"}]
    outcome = archive.record(A)
    assert (outcome.kind, outcome.version) == ("reverted", 1), "the text of an earlier capture"
    assert archive.record(C).kind == "changed"
    assert len(archive.versions(KEY)) == 3
    assert archive.web_archive_only() == []


def test_a_crawl_then_an_import_keep_one_version_per_text(tmp_path: Path) -> None:
    archive = Archive(tmp_path, clock=Clock())
    archive.record(B)
    archive.import_captures([(B, capture("20190301000000")), (A, capture("20200101000000"))], run_id=None)
    assert [(v.number, v.sources) for v in archive.seen_versions(KEY)] == [(1, {"capture", "live"}), (2, {"capture"})]
    assert archive.document(KEY).current_version == 1  # type: ignore[union-attr]
    assert archive.record(B).kind == "unchanged"


def state(archive: Archive, key: str) -> tuple[object, ...]:
    """What the catalog answers about a document: its row, timeline, versions and observations."""
    observations = [(o.id, o.kind, o.at, o.version, o.detail) for o in archive.observations(key)]
    return archive.document(key), archive.timeline(key), archive.seen_versions(key), observations


def test_reindex_rebuilds_sightings_events_and_state(tmp_path: Path) -> None:
    archive = Archive(tmp_path, clock=Clock(datetime(2019, 1, 1, tzinfo=UTC)))
    only = replace(A, doc_id="555")
    with archive.run("crawl", ["mofa.go.kr"]) as run:
        archive.record(A, run_id=run.id)
    archive.record(replace(A, doc_id="777"))  # outside runs (library use): replayed between the runs
    with archive.run("import-history", ["mofa.go.kr"]) as run:
        archive.import_captures(
            [(B, capture("20180301000000")), (A, capture("20190601000000")), (C, capture("20190701000000"))],
            run_id=run.id,
            gone=[capture("20190801000000")],
        )
        edited = replace(only, body=B.body)
        archive.import_captures([(only, capture("20170101000000")), (edited, capture("20180101000000"))], run_id=run.id)
    archive.clock = Clock()  # 2026: a live visit is later than every capture
    with archive.run("crawl", ["mofa.go.kr"]) as run:
        archive.record(A, run_id=run.id)
        archive.miss(only.key, only.url, run_id=run.id)
    keys = (KEY, only.key, replace(A, doc_id="777").key)
    before = [state(archive, key) for key in keys], archive.web_archive_only(), changes(archive)
    assert archive.document(only.key).status == "withdrawn"  # type: ignore[union-attr]
    assert [e[0] for e in events(archive)] == ["capture_changed", "capture_changed", "capture_withdrawn"]
    assert archive.document(KEY).current_version == 1  # type: ignore[union-attr]
    archive.close()
    (tmp_path / "catalog.sqlite").unlink()
    rebuilt = Archive(tmp_path, clock=Clock())
    rebuilt.reindex()
    assert ([state(rebuilt, key) for key in keys], rebuilt.web_archive_only(), changes(rebuilt)) == before


def test_an_import_is_no_visit(tmp_path: Path) -> None:
    archive = Archive(tmp_path, clock=Clock())
    with archive.run("crawl", ["mofa.go.kr"]) as run:
        archive.record(A, run_id=run.id)
    visited = archive.document(KEY)
    dates = archive.site_dates("mofa.go.kr")
    only = replace(A, doc_id="555")
    with archive.run("import-history", ["mofa.go.kr"]) as run:
        archive.import_captures([(B, capture("20190301000000"))], run_id=run.id)
        archive.import_captures([(only, capture("20190301000000"))], run_id=run.id, gone=[capture("20200101000000")])
    doc = archive.document(KEY)
    assert doc is not None and visited is not None
    assert (doc.last_visit, doc.last_seen, doc.misses) == (visited.last_visit, visited.last_seen, 0)
    assert archive.site_dates("mofa.go.kr").last_new == dates.last_new, "no document entered the archive live"
    never = archive.document(only.key)
    assert never is not None and never.last_visit == "2020-01-01T00:00:00Z", "never visited live: long due"
