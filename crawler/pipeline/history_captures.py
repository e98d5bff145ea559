"""The capture phase of a history import: each document's captures fetched, judged and imported in one step.

Captures are read through the web archive's capture lane a few ahead of the one being judged (the lane's
gate still sends them one at a time, at its rate); a document is handed to the archive once its last capture
is judged, and journalled then, unless a capture could not be fetched (a rerun fetches it, and imports the
document again: the archive records nothing twice).
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime

from archive.errors import ArchiveError, disk_full
from archive.history import Capture
from archive.raw import Memento
from archive.recorder import Archive
from crawler.config import Config
from crawler.errors import FetcherGone, FetchError, HostGivenUp, Interrupted
from crawler.net.page import Page
from crawler.net.process import AnyFetcher
from crawler.pipeline.engine import Engine, RunReport, SiteReport
from crawler.pipeline.history_find import worth_fetching
from crawler.pipeline.history_journal import Found, HistoryJournal, Judged, unstamp_any
from crawler.pipeline.history_judge import REDIRECT, Verdict, judge
from crawler.pipeline.history_judged import JudgedCaptures
from crawler.pipeline.history_report import HistoryReport
from crawler.pipeline.policy import wayback_policies
from crawler.pipeline.stop import Stop
from crawler.progress import Progress
from crawler.sites import SITES, cdx
from crawler.wording import clip

logger = logging.getLogger("crawler.pipeline.history")  # one logger name for the whole import

# Answers of the web archive itself (no memento) that say a capture will never be the release: the index lists
# it but the archive cannot play it back (404, 403: excluded since), or the capture redirects off the archive.
SKIPPED_ERRORS = {
    **dict.fromkeys((403, 404, 410), "not played back"),
    **dict.fromkeys((301, 302, 303, 307, 308), REDIRECT),
}
AHEAD = 3  # captures fetched ahead of the one being judged: the lane's gate keeps them one at a time anyway


@dataclass
class _Read:
    """A capture fetched (or the error that stopped it)."""

    row: Found
    page: Page | None = None
    error: FetchError | None = None


@dataclass
class _Doc:
    """One document's import in progress: its verdicts so far."""

    rows: list[Found]
    pairs: list[tuple[Verdict, Page]] = field(default_factory=list)  # the captures that showed the release
    gone: list[Capture] = field(default_factory=list)
    failed: int = 0  # captures that could not be fetched: the document is imported again by a rerun
    pending: int = 0  # captures still to judge


