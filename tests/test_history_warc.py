"""A web archive's captures in the run's WARC files (#16): kept whole, marked as captures of the original page
at their time, indexed as `memento`, and never the response a re-extraction or `check` reads as the live page."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

from archive.raw import Memento, Response
from archive.recorder import Archive
from archive.warcscan import scan_captures
from tests.test_history_archive import KEY, URL, A, B, Clock, capture

SITE = "mofa.go.kr"
NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


def live_page(body: bytes = b"<html>live</html>") -> Response:
    return Response(URL, 200, (("Content-Type", "text/html"),), body, NOW)


def memento_page(when: str, body: bytes = b"<html>2019</html>") -> tuple[Response, Memento]:
    cap = capture(when)
    headers = (("Content-Type", "text/html"), ("Memento-Datetime", "Tue, 12 Mar 2019 09:45:12 GMT"))
    return Response(cap.url, 200, headers, body, NOW), Memento(URL, cap.at)


def records(root: Path) -> list[tuple[str, dict[str, str], bytes]]:
    """(WARC type, WARC headers, body) of every record under raw/."""
    found = []
    for path in sorted((root / "raw").rglob("*.warc.gz")):
        with path.open("rb") as handle:
            for record in ArchiveIterator(handle):
                found.append((record.rec_type, dict(record.rec_headers.headers), record.content_stream().read()))
    return found


def test_a_memento_is_kept_whole_marked_and_never_taken_for_the_live_page(tmp_path: Path) -> None:
    archive = Archive(tmp_path, clock=Clock())
    with archive.run("crawl", [SITE]) as run:
        outcome = archive.record(A, run_id=run.id)
        live = run.capture(SITE, live_page(), KEY, outcome.kind, outcome.version)
    fetched, memento = memento_page("20190312094512")
    with archive.run("import-history", [SITE]) as run:
        result = archive.import_captures([(B, capture("20190312094512"))], run_id=run.id)
        row = run.capture_memento(SITE, fetched, KEY, result.versions[fetched.url], memento)
    assert row is not None and (row.kind, row.version, row.url) == ("memento", 2, fetched.url)
    assert archive.latest_capture(KEY) == live, "the live page's response, not the later-written 2019 capture"
    kept = [(headers, body) for kind, headers, body in records(tmp_path) if kind == "response"]
    headers, body = kept[-1]
    assert body == b"<html>2019</html>"
    assert headers["WARC-Target-URI"] == fetched.url
    assert headers["Pressroom-Memento-Of"] == URL
    assert headers["Pressroom-Memento-Datetime"] == "2019-03-12T09:45:12Z"
    assert (headers["Pressroom-Document"], headers["Pressroom-Version"]) == (KEY, "2")
    archive.reindex(scan_captures(tmp_path))
    assert archive.latest_capture(KEY) == live, "reindex indexes it as a memento again"
    assert [c.kind for c in scan_captures(tmp_path)] == ["response", "memento"]


def test_a_document_known_only_from_captures_has_no_live_capture(tmp_path: Path) -> None:
    archive = Archive(tmp_path, clock=Clock())
    fetched, memento = memento_page("20190312094512")
    with archive.run("import-history", [SITE]) as run:
        result = archive.import_captures([(A, capture("20190312094512"))], run_id=run.id)
        run.capture_memento(SITE, fetched, KEY, result.versions[fetched.url], memento)
    assert archive.latest_capture(KEY) is None, "reextract and check have no live page to read"


def test_a_memento_that_is_no_news_waits_and_is_dropped(tmp_path: Path) -> None:
    archive = Archive(tmp_path, clock=Clock())
    fetched, memento = memento_page("20190312094512")
    with archive.run("import-history", [SITE]) as run:
        archive.import_captures([(A, capture("20190312094512"))], run_id=run.id)
    with archive.run("import-history", [SITE]) as run:
        again = archive.import_captures([(A, capture("20190312094512"))], run_id=run.id)
        assert again.sightings == 0 and again.versions == {fetched.url: 1}
        assert run.capture_memento(SITE, fetched, KEY, 1, memento, news=False) is None
    assert not (tmp_path / "raw").exists(), "a run that brought nothing new leaves no WARC file"


def test_a_skipped_capture_kept_as_evidence_names_what_it_is_a_capture_of(tmp_path: Path) -> None:
    archive = Archive(tmp_path, clock=Clock())
    fetched, memento = memento_page("20190312094512", b"<html>Request Rejected</html>")
    with archive.run("import-history", [SITE]) as run:
        run.evidence(SITE, fetched, "capture: challenge", KEY, memento=memento)
        run.evidence(SITE, live_page(b"gone"), "withdrawn", KEY)  # news: opens the file
    kept = {headers.get("Pressroom-Evidence"): headers for kind, headers, _ in records(tmp_path) if kind == "response"}
    assert kept["capture: challenge"]["Pressroom-Memento-Of"] == URL
    assert list(scan_captures(tmp_path)) == [], "evidence is never indexed as a document's capture"
