"""The pipeline's last step: what a fetched page says goes into the archive, with the capture that shows it.

A new text becomes a version (new, changed, reverted, restored), the same text a sighting (unchanged), a
304 a not-modified visit; each keeps its raw capture in the run's WARC files. A page that does not parse,
or that the archive cannot take, is a failed visit: nothing already archived is touched.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future
from dataclasses import replace

from archive.document import Release
from archive.errors import ArchiveError
from archive.raw import BuiltResponse, Response
from archive.recorder import Archive, Outcome
from archive.runs import Run
from crawler.errors import ParseError
from crawler.net.fetcher import Page
from crawler.pipeline.captures import to_response
from crawler.pipeline.outcome import Books, failure_of
from crawler.sites.base import Site
from crawler.wording import clip

logger = logging.getLogger("crawler.pipeline.engine")  # the run's lines keep the name they always had


class Keeper:
    """Archives fetched pages; `recording` is the run that keeps their captures (None: no captures kept)."""

    def __init__(self, archive: Archive, recording: Run | None = None) -> None:
        self._archive = archive
        self._recording = recording

    @property
    def recording(self) -> Run | None:
        """The run that keeps the captures (None outside a run)."""
        return self._recording

    def keep(
        self,
        site: Site,
        page: Page,
        url: str,
        key: str,
        books: Books,
        *,
        known: bool,
        parsed: Future[Release] | None,
        files: tuple[Response, ...] = (),
    ) -> str:
        """Record what `page` says of the document at `url` (`key`, `known` to the archive or not; its release
        perhaps being `parsed` already, its attachments fetched as `files`); return the observation's kind."""
        report, run_id = books.report, books.run_id
        fetched, recording = to_response(page), self._recording
        # A new document's response will be kept: build its WARC records while the version file is synced.
        built = recording.prepare(fetched, key) if recording is not None and not known and page.status == 200 else None
        if page.status == 304:
            doc = self._archive.document(key)
            report.counts[self._archive.observe(key, url, "not_modified", run_id=run_id)] += 1
            logger.debug("not modified %s", key)
            self._capture(site, page, fetched, key, "not_modified", doc.current_version if doc else None, books)
            return "not_modified"
        try:
            release = parsed.result() if parsed is not None else site.parse_release(page.text, url)
        except ParseError as exc:
            report.page_unparsed(exc.reason)  # nothing archived from a page that did not parse
            return books.failed(key, url, failure_of(exc, url).message)
        report.pages_parsed += 1
        try:
            release = self._filed_as_before(site, release) if known else release
            outcome = self._archive.record(release, run_id=run_id, etag=page.etag, last_modified=page.last_modified)
        except ArchiveError as exc:
            return books.failed(key, url, failure_of(exc, url).message)
        self._capture(site, page, fetched, outcome.key, outcome.kind, outcome.version, books, built)
        self._capture_files(site, files, outcome.key, outcome.version, books)
        _tell(books, outcome, release.title)
        return outcome.kind

    def _filed_as_before(self, site: Site, release: Release) -> Release:
        """The release in the collection (and under the URL) its document was first archived in, when its id
        alone names it (site-wide ids): another section path that reaches the same id is how it was found, not what it
        is, and must not move an archived document to another collection. A stored URL the site no longer
        takes as canonical (an article slug filed as a section before) does not hold the document."""
        doc = self._archive.document(release.key) if release.site_wide_id else None
        if doc is None or (doc.collection, doc.url) == (release.collection, release.url):
            return release
        try:
            if site.canonical_url(doc.url) != doc.url:
                return release
        except ValueError:
            return release
        _, shown = self._archive.version(doc.key, doc.current_version)
        filed = shown.release
        return replace(release, collection=filed.collection, collection_name=filed.collection_name, url=doc.url)

    def _capture(
        self,
        site: Site,
        page: Page,
        fetched: Response,
        key: str,
        kind: str,
        version: int | None,
        books: Books,
        built: Future[BuiltResponse] | None = None,
    ) -> None:
        """Keep the capture that produced (a whole response) or confirmed (a revisit) a version; a capture
        that cannot be kept is a problem of the run, though the version itself is safe."""
        if self._recording is None:
            return
        try:
            self._recording.capture(site.name, fetched, key, kind, version, built)
        except (OSError, ArchiveError) as exc:
            books.report.problem("captures_lost", f"{page.url}: the raw capture was not kept: {exc}")

    def _capture_files(self, site: Site, files: tuple[Response, ...], key: str, version: int, books: Books) -> None:
        """Keep the attachments' responses whole beside their page's capture (a problem of the run if not)."""
        recording = self._recording
        if recording is None:
            return
        for fetched in files:
            try:
                recording.capture_attachment(site.name, fetched, key, version)
            except (OSError, ArchiveError) as exc:
                books.report.problem("captures_lost", f"{fetched.url}: the raw capture was not kept: {exc}")


def _tell(books: Books, outcome: Outcome, title: str) -> None:
    """Count a recorded visit in the run's report and log it (an edit, a revert, a new release: at info)."""
    books.report.counts[outcome.kind] += 1
    if outcome.restored and outcome.kind != "restored":  # came back edited: both are news
        books.report.counts["restored"] += 1
    if outcome.kind != "unchanged":
        logger.info("%s %s v%d  %s", outcome.kind, outcome.key, outcome.version, clip(title, 70))
    else:
        logger.debug("unchanged %s v%d", outcome.key, outcome.version)
