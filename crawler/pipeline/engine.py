"""discover -> fetch -> parse -> archive, for every site of a run; every visit becomes an observation.

A failure of one URL (blocked, not found, a parse error, a full disk) is reported, counted and recorded,
and never stops the rest of the run; nothing already archived is touched by a failed visit.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from archive.catalog import CaptureRow
from archive.document import Release
from archive.errors import ArchiveError
from archive.recorder import Archive
from crawler.config import Config, SiteConfig
from crawler.errors import Blocked, Disallowed, FetcherGone, FetchError, HostGivenUp, NotFound, ParseError
from crawler.net.factory import FetcherFactory
from crawler.net.fetcher import Page, Policy
from crawler.net.process import AnyFetcher
from crawler.pipeline import revisit
from crawler.pipeline.report import RunReport, SiteReport
from crawler.pipeline.stop import Stop
from crawler.progress import Progress
from crawler.raw import BuiltResponse, RawRef, RawWriter
from crawler.sites.base import Listing, ListingItem, Site, host_of
from crawler.wording import clip, count

logger = logging.getLogger(__name__)

# Releases fetched ahead of the one being archived. One request per host is still in flight at a time;
# a stop or a kill -9 drops at most this many fetched pages, which the next run fetches again.
LOOKAHEAD = 2


def host_down(exc: BaseException) -> str | None:
    """The host-wide reason of an error from a host given up for the run, or None for a URL's own error."""
    return exc.reason if isinstance(exc, HostGivenUp) else None


