"""A run as a context manager: its record is started once and finished once, as the way out says; the raw
captures it keeps (WARC), fed the archive's own Response value."""

from __future__ import annotations

import errno
import gzip
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive.errors import ArchiveError
from archive.log import LOG_DIR
from archive.raw import RawWriter, Response, build_response
from archive.recorder import Archive
from archive.warcscan import read_response, scan_captures
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
    [row] = archive.runs()
    assert (row.id, row.command, row.sites) == (run.id, "crawl", "mofa.go.kr")
    assert (row.status, row.counts) == ("partial", {"new": 1}) and row.finished
    assert [e["event"] for e in logged(tmp_path)] == ["run", "observation", "end"]
    with pytest.raises(RuntimeError, match="already started"), run:
        pass  # a second entry would start a second record
    assert len(archive.runs()) == 1 and len(logged(tmp_path)) == 3


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
    [row] = archive.runs()
    assert (row.status, row.counts) == (status, {"new": 2}) and row.finished
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


def response(url: str = "https://www.mofa.go.kr/eng/brd/m_5676/view.do?seq=1", status: int = 200) -> Response:
    """A fetched page as the pipeline hands it to the archive."""
    return Response(
        url=url,
        status=status,
        headers=(("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", "gzip"), ("Set-Cookie", "a=1")),
        body="<html><p>Первый.</p></html>".encode() if status == 200 else b"",
        fetched_at=datetime(2026, 3, 1, 12, 0, 5, tzinfo=UTC),
        request_headers=(("User-Agent", "pressroom-test"),),
    )


def test_a_run_keeps_captures_as_typed_values_and_a_revisit_points_at_the_last_whole_one(tmp_path: Path) -> None:
    archive = Archive(tmp_path, clock=Clock())
    key = release().key
    with archive.run("crawl", ["mofa.go.kr"]) as run:
        whole = run.capture("mofa.go.kr", response(), key, "new", 1)
        again = run.capture("mofa.go.kr", response(status=304), key, "not_modified", 1)
    assert archive.latest_capture(key) == whole and (whole.kind, again.kind) == ("response", "revisit")
    assert (whole.key, whole.version, whole.url) == (key, 1, response().url)
    assert whole.warc == again.warc and whole.warc.startswith("raw/mofa.go.kr/") and again.offset > whole.offset
    with (tmp_path / whole.warc).open("rb") as handle:
        records = list(ArchiveIterator(handle))
        handle.seek(again.offset)
        revisit = next(iter(ArchiveIterator(handle)))
    assert [r.rec_type for r in records] == ["warcinfo", "request", "response", "revisit"]
    assert revisit.rec_headers.get_header("WARC-Refers-To") == whole.record_id
    assert revisit.rec_headers.get_header("WARC-Profile").endswith("/server-not-modified")
    stored = read_response(tmp_path, whole.warc, whole.offset)
    assert (stored.url, stored.date, stored.body) == (response().url, "2026-03-01T12:00:05Z", response().body)
    assert list(scan_captures(tmp_path)) == [whole, again]  # what reindex reads back is what was indexed
    with pytest.raises(RuntimeError, match="only while the run is open"):
        run.capture("mofa.go.kr", response(), key, "unchanged", 1)


def test_the_warc_records_of_a_response_keep_their_fields(tmp_path: Path) -> None:
    """The fields pressroom has always written (reindex and re-extraction read them in old archives too)."""
    built = build_response(response(), "mofa.go.kr/m_5676/1", 3)
    request, record = (gzip.decompress(part).decode() for part in (built.request, built.response))
    assert request.startswith("WARC/1.1\r\n") and "\r\nGET /eng/brd/m_5676/view.do?seq=1 HTTP/1.1\r\n" in request
    assert "\r\nUser-Agent: pressroom-test\r\n" in request
    head, _, body = record.partition("\r\n\r\nHTTP/1.1 200 OK\r\n")
    fields = dict(line.split(": ", 1) for line in head.split("\r\n")[1:])
    assert fields["WARC-Type"] == "response" and fields["WARC-Target-URI"] == response().url
    assert (fields["WARC-Date"], fields["Pressroom-Document"], fields["Pressroom-Version"]) == (
        "2026-03-01T12:00:05Z",
        "mofa.go.kr/m_5676/1",
        "3",
    )
    assert fields["WARC-Concurrent-To"] in request and built.record_id == fields["WARC-Record-ID"]
    # The body is stored decoded: its encoding header is renamed so that no reader decodes it twice.
    assert "X-Pressroom-Original-Content-Encoding: gzip\r\n" in body and "\nContent-Encoding" not in body
    assert body.endswith("\r\n\r\n<html><p>Первый.</p></html>\r\n\r\n")


@pytest.mark.parametrize(("stop", "status"), [("ok", "partial"), ("interrupted", "interrupted")])
def test_a_run_whose_warc_files_cannot_be_closed_is_not_ok(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stop: str, status: str
) -> None:
    def full(self: RawWriter) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(RawWriter, "close", full)
    archive = Archive(tmp_path, clock=Clock())
    with archive.run("crawl", ["mofa.go.kr"]) as run:
        run.capture("mofa.go.kr", response(), release().key, "new", 1)
        run.status = stop
    assert run.problems == [f"raw captures of run {run.id} may be incomplete: [Errno 28] No space left on device"]
    assert [r.status for r in archive.runs()] == [status]


def test_an_archive_from_before_the_log_gets_its_runs_written_to_it(tmp_path: Path) -> None:
    archive = Archive(tmp_path, clock=Clock())
    with archive.run("crawl", ["mofa.go.kr", "mid.ru"], counts=lambda: {"new": 1}) as first:
        archive.record(release(), run_id=first.id)
    archive.close()
    for path in (tmp_path / LOG_DIR).iterdir():  # as the archive was before runs had a log
        path.unlink()
    (tmp_path / LOG_DIR).rmdir()
    archive = Archive(tmp_path, clock=Clock())
    with archive.run("backfill", ["mid.ru"]):
        pass
    events = logged(tmp_path)
    assert [(e["event"], e["run"]) for e in events] == [
        ("run", 1),
        ("observation", 1),
        ("end", 1),
        ("run", 2),
        ("end", 2),
    ]
    assert (events[0]["command"], events[0]["sites"], events[2]["counts"]) == (
        "crawl",
        ["mofa.go.kr", "mid.ru"],
        {"new": 1},
    )
    before = archive.runs()
    archive.reindex()
    assert archive.runs() == before and [r.status for r in before] == ["ok", "ok"]
