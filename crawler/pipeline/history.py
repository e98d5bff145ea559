"""Past versions from the web archive: a site's or a document's captures, imported as dated versions.

For each target, the CDX index lists the captures (`history_find`); each document's captures worth fetching
are read through the capture lane (`id_` URLs) a few ahead of the one being judged, judged (`history_judge`)
and handed to the archive in one step per document, which dedupes by content hash, writes the new texts as
versions dated by their captures and derives the edits seen between captures. Documents then known only from
the web archive are visited live once through the engine (a 404/410 there is a withdrawal). Every step is
journalled (`history_journal`): a kill -9 and the same command again continue where it stopped.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from archive.errors import ArchiveError
from archive.history import Capture
from archive.recorder import Archive
from crawler.config import Config
from crawler.errors import FetcherGone, FetchError, HostGivenUp, Interrupted, ParseError
from crawler.net.factory import FetcherFactory
from crawler.net.page import Page
from crawler.net.process import AnyFetcher
from crawler.pipeline.captures import to_response
from crawler.pipeline.engine import Engine, RunReport, SiteReport
from crawler.pipeline.history_find import Query, doc_queries, found_rows, site_queries, worth_fetching
from crawler.pipeline.history_journal import Found, HistoryJournal, journal_path, unstamp_any
from crawler.pipeline.history_judge import Verdict, judge
from crawler.pipeline.history_report import CAPTURES, CDX, LIVE, HistoryReport
from crawler.pipeline.policy import wayback_policies
from crawler.pipeline.stop import Stop
from crawler.progress import LogProgress, Progress
from crawler.sites import SITES
from crawler.sites import cdx
from crawler.sites.base import Site
from crawler.wording import clip, count

logger = logging.getLogger(__name__)

AHEAD = 3  # captures fetched ahead of the one being judged: the lane's gate keeps them one at a time anyway


@dataclass(frozen=True)
class Target:
    """What to import: a whole site (`key` ""), or one document of it with the URLs it is known by."""

    site: Site
    key: str = ""
    urls: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        """How the journal names it."""
        return self.key or self.site.name


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
    pairs: list[Verdict] = field(default_factory=list)
    gone: list[Capture] = field(default_factory=list)
    failed: int = 0


class HistoryImport:
    """Imports the web archive's captures of sites or documents into an archive, through the run's fetcher."""

    def __init__(
        self,
        archive: Archive,
        config: Config,
        *,
        stop: Stop | None = None,
        progress: Progress | None = None,
        fetchers: FetcherFactory | None = None,
    ) -> None:
        """As `Engine`'s arguments; without a `progress`, plain log lines tell how far the import is."""
        self._archive = archive
        self._config = config
        self._stop = stop or Stop()
        self._progress = progress or LogProgress("import")
        self._engine = Engine(archive, config, stop=self._stop, fetchers=fetchers)
        self._cdx = wayback_policies(config).cdx
        self.report = HistoryReport()
        self._given_up = ""  # the web archive's reason, once the run gave it up

    async def run(self, targets: list[Target], since: date | None = None, until: date | None = None) -> RunReport:
        """Import every capture of `targets` taken in [since, until] (either open); the report of the run."""
        queries = self._queries(targets, since, until)
        path = journal_path(self._archive.root, [t.name for t in targets], f"{since or ''}", f"{until or ''}")
        journal = self._open_journal(path, [q.id for q in queries])
        names = list(dict.fromkeys(t.site.name for t in targets))
        with self._engine.run("import-history", names) as run:
            async with self._engine.open_fetcher(list(SITES.values())) as fetcher:
                cut = await self._discover(fetcher, queries, journal, run)
                if not cut and not self._given_up:
                    cut = await self._import(fetcher, journal, run)
                if not cut:
                    cut = await self._visit_live(fetcher, journal, run)
                run.requests = fetcher.requests
            if cut:
                run.stopped_by = self._stop.reason
            if self._given_up:
                run.error(f"web archive: {self._given_up}; run the same command again later to continue")
            elif self.report.failed:
                run.error(f"{count(self.report.failed, 'capture')} could not be fetched from the web archive")
        if run.stopped_by:
            run.notes.append(f"import interrupted by {run.stopped_by}; run the same command again to resume")
        return run

    def _queries(self, targets: list[Target], since: date | None, until: date | None) -> list[Query]:
        queries: dict[str, Query] = {}
        for target in targets:
            if target.key:
                found = doc_queries(target.site, target.key, target.urls, self._config, since, until)
            else:
                found = site_queries(target.site, self._config, since, until)
            queries.update((q.id, q) for q in found)
        return list(queries.values())

    def _open_journal(self, path: Path, queries: list[str]) -> HistoryJournal:
        journal = HistoryJournal.open(path)
        if journal.complete(queries) and (journal.docs or journal.rows):
            finished = path.with_name(f"{path.stem}.{self._archive.clock():%Y%m%dT%H%M%S}.complete")
            path.rename(finished)
            logger.info("the last import with these arguments completed (%s); starting a new one", finished.name)
            return HistoryJournal.open(path)
        if journal.rows or journal.next_url:
            done = len(journal.docs)
            logger.info("resuming the import: %s found so far, %d imported", count(len(journal.by_document()), "document"), done)
        return journal

    async def _discover(self, fetcher: AnyFetcher, queries: list[Query], journal: HistoryJournal, run: RunReport) -> bool:
        """Read every CDX query into the journal, from where the last run stopped; True if a stop cut it short."""
        evidence = self._engine.evidence(SITES[run.sites[0].site], run.sites[0])
        for query in queries:
            url: str | None = journal.next_url.get(query.id, query.first_url)
            while url and not self._stop.is_set():
                try:
                    self.report.requests[CDX] += 1
                    page = await fetcher.get(url, self._cdx)
                    evidence.listing(page)
                    answer = cdx.parse_cdx_rows(page.text, url)
                except HostGivenUp as exc:
                    self._given_up = exc.reason
                    return False
                except (FetchError, ParseError) as exc:
                    if isinstance(exc, Interrupted | FetcherGone) and self._stop.is_set():
                        return True
                    run.error(f"web archive: the CDX query {query.id} failed: {exc} (run again to retry)")
                    break
                next_url = answer.next_url if answer.rows else None  # an empty page naming a next one: a loop
                journal.page(query.id, found_rows(answer.rows, query), next_url)
                url = next_url
            if url and self._stop.is_set():
                return True
        logger.info("web archive: %s found", count(len(journal.by_document()), "document"))
        return False

    async def _import(self, fetcher: AnyFetcher, journal: HistoryJournal, run: RunReport) -> bool:
        """Fetch, judge and import each document's captures; True if a stop cut it short."""
        docs: dict[str, _Doc] = {}
        for key, rows in journal.by_document().items():
            if key not in journal.docs:
                seen = self._seen_at(key)
                docs[key] = _Doc([row for row in worth_fetching(rows) if row.at not in seen])
        self.report.resumed = len(journal.docs)
        todo = [(key, row) for key, doc in docs.items() for row in doc.rows if (key, row.at) not in journal.judged]
        total = sum(len(doc.rows) for doc in docs.values())
        self._progress.add(total, done=total - len(todo))
        for key, doc in docs.items():  # what an earlier run judged: the captures that showed it gone count
            for row in doc.rows:
                judged = journal.judged.get((key, row.at))
                if judged is not None and judged.outcome.startswith("gone:"):
                    doc.gone.append(Capture(at=row.at, url=judged.capture_url))
        pending = {key: sum(1 for k, _ in todo if k == key) for key in docs}
        for key in [k for k, n in pending.items() if n == 0]:
            self._finish(key, docs[key], journal, run)
        ahead: deque[asyncio.Task[_Read]] = deque()
        reads = iter(todo)
        try:
            while True:
                while len(ahead) <= AHEAD and not self._stop.is_set() and not self._given_up:
                    item = next(reads, None)
                    if item is None:
                        break
                    ahead.append(asyncio.ensure_future(self._read(fetcher, item[1])))
                if not ahead:
                    return self._stop.is_set()
                read = await ahead.popleft()
                if self._stop.is_set() and isinstance(read.error, Interrupted | FetcherGone):
                    return True
                key = read.row.key
                self._settle(read, docs[key], journal, run)
                self._progress.advance()
                pending[key] -= 1
                if pending[key] == 0 and not self._given_up:
                    self._finish(key, docs[key], journal, run)
        finally:
            for task in ahead:
                task.cancel()
            await asyncio.gather(*ahead, return_exceptions=True)

    def _seen_at(self, key: str) -> set[datetime]:
        """When the document's captures already recorded were taken (an import again fetches only new ones)."""
        return {unstamp_any(s.at) for s in self._archive.timeline(key) if s.source == "capture"}

    async def _read(self, fetcher: AnyFetcher, row: Found) -> _Read:
        url = cdx.memento_url(self._config.wayback_url, row.at, row.original)
        policy = wayback_policies(self._config, SITES[row.site]).captures
        try:
            self.report.requests[CAPTURES] += 1
            return _Read(row, page=await fetcher.get(url, policy))
        except FetchError as exc:
            return _Read(row, error=exc)

    def _settle(self, read: _Read, doc: _Doc, journal: HistoryJournal, run: RunReport) -> None:
        """Judge one capture read; journal a capture that is no release (so no rerun fetches it again)."""
        row = read.row
        if read.error is not None:
            if isinstance(read.error, HostGivenUp):
                self._given_up = self._given_up or read.error.reason
            elif read.error.status == 404:  # the index lists it, the archive cannot play it back
                journal.judge(row.key, row.at, "skip:not played back", read.error.url)
                self.report.skipped["not played back"] += 1
            else:
                logger.warning("web archive: %s", read.error)
                self.report.failed += 1
                doc.failed += 1
            return
        assert read.page is not None
        self.report.captures += 1
        self._engine.evidence(SITES[row.site], self._site_report(run, row.site)).memento(read.page, row.key)
        verdict = judge(SITES[row.site], row, read.page)
        if verdict.release is not None:
            doc.pairs.append(verdict)
            return
        if verdict.hint:
            self.report.unparsable[verdict.hint] += 1
        else:
            self.report.skipped[verdict.reason] += 1
        logger.debug("capture %s of %s skipped: %s", verdict.capture.url, row.key, verdict.outcome)
        if verdict.gone:
            doc.gone.append(verdict.capture)
        journal.judge(row.key, row.at, verdict.outcome, verdict.capture.url)

    def _finish(self, key: str, doc: _Doc, journal: HistoryJournal, run: RunReport) -> None:
        """Hand a document's captures to the archive in one step; journal it unless a capture is still to fetch."""
        pairs = [(v.release, v.capture) for v in doc.pairs if v.release is not None]
        if pairs or doc.gone:
            try:
                result = self._archive.import_captures(pairs, run_id=run.run_id, gone=doc.gone)
            except ArchiveError as exc:
                run.error(f"{key}: the captures could not be imported: {exc}")
                return
            self.report.versions += len(result.new_versions)
            self.report.sightings += result.sightings
            self.report.events += result.events
            for number in result.new_versions:
                title = next((r.title for r, _ in pairs), "")
                logger.info("captured %s v%d  %s", key, number, clip(title, 60))
            summary = f"{len(result.new_versions)} versions, {result.sightings} sightings, {result.events} events"
        else:
            summary = "no release among its captures"
        self.report.documents += 1
        if doc.failed == 0:
            journal.imported(key, summary)

    async def _visit_live(self, fetcher: AnyFetcher, journal: HistoryJournal, run: RunReport) -> bool:
        """Visit once, live, the documents this import found that the archive knows only from the web archive:
        a 404/410 is a withdrawal (the web archive's record shows they existed), a 200 a live sighting."""
        found = journal.by_document()
        for name in dict.fromkeys(rows[0].site for rows in found.values()):
            only = set(self._archive.web_archive_only(name))
            urls = {rows[0].url: key for key, rows in found.items() if key in only and key not in journal.live}
            if not urls:
                continue
            site = SITES[name]
            report = self._site_report(run, name)
            self.report.web_archive_only += len(urls)
            self._progress.add(len(urls))

            def visited(url: str, kind: str) -> None:
                journal.visited(urls[url], kind)
                self._progress.advance()

            before = fetcher.requests
            cut = await self._engine.visit_many(fetcher, site, list(urls), report, run.run_id, done=visited)
            self.report.requests[LIVE] += fetcher.requests - before
            if cut:
                return True
        return False

    @staticmethod
    def _site_report(run: RunReport, name: str) -> SiteReport:
        """The run's report of site `name` (added when its documents came through another site's prefixes)."""
        for report in run.sites:
            if report.site == name:
                return report
        run.sites.append(SiteReport(name))
        return run.sites[-1]