@dataclass(frozen=True)
class _Fetch:
    """The first half of a visit: the page, or the error that stopped it."""

    url: str
    key: str
    known: bool  # the archive already has this document
    page: Page | None = None
    error: FetchError | ArchiveError | None = None
    parsed: Future[Release] | None = None  # the page's release, being parsed in a thread


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
        self.raw: RawWriter | None = None

    def open_fetcher(self, sites: list[Site]) -> AnyFetcher:
        """A fetcher for these sites (with their CA bundles), to be entered with `async with`."""
        bundles = {}
        for site in sites:
            cfg = self._config.site(site.name)
            if cfg.ca_bundle:
                for host in self.policy(site, cfg).hosts:
                    bundles[host] = cfg.ca_bundle
        return self._fetchers.open(self._config, bundles)

    def policy(self, site: Site, cfg: SiteConfig) -> Policy:
        """How this site may be fetched."""
        hosts = set(site.hosts) | {host_of(cfg.base_url)} | set(cfg.extra_hosts)
        return Policy(
            hosts=frozenset(hosts),
            min_interval=cfg.min_interval,
            obey_robots=not cfg.ignore_robots,
            legacy_charsets=site.legacy_charsets,
        )

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
        report = RunReport(0, [SiteReport(site) for site in sites])
        record = self._archive.run(command, sites, counts=report.totals)
        with record:
            report.run_id = record.id
            self.raw = RawWriter(self._archive.root, record.id, self._archive.clock())
            try:
                yield report
            finally:
                try:
                    self.close_raw()
                except OSError as exc:
                    report.error(f"raw captures of run {report.run_id} may be incomplete: {exc}")
                record.status = report.status
        for problem in record.problems:
            report.error(problem)

    async def _crawl_site(self, fetcher: AnyFetcher, site: Site, report: SiteReport, run_id: int) -> bool:
        """Discover the site's items, add the known ones due for a revisit, visit them all; True if cut short."""
        cfg = self._config.site(site.name)
        policy = self.policy(site, cfg)
        items = await self.discover(fetcher, site, cfg, policy, report, run_id)
        urls = [item.url for item in items]
        try:
            due = self.due_urls(site, cfg, exclude=set(urls))
        except ArchiveError as exc:
            report.problem("failed", f"{site.name}: cannot list the documents due for a revisit: {exc}")
            due = []
        logger.debug("%s: %d listed, %d known ones due for a revisit", site.name, len(urls), len(due))
        urls += due
        progress = self._progress
        if progress is not None:
            progress.add(len(urls))
        done = (lambda url, kind: progress.advance()) if progress is not None else None
        if await self.visit_many(fetcher, site, cfg, policy, urls, report, run_id, done=done):
            logger.warning("%s: stopping early, as asked", site.name)
            return True
        return False

    def due_urls(self, site: Site, cfg: SiteConfig, *, exclude: set[str]) -> list[str]:
        """Known documents of the site due for a revisit (all of them with `revisit_all`)."""
        if self._revisit_all:
            return [d.url for d in self._archive.catalog.documents(site=site.name) if d.url not in exclude]
        # Ask for as many more as could be excluded, rather than reading every document of the site.
        limit = cfg.revisit_limit + len(exclude)
        _, due = revisit.due_in(self._archive.catalog, site.name, self._archive.clock(), limit)
        return [d.url for d in due if d.url not in exclude][: cfg.revisit_limit]

    async def discover(
        self, fetcher: AnyFetcher, site: Site, cfg: SiteConfig, policy: Policy, report: SiteReport, run_id: int
    ) -> list[ListingItem]:
        """The items of the site's newest list pages, deduplicated, in list order."""
        items: dict[str, ListingItem] = {}
        for listing in site.listing_urls(cfg):
            url = listing.url
            try:
                page = await fetcher.get(url, policy)
                found = site.parse_listing(page.text, url)
                if not found and listing.expect_items:
                    # Not a block (a challenge page is caught by its markers before this): the newest page of a
                    # real section always has items, so the likeliest cause is a collection id that is wrong.
                    self._no_such_collection(site, listing, "the list page has no items", report, run_id)
                    continue
            except NotFound as exc:
                if listing.collection and listing.expect_items:
                    self._no_such_collection(site, listing, f"the list page is gone ({exc.reason})", report, run_id)
                else:
                    self._archive.observe(None, url, "failed", run_id=run_id, detail=str(exc))
                    report.problem("failed", str(exc))
                continue
            except Disallowed as exc:
                report.counts["skipped"] += 1
                logger.warning("skipped %s", exc)
                continue
            except Blocked as exc:
                self.record_visit(None, url, "blocked", run_id, exc.reason)
                report.problem("blocked", str(exc), host_down=host_down(exc))
                continue
            except (FetchError, ParseError) as exc:
                self.record_visit(None, url, "failed", run_id, str(exc))
                report.problem("failed", str(exc), host_down=host_down(exc))
                continue
            logger.debug("%s: %s on %s", site.name, count(len(found), "item"), url)
            for item in found:
                if site.in_scope(item.url, cfg):
                    items.setdefault(item.url, item)
        return list(items.values())

    def _no_such_collection(self, site: Site, listing: Listing, what: str, report: SiteReport, run_id: int) -> None:
        """Record and report a configured collection whose list page is empty or gone, naming the likely mistake."""
        where = f"collection {listing.collection}" if listing.collection else listing.url
        message = f"{site.name}: {where}: {what}; is the collection id right? ({listing.url})"
        self._archive.observe(None, listing.url, "failed", run_id=run_id, detail=message)
        report.problem("failed", message)

    async def visit_many(
        self,
        fetcher: AnyFetcher,
        site: Site,
        cfg: SiteConfig,
        policy: Policy,
        urls: Iterable[str],
        report: SiteReport,
        run_id: int,
        *,
        done: Callable[[str, str], None] | None = None,
    ) -> bool:
        """Visit `urls` in order, fetching up to LOOKAHEAD ahead of the one being archived; call `done(url,
        kind)` after each. Return True if the run was asked to stop before the end."""
        ahead: deque[asyncio.Task[_Fetch]] = deque()
        todo, exhausted = iter(urls), False
        # Pages that arrive while one is archived are parsed in a thread. selectolax holds the GIL while it
        # parses, so this buys no second core; it fills the time the archive spends waiting in fsync.
        parser = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pressroom-parse")
        try:
            while True:
                while len(ahead) <= LOOKAHEAD and not exhausted and not self._stop.is_set():
                    url = next(todo, None)
                    if url is None:
                        exhausted = True
                    else:
                        fetch = self._fetch(fetcher, site, cfg, policy, url, parser=parser)
                        ahead.append(asyncio.ensure_future(fetch))
                if self._stop.is_set():
                    return bool(ahead) or not exhausted
                if not ahead:
                    return False
                fetched = await ahead.popleft()
                if self._stop.is_set() and isinstance(fetched.error, FetcherGone):
                    # The stop reached the fetch process too (systemd signals the whole group): this URL was
                    # not visited, it did not fail; the next run fetches it.
                    return True
                try:
                    kind = self._settle(site, fetched, report, run_id)
                except ArchiveError as exc:  # the catalog or the log failed (a full disk): this document only
                    kind = self._failed(report, fetched.key, fetched.url, run_id, f"{fetched.url}: {exc}")
                if done is not None:
                    done(fetched.url, kind)
        finally:
            for task in ahead:
                task.cancel()
            await asyncio.gather(*ahead, return_exceptions=True)
            parser.shutdown(wait=True, cancel_futures=True)

    async def _fetch(
        self,
        fetcher: AnyFetcher,
        site: Site,
        cfg: SiteConfig,
        policy: Policy,
        url: str,
        *,
        parser: ThreadPoolExecutor | None = None,
    ) -> _Fetch:
        key = site.doc_key(url)
        try:
            doc = self._archive.catalog.document(key)
        except ArchiveError as exc:
            return _Fetch(url, key, False, error=exc)
        etag, modified = (doc.etag, doc.last_modified) if doc else (None, None)
        target = site.fetch_url(url, cfg)
        try:
            page = await fetcher.get(target, policy, etag=etag, last_modified=modified)
        except FetchError as exc:
            return _Fetch(url, key, doc is not None, error=exc)
        parsed = parser.submit(site.parse_release, page.text, url) if parser and page.status == 200 else None
        return _Fetch(url, key, doc is not None, page=page, parsed=parsed)

    def _settle(self, site: Site, fetch: _Fetch, report: SiteReport, run_id: int) -> str:
        """Archive what a fetch brought, or record why it brought nothing."""
        url, key, exc = fetch.url, fetch.key, fetch.error
        if isinstance(exc, NotFound):
            if self._archive.catalog.document(key) is None:
                return self._failed(report, key, url, run_id, str(exc))
            kind = self._archive.miss(key, url, run_id=run_id, detail=exc.reason)
            report.counts[kind] += 1
            if kind != "gone":  # a withdrawn document that is still gone is no news
                logger.warning("%s %s (%s)", kind, key, exc.reason)
            return kind
        if isinstance(exc, Blocked):
            self.record_visit(key, url, "blocked", run_id, exc.reason)
            report.problem("blocked", str(exc), host_down=host_down(exc))
            return "blocked"
        if isinstance(exc, Disallowed):
            report.counts["skipped"] += 1
            logger.warning("skipped %s", exc)
            return "skipped"
        if exc is not None:
            return self._failed(report, key, url, run_id, str(exc), host=host_down(exc))
        assert fetch.page is not None
        return self._archive_page(site, fetch.page, url, key, report, run_id, known=fetch.known, parsed=fetch.parsed)

    def close_raw(self) -> None:
        """Close this run's WARC files."""
        if self.raw is not None:
            self.raw.close()
            self.raw = None

    def _keep_raw(
        self,
        site: Site,
        page: Page,
        key: str,
        kind: str,
        version: int | None,
        report: SiteReport,
        built: Future[BuiltResponse] | None = None,
    ) -> None:
        """Write the capture that produced (a whole response) or confirmed (a revisit) a version; a capture
        that cannot be kept is a problem of the run, though the version itself is safe."""
        if self.raw is None:
            return
        try:
            if kind in ("new", "changed", "reverted"):
                ref, record = self.raw.response(site.name, page, key, version or 1, built), "response"
            else:
                last = self._archive.catalog.latest_response(key)
                refers = RawRef(last[0], last[1], last[2], last[3], last[4]) if last else None
                ref, record = self.raw.revisit(site.name, page, refers, key, version), "revisit"
            capture = CaptureRow(
                key, page.final_url, record, version, ref.path, ref.offset, ref.length, ref.record_id, ref.date
            )
            self._archive.catalog.add_capture(capture)
        except (OSError, ArchiveError) as exc:
            report.problem("captures_lost", f"{page.url}: the raw capture was not kept: {exc}")

    def _archive_page(
        self,
        site: Site,
        page: Page,
        url: str,
        key: str,
        report: SiteReport,
        run_id: int,
        *,
        known: bool = True,
        parsed: Future[Release] | None = None,
    ) -> str:
        # A new document's response will be kept: build its WARC records while the version file is synced.
        built = self.raw.prepare(page, key) if self.raw is not None and not known and page.status == 200 else None
        if page.status == 304:
            doc = self._archive.catalog.document(key)
            report.counts[self._archive.observe(key, url, "not_modified", run_id=run_id)] += 1
            logger.debug("not modified %s", key)
            self._keep_raw(site, page, key, "not_modified", doc.current_version if doc else None, report)
            return "not_modified"
        try:
            release = parsed.result() if parsed is not None else site.parse_release(page.text, url)
            outcome = self._archive.record(release, run_id=run_id, etag=page.etag, last_modified=page.last_modified)
        except ParseError as exc:
            return self._failed(report, key, url, run_id, str(exc))
        except ArchiveError as exc:
            return self._failed(report, key, url, run_id, f"{url}: {exc}")
        self._keep_raw(site, page, outcome.key, outcome.kind, outcome.version, report, built)
        report.counts[outcome.kind] += 1
        if outcome.restored and outcome.kind != "restored":  # came back edited: both are news
            report.counts["restored"] += 1
        if outcome.kind != "unchanged":
            logger.info("%s %s v%d  %s", outcome.kind, outcome.key, outcome.version, clip(release.title, 70))
        else:
            logger.debug("unchanged %s v%d", outcome.key, outcome.version)
        return outcome.kind

    def _failed(
        self, report: SiteReport, key: str, url: str, run_id: int, message: str, *, host: str | None = None
    ) -> str:
        try:
            self._archive.observe(key, url, "failed", run_id=run_id, detail=message)
        except ArchiveError as exc:  # one line all the same: the failure, then why it is not recorded
            message = f"{message} (not recorded: {exc})"
        report.problem("failed", message, host_down=host)
        return "failed"

    def record_visit(self, key: str | None, url: str, kind: str, run_id: int, detail: str) -> None:
        """Record a visit that archived nothing; a broken catalog must not hide the failure being recorded."""
        try:
            self._archive.observe(key, url, kind, run_id=run_id, detail=detail)
        except ArchiveError as exc:
            logger.error("cannot record the %s visit of %s: %s", kind, url, exc)


__all__ = ["LOOKAHEAD", "Engine", "RunReport", "SiteReport", "host_down"]  # the reports live in crawler.pipeline.report
