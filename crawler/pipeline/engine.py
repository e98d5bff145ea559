"""The crawl pipeline: discover -> fetch -> parse -> archive, for every site of a run.

`Engine` owns the order of those steps, the choice of what to visit (the newest items plus the known
documents due for a revisit), and the look-ahead that fetches and parses the next releases while one is
archived. What it does not own lives beside it: which fetcher a run gets (`crawler.net.factory`), how a
site may be fetched (`policy`), reading list pages (`discover`), archiving a fetched page with its raw
capture (`keep`), what a failed visit amounts to and its record (`outcome`), stopping (`stop`), the run's
report (`report`); the run's record and WARC files are the archive's (`archive.run`).

Every visit becomes an observation. A failure of one URL (blocked, not found, a parse error, a full disk)
is reported, counted and recorded, and never stops the rest of the run; nothing already archived is
touched by a failed visit.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from archive.document import Release
from archive.errors import ArchiveError
from archive.recorder import Archive
from crawler.config import Config, SiteConfig
from crawler.errors import FetcherGone, FetchError, Interrupted
from crawler.net.factory import FetcherFactory
from crawler.net.fetcher import Page
from crawler.net.process import AnyFetcher
from crawler.pipeline import revisit
from crawler.pipeline.attachments import Files, with_attachments
from crawler.pipeline.captures import Evidence
from crawler.pipeline.discover import SiteVisit, discover
from crawler.pipeline.keep import Keeper
from crawler.pipeline.layout import carry_over_layout
from crawler.pipeline.outcome import Books, failure_of
from crawler.pipeline.policy import ca_bundles, policy_for
from crawler.pipeline.report import RunReport, SiteReport
from crawler.pipeline.stop import Stop
from crawler.progress import Progress
from crawler.sites.base import Site

logger = logging.getLogger(__name__)

# Releases fetched ahead of the one being archived. One request per host is still in flight at a time;
# a stop or a kill -9 drops at most this many fetched pages, which the next run fetches again.
LOOKAHEAD = 2


@dataclass(frozen=True)
class _Fetch:
    """The first half of a visit: the page, or the error that stopped it."""

    url: str
    key: str
    known: bool  # the archive already has this document
    page: Page | None = None
    error: FetchError | ArchiveError | None = None
    parsed: Future[Release] | None = None  # the page's release, being parsed in a thread
    files: Files = ()  # its attachments' responses, for the WARC files


class Engine:
    """Runs crawls against an archive; built complete by its constructor, its state private from then on."""

    def __init__(
        self,
        archive: Archive,
        config: Config,
        *,
        revisit_all: bool = False,
        stop: Stop | None = None,
        progress: Progress | None = None,
        fetchers: FetcherFactory | None = None,
    ) -> None:
        """`revisit_all`: revisit every known document, not only the due ones; `stop`: set (by a signal
        handler or another thread) to finish the document in hand and end the run; `progress`: told what was
        found and what is done (the CLI shows it); `fetchers`: how a run's fetcher is made (tests inject the
        transport, sleeper and clock there)."""
        self._archive = archive
        self._config = config
        self._revisit_all = revisit_all
        self._stop = stop or Stop()
        self._progress = progress
        self._fetchers = fetchers or FetcherFactory()
        self._keeper = Keeper(archive)  # outside a run (see `run`), pages are archived without their captures

    def open_fetcher(self, sites: list[Site]) -> AnyFetcher:
        """A fetcher for these sites (with their CA bundles), to be entered with `async with`."""
        return self._fetchers.open(self._config, ca_bundles(sites, self._config), stop=self._stop)

    async def crawl(self, sites: list[Site], *, command: str = "crawl") -> RunReport:
        """Read each site's newest items and archive what is new or changed."""
        with self.run(command, [site.name for site in sites]) as run:
            async with self.open_fetcher(sites) as fetcher:
                cut = await asyncio.gather(
                    *(
                        self._crawl_site(fetcher, site, report, run.run_id)
                        for site, report in zip(sites, run.sites, strict=True)
                    )
                )
                if any(cut):  # a stop left URLs of this run unvisited
                    run.stopped_by = self._stop.reason
                run.requests = fetcher.requests
        return run

    @contextlib.contextmanager
    def run(self, command: str, sites: list[str]) -> Iterator[RunReport]:
        """A run's record and WARC files, for the duration of a `with`; its report is what the `with` gives.

        Closing the WARC files or recording the end can fail: that is a problem of the run (reported, and
        the run not ok), never a reason to lose its summary.
        """
        carry_over_layout(self._archive, sites)
        report = RunReport(0, [SiteReport(site) for site in sites])
        record = self._archive.run(command, sites, counts=report.totals)
        with record:
            report.run_id = record.id
            self._keeper = Keeper(self._archive, record)
            try:
                yield report
            finally:
                self._keeper = Keeper(self._archive)
                record.status = report.status
                record.site_figures = {r.site: r.figures() for r in report.sites}
        for problem in record.problems:
            report.error(problem)

    async def _crawl_site(self, fetcher: AnyFetcher, site: Site, report: SiteReport, run_id: int) -> bool:
        """Discover the site's items, add the known ones due for a revisit, visit them all; True if cut short."""
        visit = self._site_visit(fetcher, site, report, run_id)
        urls = [item.url for item in await discover(visit)]
        try:
            due = self.due_urls(site, visit.cfg, exclude={site.doc_key(url) for url in urls})
        except ArchiveError as exc:
            report.problem("failed", f"{site.name}: cannot list the documents due for a revisit: {exc}")
            due = []
        logger.debug("%s: %d listed, %d known ones due for a revisit", site.name, len(urls), len(due))
        urls += due
        progress = self._progress
        if progress is not None:
            progress.add(len(urls))
        done = (lambda url, kind: progress.advance()) if progress is not None else None
        if await self._visit_all(visit, urls, done):
            logger.warning("%s: stopping early, as asked", site.name)
            return True
        return False

    def _site_visit(self, fetcher: AnyFetcher, site: Site, report: SiteReport, run_id: int) -> SiteVisit:
        """The site's part of this run: its config and policy, and the books its outcomes go to."""
        cfg = self._config.site(site.name)
        books, evidence = Books(self._archive, report, run_id), self.evidence(site, report)
        return SiteVisit(fetcher, site, cfg, policy_for(site, cfg), books, evidence)

    def evidence(self, site: Site, report: SiteReport) -> Evidence:
        """Where the run keeps what it read of `site` beside the releases (robots.txt, list pages, 404s)."""
        return Evidence(self._keeper.recording, site.name, report)

    def due_urls(self, site: Site, cfg: SiteConfig, *, exclude: set[str]) -> list[str]:
        """Known documents of the site due for a revisit (all of them with `revisit_all`), but those whose
        keys are in `exclude` (already listed, perhaps under another URL)."""
        if self._revisit_all:
            return [d.url for d in self._archive.documents(site.name) if d.key not in exclude]
        # Ask for as many more as could be excluded, rather than reading every document of the site.
        limit = cfg.revisit_limit + len(exclude)
        _, due = revisit.due_in(self._archive, site.name, self._archive.clock(), limit)
        return [d.url for d in due if d.key not in exclude][: cfg.revisit_limit]

    async def visit_many(
        self,
        fetcher: AnyFetcher,
        site: Site,
        urls: Iterable[str],
        report: SiteReport,
        run_id: int,
        *,
        done: Callable[[str, str], None] | None = None,
    ) -> bool:
        """Visit `urls` of `site` in order, fetching up to LOOKAHEAD ahead of the one being archived; call
        `done(url, kind)` after each. Return True if the run was asked to stop before the end."""
        return await self._visit_all(self._site_visit(fetcher, site, report, run_id), urls, done)

    async def _visit_all(self, visit: SiteVisit, urls: Iterable[str], done: Callable[[str, str], None] | None) -> bool:
        """`visit_many` for a site's visit; no fetch or parse of this call outlives it."""
        ahead: deque[asyncio.Task[_Fetch]] = deque()
        # Pages that arrive while one is archived are parsed in a thread. selectolax holds the GIL while it
        # parses, so this buys no second core; it fills the time the archive spends waiting in fsync.
        parser = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pressroom-parse")
        try:
            return await self._visit_in_turn(visit, iter(urls), ahead, parser, done)
        finally:
            for task in ahead:
                task.cancel()
            await asyncio.gather(*ahead, return_exceptions=True)
            parser.shutdown(wait=True, cancel_futures=True)

    async def _visit_in_turn(
        self,
        visit: SiteVisit,
        todo: Iterator[str],
        ahead: deque[asyncio.Task[_Fetch]],
        parser: ThreadPoolExecutor,
        done: Callable[[str, str], None] | None,
    ) -> bool:
        """Settle the fetches in the order of `todo`, keeping `ahead` filled; True if stopped before the end."""
        exhausted = False
        while True:
            exhausted = exhausted or self._fetch_ahead(visit, todo, ahead, parser)
            if self._stop.is_set():
                return bool(ahead) or not exhausted
            if not ahead:
                return False
            fetched = await ahead.popleft()
            if self._stop.is_set() and isinstance(fetched.error, FetcherGone | Interrupted):
                # The stop cut this fetch short (or reached the fetch process too: systemd signals the whole
                # group): this URL was not visited, it did not fail; the next run fetches it.
                return True
            try:
                kind = self._settle(visit, fetched)
            except ArchiveError as exc:  # the catalog or the log failed (a full disk): this document only
                kind = visit.books.failed(fetched.key, fetched.url, failure_of(exc, fetched.url).message)
            if done is not None:
                done(fetched.url, kind)

    def _fetch_ahead(
        self, visit: SiteVisit, todo: Iterator[str], ahead: deque[asyncio.Task[_Fetch]], parser: ThreadPoolExecutor
    ) -> bool:
        """Start fetches until LOOKAHEAD are ahead of the one being archived; True once `todo` is used up."""
        while len(ahead) <= LOOKAHEAD and not self._stop.is_set():
            url = next(todo, None)
            if url is None:
                return True
            ahead.append(asyncio.ensure_future(self._fetch(visit, url, parser)))
        return False

    async def _fetch(self, visit: SiteVisit, url: str, parser: ThreadPoolExecutor) -> _Fetch:
        """Fetch a release conditionally (with the validators the archive keeps) and start parsing it."""
        key = visit.site.doc_key(url)
        try:
            doc = self._archive.document(key)
        except ArchiveError as exc:
            return _Fetch(url, key, False, error=exc)
        etag, modified = (doc.etag, doc.last_modified) if doc else (None, None)
        target = visit.site.fetch_url(url, visit.cfg)
        try:
            page = await visit.fetcher.get(target, visit.policy, etag=etag, last_modified=modified)
        except FetchError as exc:
            return _Fetch(url, key, doc is not None, error=exc)
        if page.status != 200:
            return _Fetch(url, key, doc is not None, page=page)
        parsed = parser.submit(visit.site.parse_release, page.text, url)
        parsed, files = await with_attachments(self._archive, visit, parsed, self._config.attachment_max_bytes)
        return _Fetch(url, key, doc is not None, page=page, parsed=parsed, files=files)

    def _settle(self, visit: SiteVisit, fetch: _Fetch) -> str:
        """Archive what a fetch brought, or record why it brought nothing."""
        visit.evidence.robots(fetch.page or fetch.error)
        if fetch.error is not None:
            kind = visit.books.settle(fetch.key, fetch.url, failure_of(fetch.error, fetch.url))
            visit.evidence.gone(fetch.error, fetch.key, kind)
            return kind
        assert fetch.page is not None
        page, books = fetch.page, visit.books
        return self._keeper.keep(
            visit.site, page, fetch.url, fetch.key, books, known=fetch.known, parsed=fetch.parsed, files=fetch.files
        )


__all__ = ["LOOKAHEAD", "Engine", "RunReport", "SiteReport"]  # the reports live in crawler.pipeline.report
