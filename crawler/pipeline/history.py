"""Past versions from the web archive: a site's or a document's captures, imported as dated versions.

For each target, the CDX index lists the captures (`history_find`); each document's captures worth fetching
are read through the capture lane (`id_` URLs) a few ahead of the one being judged, judged (`history_judge`)
and handed to the archive in one step per document, which dedupes by content hash, writes the new texts as
versions dated by their captures and derives the edits seen between captures. Documents then known only from
the web archive are visited live once through the engine (a 404/410 there is a withdrawal). Every step is
journalled (`history_journal`): a kill -9 and the same command again continue where it stopped.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from archive.recorder import Archive
from crawler.config import Config
from crawler.errors import FetcherGone, FetchError, HostGivenUp, Interrupted, ParseError
from crawler.net.factory import FetcherFactory
from crawler.net.process import AnyFetcher
from crawler.pipeline.engine import Engine, RunReport
from crawler.pipeline.history_captures import CaptureImport, site_report
from crawler.pipeline.history_find import Query, doc_queries, found_rows, site_queries
from crawler.pipeline.history_journal import HistoryJournal, journal_path
from crawler.pipeline.history_report import HistoryReport
from crawler.pipeline.policy import wayback_policies
from crawler.pipeline.stop import Stop
from crawler.progress import LogProgress, Progress
from crawler.sites import SITES, cdx
from crawler.sites.base import Site
from crawler.wording import count

logger = logging.getLogger(__name__)


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
                halted = ""  # the archive can take no more (a full disk): no live visit either
                if not cut and not self._given_up:
                    reading = CaptureImport(self._archive, self._config, self._engine, self.report, self._progress)
                    cut = await reading.run(fetcher, journal, run, self._stop)
                    self._given_up, halted = reading.given_up, reading.halted
                if halted:
                    run.error(halted)
                elif not cut:
                    cut = await self._visit_live(fetcher, journal, run)
                    if not cut and not self._given_up:
                        journal.all_visited()  # the import is complete: the next run starts a new one
            run.requests = fetcher.requests  # once the fetcher is closed: the requests in flight are in
            self.report.count_requests(fetcher.sent)
            if cut:
                run.stopped_by = self._stop.reason
            if self._given_up:
                run.error(f"web archive: {self._given_up}; run the same command again later to continue")
            elif self.report.failed:
                failed = count(self.report.failed, "capture")
                run.error(f"web archive: {failed} could not be fetched; run the same command again to retry them")
        if run.stopped_by:
            found, done = len(journal.by_document()), len(journal.docs)
            run.notes.append(
                f"import interrupted by {run.stopped_by}: {done} of the {count(found, 'document')} found are imported; "
                "run the same command again to resume where it stopped"
            )
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
        # complete, even with nothing found: a journal without rows is no import to resume, ask the CDX again
        if path.exists() and journal.complete(queries):
            finished = path.with_name(f"{path.stem}.{self._archive.clock():%Y%m%dT%H%M%S}.complete")
            path.rename(finished)
            logger.info("the last import with these arguments completed (%s); starting a new one", finished.name)
            fresh = HistoryJournal.open(path)
            fresh.carry(journal.judged)  # the captures it found to be no release are not fetched again
            return fresh
        if journal.rows or journal.next_url:
            found = count(len(journal.by_document()), "document")
            logger.info("resuming the import: %s found so far, %d imported", found, len(journal.docs))
        return journal

    async def _discover(
        self, fetcher: AnyFetcher, queries: list[Query], journal: HistoryJournal, run: RunReport
    ) -> bool:
        """Read every CDX query into the journal, from where the last run stopped; True if a stop cut it short."""
        evidence = self._engine.evidence(SITES[run.sites[0].site], run.sites[0])
        for query in queries:
            url: str | None = journal.next_url.get(query.id, query.first_url)
            while url and not self._stop.is_set():
                try:
                    page = await fetcher.get(url, self._cdx)
                    evidence.listing(page)
                    answer = cdx.parse_cdx_rows(page.text, url)
                except HostGivenUp as exc:
                    self._given_up = exc.reason
                    return False
                except (FetchError, ParseError) as exc:
                    if isinstance(exc, Interrupted | FetcherGone) and self._stop.is_set():
                        return True
                    excluded = _exclusion(exc)
                    if excluded:  # the archive's access control: nothing to import, not a failure
                        run.notes.append(f"web archive: {query.id} is excluded from the archive ({excluded})")
                        journal.page(query.id, [], None)
                    else:
                        run.error(f"web archive: the CDX query {query.id} failed: {exc} (run again to retry)")
                    break
                next_url = answer.next_url if answer.rows else None  # an empty page naming a next one: a loop
                found = found_rows(answer.rows, query)
                logger.debug("CDX %s: %d rows, %d of releases", query.id, len(answer.rows), len(found))
                journal.page(query.id, found, next_url)
                url = next_url
            if url and self._stop.is_set():
                return True
        logger.info("web archive: %s found", count(len(journal.by_document()), "document"))
        return False

    async def _visit_live(self, fetcher: AnyFetcher, journal: HistoryJournal, run: RunReport) -> bool:
        """Visit once, live, the documents this import found that the archive knows only from the web archive:
        a 404/410 is a withdrawal (the web archive's record shows they existed), a 200 a live sighting."""
        found = journal.by_document()
        for name in dict.fromkeys(rows[0].site for rows in found.values()):
            only = set(self._archive.web_archive_only(name))
            urls = {rows[0].url: key for key, rows in found.items() if key in only and self._unvisited(key, journal)}
            if not urls:
                continue
            self.report.web_archive_only += len(urls)
            self._progress.add(len(urls))
            report = site_report(run, name)
            done = functools.partial(self._visited, journal, urls)
            cut = await self._engine.visit_many(fetcher, SITES[name], list(urls), report, run.run_id, done=done)
            if cut:
                return True
        return False

    def _unvisited(self, key: str, journal: HistoryJournal) -> bool:
        """Whether no live visit was ever made of a document (its observations are all the web archive's)."""
        if key in journal.live:
            return False
        return all(o.kind == "captured" or o.kind.startswith("capture_") for o in self._archive.observations(key))

    def _visited(self, journal: HistoryJournal, keys: dict[str, str], url: str, kind: str) -> None:
        journal.visited(keys[url], kind)
        self._progress.advance()


def _exclusion(exc: FetchError | ParseError) -> str | None:
    """The access-control exception a CDX 403 names (the target is excluded from the archive), or None: any
    other 403 (a proxy's, the archive's own protection) is a failed query like any other."""
    if not isinstance(exc, FetchError) or exc.status != 403:
        return None
    return cdx.cdx_exclusion(getattr(exc.response, "text", "") or "")
