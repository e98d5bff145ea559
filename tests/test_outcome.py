"""What a visit that brought no page amounts to: the error -> outcome table, and what each records and reports."""

from __future__ import annotations

from pathlib import Path

import pytest

from archive.errors import ArchiveError, PressroomError
from archive.recorder import Archive
from crawler.errors import (
    Blocked,
    Disallowed,
    FetcherGone,
    FetchError,
    HostBlocked,
    HostGivenUp,
    NotFound,
    ParseError,
    RetryExhausted,
)
from crawler.pipeline.outcome import Books, Failure, failure_of, host_down
from crawler.pipeline.report import SiteReport
from tests.test_archive import release

URL = "https://www.mofa.go.kr/eng/brd/m_5676/view.do?seq=321874"


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (NotFound(URL, "HTTP 404"), Failure("gone", "HTTP 404", f"{URL}: HTTP 404")),
        (NotFound(URL, "HTTP 410"), Failure("gone", "HTTP 410", f"{URL}: HTTP 410")),
        (Blocked(URL, "anti-bot challenge"), Failure("blocked", "anti-bot challenge", f"{URL}: anti-bot challenge")),
        (
            HostBlocked(URL, "robots.txt is a challenge page"),
            Failure(
                "blocked",
                "robots.txt is a challenge page",
                f"{URL}: robots.txt is a challenge page",
                "robots.txt is a challenge page",
            ),
        ),
        (
            Disallowed(URL, "robots.txt forbids it"),
            Failure("skipped", f"{URL}: robots.txt forbids it", f"{URL}: robots.txt forbids it"),
        ),
        (
            RetryExhausted(URL, "HTTP 503 on every try"),
            Failure("failed", f"{URL}: HTTP 503 on every try", f"{URL}: HTTP 503 on every try"),
        ),
        (
            HostGivenUp(URL, "the name does not resolve"),
            Failure(
                "failed",
                f"{URL}: the name does not resolve",
                f"{URL}: the name does not resolve",
                "the name does not resolve",
            ),
        ),
        (
            FetcherGone(URL, "the fetch process ended"),
            Failure("failed", f"{URL}: the fetch process ended", f"{URL}: the fetch process ended"),
        ),
        (FetchError(URL, "too large"), Failure("failed", f"{URL}: too large", f"{URL}: too large")),
        (ParseError(URL, "no title"), Failure("failed", f"{URL}: no title", f"{URL}: no title")),
        (
            ArchiveError("disk full"),
            Failure("failed", f"{URL}: disk full", f"{URL}: disk full"),
        ),  # the URL added: it names none
    ],
)
def test_what_an_error_amounts_to(error: PressroomError, expected: Failure) -> None:
    assert failure_of(error, URL) == expected


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (HostGivenUp(URL, "asked to wait 3600 s"), "asked to wait 3600 s"),
        (HostBlocked(URL, "robots.txt is a challenge page"), "robots.txt is a challenge page"),
        (Blocked(URL, "anti-bot challenge"), None),
        (RetryExhausted(URL, "timeout"), None),
        (ValueError("not ours"), None),
    ],
)
def test_host_down_is_only_for_a_host_given_up(error: Exception, reason: str | None) -> None:
    assert host_down(error) == reason


def observations(archive: Archive) -> list[tuple[str, str, str]]:
    rows = archive.catalog.db.execute("SELECT kind, url, detail FROM observations ORDER BY rowid").fetchall()
    return [tuple(row) for row in rows]


@pytest.mark.parametrize(
    ("error", "kind", "recorded", "counts"),
    [
        (NotFound(URL, "HTTP 404"), "failed", [("failed", URL, f"{URL}: HTTP 404")], {"failed": 1}),  # never archived
        (Blocked(URL, "challenge"), "blocked", [("blocked", URL, "challenge")], {"blocked": 1}),
        (Disallowed(URL, "robots.txt"), "skipped", [], {"skipped": 1}),  # not a visit: nothing recorded
        (RetryExhausted(URL, "HTTP 503"), "failed", [("failed", URL, f"{URL}: HTTP 503")], {"failed": 1}),
    ],
)
def test_what_a_failed_visit_records_and_reports(
    tmp_path: Path, error: PressroomError, kind: str, recorded: list[tuple[str, str, str]], counts: dict[str, int]
) -> None:
    archive = Archive(tmp_path)
    report = SiteReport("mofa.go.kr")
    try:
        assert Books(archive, report, 1).settle("mofa.go.kr/m_5676/1", URL, failure_of(error, URL)) == kind
        assert observations(archive) == recorded
    finally:
        archive.close()
    assert dict(report.counts) == counts
    assert len(report.problems) == (0 if kind == "skipped" else 1)


def test_a_known_document_that_is_gone_is_missing(tmp_path: Path) -> None:
    archive = Archive(tmp_path)
    report = SiteReport("mofa.go.kr")
    try:
        key = archive.record(release()).key
        assert Books(archive, report, 1).settle(key, URL, failure_of(NotFound(URL, "HTTP 404"), URL)) == "missing"
        assert observations(archive)[-1] == ("missing", URL, "HTTP 404")
    finally:
        archive.close()
    assert dict(report.counts) == {"missing": 1} and not report.problems  # news, not a problem of the run


def test_a_failure_the_catalog_cannot_record_is_still_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    archive = Archive(tmp_path)
    report = SiteReport("mofa.go.kr")

    def broken(*args: object, **kwargs: object) -> str:
        raise ArchiveError("catalog.sqlite: database or disk is full")

    monkeypatch.setattr(archive, "observe", broken)
    try:
        books = Books(archive, report, 1)
        assert books.settle(None, URL, failure_of(RetryExhausted(URL, "HTTP 503"), URL)) == "failed"
        assert books.settle(None, URL, failure_of(Blocked(URL, "challenge"), URL)) == "blocked"
    finally:
        archive.close()
    assert report.problems == [
        f"failed: {URL}: HTTP 503 (not recorded: catalog.sqlite: database or disk is full)",
        f"blocked: {URL}: challenge",  # its record's failure is logged on its own line
    ]
