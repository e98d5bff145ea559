"""The archive's side of past versions from the web archive (#16): captures as versions and sightings, events
between them, the document's state, and reindex. No HTTP: releases and captures are built by hand."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from archive.attachment import Attachment
from archive.document import Release, format_captured
from archive.history import Capture, EventDetail, SeenVersion, Sighting, format_detail, parse_detail
from archive.recorder import Archive

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
URL = "https://www.mofa.go.kr/eng/brd/m_5676/view.do?seq=321874"
WAYBACK = "https://web.archive.org/web"


def release(body: tuple[str, ...] = ("First text.",), **changes: object) -> Release:
    fields: dict[str, object] = dict(
        site="mofa.go.kr",
        collection="m_5676",
        collection_name="Press Releases",
        doc_id="321874",
        language="en",
        url=URL,
        title="Outcome of the Policy Consultation",
        published=date(2019, 3, 1),
        body=body,
    )
    fields.update(changes)
    return Release(**fields)  # type: ignore[arg-type]


A, B, C = release(), release(("Edited text.",)), release(("Third text.",))
KEY = A.key


def capture(when: str) -> Capture:
    """A capture at `when` (YYYYMMDDhhmmss), with its id_ URL."""
    at = datetime.strptime(when, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    return Capture(at, f"{WAYBACK}/{when}id_/{URL}")


class Clock:
    def __init__(self, start: datetime = T0) -> None:
        self.now = start

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now


def at(when: str) -> str:
    return format_captured(capture(when).at)


def state(archive: Archive) -> tuple[object, ...]:
    """What the catalog answers about the document: its row, timeline, versions and observations."""
    observations = [(o.kind, o.at, o.version, o.detail) for o in archive.observations(KEY)]
    return archive.document(KEY), archive.timeline(KEY), archive.seen_versions(KEY), sorted(observations)


def log_lines(root: Path) -> list[dict[str, object]]:
    return [
        json.loads(line) for path in sorted((root / "log").glob("*.jsonl")) for line in path.read_text().splitlines()
    ]


def test_captures_become_dated_versions_and_sightings(tmp_path: Path) -> None:
    archive = Archive(tmp_path, clock=Clock())
    caps = [capture("20190312094512"), capture("20190501100000"), capture("20200101000000")]
    with archive.run("import-history", ["mofa.go.kr"]) as run:
        result = archive.import_captures([(B, caps[2]), (A, caps[0]), (A, caps[1])], run_id=run.id)
    assert (result.key, result.new_versions, result.sightings, result.events) == (KEY, [1, 2], 3, 1)
    v1, v2 = archive.version(KEY, 1)[1], archive.version(KEY, 2)[1]
    assert (v1.release.body, v1.captured, v1.origin) == (A.body, caps[0].at, caps[0].url)
    assert (v2.release.body, v2.captured, v2.origin) == (B.body, caps[2].at, caps[2].url)
    text = archive.versions(KEY)[1].path.read_text()
    assert f"Captured: 2020-01-01T00:00:00Z\nOrigin: {caps[2].url}\n" in text
    assert archive.timeline(KEY) == [
        Sighting(at("20190312094512"), 1, "capture", caps[0].url),
        Sighting(at("20190501100000"), 1, "capture", caps[1].url),
        Sighting(at("20200101000000"), 2, "capture", caps[2].url),
    ]
    assert archive.seen_versions(KEY) == [
        SeenVersion(1, at("20190312094512"), at("20190501100000"), {"capture"}),
        SeenVersion(2, at("20200101000000"), at("20200101000000"), {"capture"}),
    ]
    doc = archive.document(KEY)
    assert doc is not None
    assert (doc.current_version, doc.latest_version, doc.status) == (2, 2, "active")
    assert (doc.first_seen, doc.last_seen) == (at("20190312094512"), at("20200101000000"))
    assert archive.web_archive_only() == [KEY] == archive.web_archive_only("mofa.go.kr")
    assert archive.web_archive_only("mid.ru") == []
    logged = [e for e in log_lines(tmp_path) if e["event"] == "observation"]
    assert [(e["kind"], e["at"], e["detail"]) for e in logged[:3]] == [
        ("captured", at("20190312094512"), caps[0].url),
        ("captured", at("20190501100000"), caps[1].url),
        ("captured", at("20200101000000"), caps[2].url),
    ]


def test_importing_twice_records_nothing_new(tmp_path: Path) -> None:
    archive = Archive(tmp_path, clock=Clock())
    pairs = [(A, capture("20190312094512")), (B, capture("20200101000000"))]
    with archive.run("import-history", ["mofa.go.kr"]) as run:
        archive.import_captures(pairs, run_id=run.id)
    before, lines = state(archive), len(log_lines(tmp_path))
    files = sorted(tmp_path.rglob("*.txt"))
    with archive.run("import-history", ["mofa.go.kr"]) as run:
        again = archive.import_captures(list(reversed(pairs)), run_id=run.id)
    assert (again.new_versions, again.sightings, again.events) == ([], 0, 0)
    assert state(archive) == before
    assert len(log_lines(tmp_path)) == lines + 2, "only the second run's start and end"
    assert sorted(tmp_path.rglob("*.txt")) == files


def test_a_capture_with_a_text_of_any_version_is_a_sighting_of_it(tmp_path: Path) -> None:
    archive = Archive(tmp_path, clock=Clock())
    archive.record(A)  # live, 2026: v1
    archive.record(B)  # live: v2
    result = archive.import_captures(
        [(A, capture("20190101000000")), (C, capture("20190601000000")), (A, capture("20200101000000"))], run_id=None
    )
    assert result.new_versions == [3], "only the text no version has is written"
    assert [v.number for v in archive.seen_versions(KEY)] == [1, 3, 2], "ordered by first sighting"
    assert archive.seen_versions(KEY)[0].sources == {"capture", "live"}
    assert archive.document(KEY).current_version == 2, "the latest sighting is the live visit"  # type: ignore[union-attr]
    assert archive.web_archive_only() == []
    assert len(list(archive.store.doc_dir(KEY).glob("*.txt"))) == 3


def test_the_current_version_is_the_latest_sighting_and_a_tie_goes_to_live(tmp_path: Path) -> None:
    archive = Archive(tmp_path, clock=Clock(datetime(2019, 1, 1, tzinfo=UTC)))
    archive.record(A)
    seen = archive.document(KEY).last_seen  # type: ignore[union-attr]
    archive.import_captures(
        [(B, capture(seen.replace("-", "").replace(":", "").strip("TZ").replace("T", "")))], run_id=None
    )
    assert archive.timeline(KEY)[0].at == archive.timeline(KEY)[1].at == seen
    assert archive.document(KEY).current_version == 1, "a capture of the same second as the visit"  # type: ignore[union-attr]
    archive.import_captures([(C, capture("20200101000000"))], run_id=None)
    doc = archive.document(KEY)
    assert doc is not None and doc.current_version == 3, "a capture after the last visit is the latest sighting"
    assert doc.last_seen == seen, "last_seen stays the last live visit"


def test_captured_attachments_are_listed_not_stored(tmp_path: Path) -> None:
    archive = Archive(tmp_path, clock=Clock())
    files = (Attachment("Statement.pdf", "https://www.mofa.go.kr/down.do?f=1"), Attachment("Annex"))
    archive.import_captures([(replace(A, attachments=files), capture("20190101000000"))], run_id=None)
    text = archive.versions(KEY)[0].path.read_text()
    assert (
        "Attachment: Statement.pdf <https://www.mofa.go.kr/down.do?f=1> not stored: seen in a web-archive capture\n"
        in text
    )
    assert "Attachment: Annex\n" in text
    assert [(a.name, a.failure) for a in archive.attachments(KEY)] == [
        ("Statement.pdf", "seen in a web-archive capture"),
        ("Annex", ""),
    ]


def test_captures_of_two_documents_are_refused(tmp_path: Path) -> None:
    archive = Archive(tmp_path, clock=Clock())
    other = release(doc_id="999")
    with pytest.raises(ValueError, match="one document"):
        archive.import_captures([(A, capture("20190101000000")), (other, capture("20190102000000"))], run_id=None)
    assert not any(tmp_path.rglob("*.txt"))


@pytest.mark.parametrize(
    "detail",
    [
        EventDetail("changed", "capture", "2019-03-12T09:45:12Z", 1, "capture", "2019-05-01T10:00:00Z"),
        EventDetail("reverted", "live", "2026-01-02T03:04:05Z", 2, "capture", "2026-02-01T00:00:00Z"),
        EventDetail(
            "withdrawn",
            "capture",
            "2020-01-01T00:00:00Z",
            12,
            "capture",
            "2021-06-01T00:00:00Z",
            f"{WAYBACK}/20210601000000id_/{URL}",
        ),
    ],
)
def test_event_details_parse_back(detail: EventDetail) -> None:
    assert parse_detail(format_detail(detail)) == detail


@pytest.mark.parametrize("text", ["", "was v2", "changed between captures of 2019 and 2020", "re-extraction of X"])
def test_other_details_are_not_event_details(text: str) -> None:
    assert parse_detail(text) is None