class CaptureImport:
    """Reads, judges and imports the captures of the documents a history import found."""

    def __init__(
        self, archive: Archive, config: Config, engine: Engine, report: HistoryReport, progress: Progress
    ) -> None:
        """`engine`: the run's engine (its evidence keeps the captures in the run's WARC files)."""
        self._archive = archive
        self._config = config
        self._engine = engine
        self.report = report
        self._progress = progress
        self.stop = Stop()
        self.given_up = ""  # the web archive's reason, once the run gave it up
        self.halted = ""  # why the archive cannot take any more (a full disk): nothing more is fetched
        self._judged = JudgedCaptures.open(archive.root)  # what any earlier import found to be no release

    def _plan(self, journal: HistoryJournal, run: RunReport) -> tuple[dict[str, _Doc], list[Found]]:
        """The documents still to import, and their captures still to fetch (neither judged by an earlier run
        nor already recorded by an earlier import); the documents with nothing left to fetch are imported now."""
        docs: dict[str, _Doc] = {}
        for key, rows in journal.by_document().items():
            if key in journal.docs:
                continue
            seen = self._seen_at(key)
            doc = docs[key] = _Doc([row for row in worth_fetching(rows) if row.at not in seen])
            for row in doc.rows:  # what an earlier run judged: the captures that showed it gone still count
                judged = self._judgement(journal, row)
                if judged is not None and judged.outcome.startswith("gone:"):
                    doc.gone.append(Capture(at=row.at, url=judged.capture_url))
        self.report.resumed = len(journal.docs)
        todo = [row for doc in docs.values() for row in doc.rows if self._judgement(journal, row) is None]
        total = sum(len(doc.rows) for doc in docs.values())
        self._progress.add(total, done=total - len(todo))
        self.report.judged_before = total - len(todo)
        for key, doc in docs.items():
            doc.pending = sum(1 for row in todo if row.key == key)
            if doc.pending == 0:
                self._finish(key, doc, journal, run)
        return docs, todo

    async def run(self, fetcher: AnyFetcher, journal: HistoryJournal, run: RunReport, stop: Stop) -> bool:
        """Fetch, judge and import each document's captures, a few ahead; True if a stop cut it short."""
        self.stop = stop
        docs, todo = self._plan(journal, run)
        ahead: deque[asyncio.Task[_Read]] = deque()
        reads = iter(todo)
        try:
            while True:
                while len(ahead) <= AHEAD and not self.stop.is_set() and not self.given_up and not self.halted:
                    row = next(reads, None)
                    if row is None:
                        break
                    ahead.append(asyncio.ensure_future(self._read(fetcher, row)))
                if not ahead:
                    return self.stop.is_set()
                read = await ahead.popleft()
                if self.stop.is_set() and isinstance(read.error, Interrupted | FetcherGone):
                    return True
                doc = docs[read.row.key]
                self._settle(read, doc, journal, run)
                self._progress.advance()
                doc.pending -= 1
                if doc.pending == 0 and not self.given_up:
                    self._finish(read.row.key, doc, journal, run)
        finally:
            for task in ahead:
                task.cancel()
            await asyncio.gather(*ahead, return_exceptions=True)

    def _judgement(self, journal: HistoryJournal, row: Found) -> Judged | None:
        """How this import or any earlier one judged a capture that is no release (None: not judged yet)."""
        return journal.judged.get((row.key, row.at)) or self._judged.get(row.at, row.original)

    def _judge(self, journal: HistoryJournal, row: Found, outcome: str, capture_url: str) -> None:
        """Record a capture judged no release in the import's journal and in the archive's record."""
        journal.judge(row.key, row.at, outcome, capture_url)
        self._judged.record(row.at, row.original, row.key, outcome, capture_url)

    def _seen_at(self, key: str) -> set[datetime]:
        """When the document's captures already recorded were taken (an import again fetches only new ones)."""
        return {unstamp_any(s.at) for s in self._archive.timeline(key) if s.source == "capture"}

    async def _read(self, fetcher: AnyFetcher, row: Found) -> _Read:
        url = cdx.memento_url(self._config.wayback_url, row.at, row.original)
        policy = wayback_policies(self._config, SITES[row.site]).captures
        try:
            return _Read(row, page=await fetcher.get(url, policy))
        except FetchError as exc:
            return _Read(row, error=exc)

    def _settle(self, read: _Read, doc: _Doc, journal: HistoryJournal, run: RunReport) -> None:
        """Judge one capture read; journal a capture that is no release (so no rerun fetches it again)."""
        row = read.row
        if read.error is not None:
            if isinstance(read.error, HostGivenUp):
                self.given_up = self.given_up or read.error.reason
            elif read.error.status in SKIPPED_ERRORS:
                reason = SKIPPED_ERRORS[read.error.status]
                self._judge(journal, row, f"skip:{reason}", read.error.url)
                self.report.skipped[reason] += 1
            else:
                logger.warning("web archive: %s", read.error)
                self.report.failed += 1
                doc.failed += 1
            return
        assert read.page is not None
        self.report.captures += 1
        verdict = judge(SITES[row.site], row, read.page)
        if verdict.release is not None:
            doc.pairs.append((verdict, read.page))  # kept in the WARC files once its version is known
            return
        memento = Memento(verdict.original, verdict.capture.at)
        evidence = self._engine.evidence(SITES[row.site], site_report(run, row.site))
        why = f"unparsable ({verdict.hint})" if verdict.hint else verdict.reason
        evidence.skipped_memento(read.page, row.key, memento, why)
        if verdict.hint:
            self.report.unparsable[verdict.hint] += 1
        else:
            self.report.skipped[verdict.reason] += 1
        logger.debug("capture %s of %s skipped: %s", verdict.capture.url, row.key, verdict.outcome)
        if verdict.gone:
            doc.gone.append(verdict.capture)
        self._judge(journal, row, verdict.outcome, verdict.capture.url)

    def _finish(self, key: str, doc: _Doc, journal: HistoryJournal, run: RunReport) -> None:
        """Hand a document's captures to the archive in one step; journal it unless a capture is still to fetch."""
        pairs = [(v.release, v.capture) for v, _ in doc.pairs if v.release is not None]
        if not doc.rows:
            summary = "nothing new"  # every capture listed was recorded by an earlier import
        elif pairs or doc.gone:
            try:
                result = self._archive.import_captures(pairs, run_id=run.run_id, gone=doc.gone, key=key)
            except ArchiveError as exc:
                if disk_full(exc):  # every later document would fail alike: fetch nothing more for it
                    self.halted = self.halted or (
                        f"the archive's disk is full ({exc}): stopped fetching captures; free some space and run "
                        "the same command again to continue where it stopped"
                    )
                    return
                run.error(f"{key}: the captures could not be imported: {exc}")
                return
            self._keep_mementos(key, doc, result.versions, run)
            self.report.versions += len(result.new_versions)
            self.report.sightings += result.sightings
            self.report.events += result.events
            titles = {result.versions.get(capture.url): release.title for release, capture in pairs}
            for number in result.new_versions:  # each version by its own title (an edit may be the title)
                logger.info("captured %s v%d  %s", key, number, clip(titles.get(number, ""), 60))
            summary = f"{len(result.new_versions)} versions, {result.sightings} sightings, {result.events} events"
        else:
            summary = "no release among its captures"
        self.report.documents += 1 if doc.rows else 0
        if doc.failed == 0:
            journal.imported(key, summary)

    def _keep_mementos(self, key: str, doc: _Doc, versions: dict[str, int], run: RunReport) -> None:
        """Keep the captures that showed the release in the run's WARC files, each with its version."""
        for verdict, page in doc.pairs:
            version = versions.get(verdict.capture.url)
            if version is not None:
                site = SITES[page_site(doc)]
                evidence = self._engine.evidence(site, site_report(run, site.name))
                evidence.memento(page, key, version, Memento(verdict.original, verdict.capture.at))


def page_site(doc: _Doc) -> str:
    """The site a document's captures were found for."""
    return doc.rows[0].site


def site_report(run: RunReport, name: str) -> SiteReport:
    """The run's report of site `name` (added when its documents came through another site's prefixes)."""
    for report in run.sites:
        if report.site == name:
            return report
    run.sites.append(SiteReport(name))
    return run.sites[-1]
