"""What a visit that brought no page amounts to: the observation it records and what the run reports.

`failure_of` is the whole mapping from an error to an outcome, a pure function; `Books` applies it to the
archive and the run's report for one site, and is where a visit that archived nothing gets recorded.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from archive.errors import ArchiveError, PressroomError
from archive.recorder import Archive
from crawler.errors import Blocked, Disallowed, FetchError, HostGivenUp, NotFound
from crawler.pipeline.report import SiteReport

logger = logging.getLogger("crawler.pipeline.engine")  # the run's lines keep the name they always had

# What an error means for the document: "gone" (404/410: the archive decides missing or withdrawn),
# "blocked" (the site refused us), "skipped" (robots.txt: not a visit, nothing recorded), "failed".
GONE, BLOCKED, SKIPPED, FAILED = "gone", "blocked", "skipped", "failed"


@dataclass(frozen=True)
class Failure:
    """A visit's error as an outcome: its kind, the observation's detail, the report's line."""

    kind: str
    detail: str  # what the observation records
    message: str  # what the run's report says
    host_down: str | None = None  # a host given up for the run: its reason, the same for all its URLs


def host_down(exc: BaseException) -> str | None:
    """The host-wide reason of an error from a host given up for the run, or None for a URL's own error."""
    return exc.reason if isinstance(exc, HostGivenUp) else None


def failure_of(exc: PressroomError, url: str) -> Failure:
    """The outcome of a visit of `url` that ended in `exc` (a fetch, parse or archive error)."""
    if isinstance(exc, NotFound):
        return Failure(GONE, exc.reason, str(exc))
    if isinstance(exc, Blocked):
        return Failure(BLOCKED, exc.reason, str(exc), host_down(exc))
    if isinstance(exc, Disallowed):
        return Failure(SKIPPED, str(exc), str(exc))
    if isinstance(exc, FetchError):
        return Failure(FAILED, str(exc), str(exc), host_down(exc))
    if isinstance(exc, ArchiveError):  # its message names a file or the catalog, not the URL
        return Failure(FAILED, f"{url}: {exc}", f"{url}: {exc}")
    return Failure(FAILED, str(exc), str(exc))  # a ParseError names its URL


class Books:
    """Records and reports, for one site of one run, the visits that archived nothing."""

    def __init__(self, archive: Archive, report: SiteReport, run_id: int) -> None:
        self._archive = archive
        self.report = report
        self.run_id = run_id

    def settle(self, key: str | None, url: str, failure: Failure) -> str:
        """Record and report a visit that ended in `failure` (a 404 of a known document is the archive's
        to judge: missing, withdrawn, or still gone); return the observation's kind."""
        if failure.kind == GONE and key is not None and self._archive.document(key) is not None:
            kind = self._archive.miss(key, url, run_id=self.run_id, detail=failure.detail)
            self.report.counts[kind] += 1
            if kind != "gone":  # a withdrawn document that is still gone is no news
                logger.warning("%s %s (%s)", kind, key, failure.detail)
            return kind
        if failure.kind == SKIPPED:
            self.report.counts[SKIPPED] += 1
            logger.warning("skipped %s", failure.message)
            return SKIPPED
        if failure.kind == BLOCKED:
            self.record(key, url, BLOCKED, failure.detail)
            self.report.problem(BLOCKED, failure.message, host_down=failure.host_down)
            return BLOCKED
        return self.failed(key, url, failure.message, host=failure.host_down)

    def failed(self, key: str | None, url: str, message: str, *, host: str | None = None) -> str:
        """Record and report a failed visit; a catalog that cannot record it is said on the same line."""
        try:
            self._archive.observe(key, url, FAILED, run_id=self.run_id, detail=message)
        except ArchiveError as exc:
            message = f"{message} (not recorded: {exc})"
        self.report.problem(FAILED, message, host_down=host)
        return FAILED

    def record(self, key: str | None, url: str, kind: str, detail: str) -> None:
        """Record a visit that archived nothing; a broken catalog must not hide the failure being recorded."""
        try:
            self._archive.observe(key, url, kind, run_id=self.run_id, detail=detail)
        except ArchiveError as exc:
            logger.error("cannot record the %s visit of %s: %s", kind, url, exc)
