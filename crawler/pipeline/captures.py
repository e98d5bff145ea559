"""What the network layer fetched, as the archive keeps it: a `Page` turned into the archive's `Response`, and
the evidence a run keeps beside its releases (robots.txt, list pages, the 404/410 behind a missing page)."""

from __future__ import annotations

from archive.errors import ArchiveError
from archive.raw import Memento, Response
from archive.runs import Run
from crawler.errors import FetchError, NotFound
from crawler.net.fetcher import Page
from crawler.pipeline.report import SiteReport

ROBOTS, LIST_PAGE, MEMENTO = "robots.txt", "list page", "web-archive capture"
GONE_KINDS = frozenset({"missing", "withdrawn", "gone"})  # observations a 404/410 makes of a known document


def to_response(page: Page) -> Response:
    """The archive's plain value of a fetched page: its final URL, status, headers and decoded body."""
    return Response(
        url=page.final_url,
        status=page.status,
        headers=tuple(page.headers.multi_items()),
        body=page.content,
        fetched_at=page.fetched_at,
        request_headers=tuple(page.request_headers.multi_items()),
    )


class Evidence:
    """Keeps, in one site's WARC file of a run, the responses the run read that are not releases.

    Outside a run (`recording` None: library use) nothing is kept. A response that cannot be kept (a full
    disk) is a lost capture of the run, as a release's would be; the run goes on.
    """

    def __init__(self, recording: Run | None = None, site: str = "", report: SiteReport | None = None) -> None:
        self._recording = recording
        self._site = site
        self._report = report

    def robots(self, found: Page | Exception | None) -> None:
        """The robots.txt responses read on the way to a page or a fetch error."""
        for page in found.evidence if isinstance(found, Page | FetchError) else ():
            self._keep(page, ROBOTS)

    def listing(self, page: Page) -> None:
        """A list page (or feed) read for discovery, after the robots.txt read on the way to it."""
        self.robots(page)
        self._keep(page, LIST_PAGE)

    def gone(self, error: Exception | None, key: str | None, kind: str) -> None:
        """The 404/410 response behind an observation `kind` (missing, withdrawn, gone) of document `key`."""
        if isinstance(error, NotFound) and kind in GONE_KINDS and isinstance(error.response, Page):
            self._keep(error.response, kind, key)

    def skipped_memento(self, page: Page, key: str, memento: Memento, why: str) -> None:
        """A web-archive capture read for document `key` that is not the release (`why`: the reason), kept
        marked as the capture it is, never as the live page."""
        self._keep(page, f"{MEMENTO}: {why}", key, memento)

    def memento(self, page: Page, key: str, version: int, memento: Memento) -> None:
        """A web-archive capture that showed version `version` of `key`, kept whole and indexed as a memento."""
        if self._recording is None:
            return
        try:
            self._recording.capture_memento(self._site, to_response(page), key, version, memento)
        except (OSError, ArchiveError) as exc:
            if self._report is not None:
                self._report.problem("captures_lost", f"{page.url}: the raw capture was not kept: {exc}")

    def _keep(self, page: Page, what: str, key: str | None = None, memento: Memento | None = None) -> None:
        if self._recording is None:
            return
        try:
            self._recording.evidence(self._site, to_response(page), what, key, memento=memento)
        except (OSError, ArchiveError) as exc:
            if self._report is not None:
                self._report.problem("captures_lost", f"{page.url}: the raw capture of the {what} was not kept: {exc}")
