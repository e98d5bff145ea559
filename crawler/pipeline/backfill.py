"""One-off backfills of a site's history, resumable after an interruption at any point.

Progress lives in an append-only journal under <archive>/.backfill/, one line a record, fsynced:

    item <TAB> url                       a release found on the page being read
    page <TAB> source <TAB> next-url     that page is complete; next-url is "" when the source is done
    done <TAB> url <TAB> outcome         that release was visited (or was already archived)

Items after the last `page` line belong to a page that did not complete and are dropped on resume (the
page is read again); a torn last line is ignored. So after a kill -9, no completed list page and no
visited release is fetched again.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from archive.recorder import Archive
from crawler.config import Config
from crawler.errors import FetchError, Interrupted, ParseError
from crawler.net.factory import FetcherFactory
from crawler.net.fetcher import Policy
from crawler.net.process import AnyFetcher
from crawler.pipeline.engine import Engine, RunReport, SiteReport
from crawler.pipeline.journalfile import append_lines
from crawler.pipeline.outcome import Books, host_down
from crawler.pipeline.policy import policy_for, wayback_policies
from crawler.pipeline.report import reason_of
from crawler.pipeline.stop import Stop
from crawler.progress import LogProgress, Progress
from crawler.sites.base import BackfillRequest, Site, Source
from crawler.wording import count

logger = logging.getLogger(__name__)


@dataclass
class Journal:
    """The state of one backfill, rebuilt from its journal file."""

    path: Path
    found: dict[str, None] = field(default_factory=dict)  # ordered set of release URLs
    next_url: dict[str, str] = field(default_factory=dict)  # source key -> next page ("" when done)
    done: dict[str, str] = field(default_factory=dict)  # url -> outcome

    @classmethod
    def open(cls, path: Path) -> Journal:
        """Read an existing journal (or start an empty one)."""
        journal = cls(path)
        if not path.exists():
            return journal
        pending: list[str] = []
        for line in path.read_text(encoding="utf-8").split("\n")[:-1]:  # the last piece is "" or a torn line
            kind, _, rest = line.partition("\t")
            if kind == "item":
                pending.append(rest)
            elif kind == "page":
                source, _, nxt = rest.partition("\t")
                journal.next_url[source] = nxt
                journal.found.update(dict.fromkeys(pending))
                pending.clear()
            elif kind == "done":
                url, _, outcome = rest.partition("\t")
                journal.done[url] = outcome
        return journal

    def _append(self, lines: list[str]) -> None:
        append_lines(self.path, lines, "backfill")

    def page(self, source: str, items: list[str], next_url: str | None) -> None:
        """Record a completed list page and what it listed."""
        self._append([f"item\t{u}" for u in items] + [f"page\t{source}\t{next_url or ''}"])
        self.found.update(dict.fromkeys(items))
        self.next_url[source] = next_url or ""

    def finish(self, url: str, outcome: str) -> None:
        """Record that a release was dealt with."""
        self._append([f"done\t{url}\t{outcome}"])
        self.done[url] = outcome

    def complete(self, sources: list[Source]) -> bool:
        """Whether every source was read to its end and every release found was dealt with."""
        return all(self.next_url.get(s.key) == "" for s in sources) and all(u in self.done for u in self.found)


def journal_path(root: Path, site: str, since: date, until: date, collections: tuple[str, ...], refresh: bool) -> Path:
    """Where the journal of a backfill with these arguments lives (same arguments, same journal)."""
    scope = hashlib.sha256("|".join(collections).encode()).hexdigest()[:8]
    mode = "_refresh" if refresh else ""
    return root / ".backfill" / f"{site}_{since:%Y%m%d}_{until:%Y%m%d}_{scope}{mode}.journal"


def interruption_note(reason: str, journal: Journal, sources: list[Source]) -> str:
    """One line for the summary of a backfill that a signal stopped: how far it got, and how to go on."""
    found, done = len(journal.found), sum(1 for url in journal.found if url in journal.done)
    resume = "run the same command again to resume where it stopped"
    if not all(journal.next_url.get(s.key) == "" for s in sources):
        where = "while reading the list pages"
        return (
            f"backfill interrupted by {reason} {where}: {count(found, 'release')} found so far, {done} done; {resume}"
        )
    return f"backfill interrupted by {reason}: {done} of the {count(found, 'release')} found are done; {resume}"


class Backfill:
    """Walks a site's history through the same fetcher, parsers and archive as `crawl`."""

    def __init__(
        self,
        archive: Archive,
        config: Config,
        *,
        stop: Stop | None = None,
        progress: Progress | None = None,
        fetchers: FetcherFactory | None = None,
    ) -> None:
        """As `Engine`'s arguments; without a `progress`, plain log lines tell how far the backfill is."""
        self._archive = archive
        self._config = config
        self._stop = stop or Stop()
        self._progress = progress
        self._engine = Engine(archive, config, stop=self._stop, fetchers=fetchers)

    async def run(self, site: Site, since: date, until: date, *, refresh: bool = False) -> RunReport:
        """Discover every release of `site` published in [since, until] and archive what is missing."""
        archive, config = self._archive, self._config
        cfg = config.site(site.name)
        request = BackfillRequest(since, until, config.wayback_url)
        sources = site.backfill_sources(cfg, request)
        if not sources:
            raise FetchError(site.name, "this site has no backfill source")
        path = journal_path(archive.root, site.name, since, until, cfg.collections, refresh)
        journal = Journal.open(path)
        if journal.complete(sources):
            finished = path.with_name(f"{path.stem}.{archive.clock():%Y%m%dT%H%M%S}.complete")
            path.rename(finished)
            logger.info("the last backfill with these arguments completed (%s); starting a new one", finished.name)
            journal = Journal.open(path)
        if journal.found or journal.done:
            logger.info(
                "resuming the backfill of %s %s..%s: %d found, %d done so far",
                site.name,
                since,
                until,
                len(journal.found),
                len(journal.done),
            )
        with self._engine.run("backfill", [site.name]) as run:
            report, run_id = run.sites[0], run.run_id
            async with self._engine.open_fetcher([site]) as fetcher:
                cut = await self._discover(fetcher, site, sources, journal, report, run_id)
                cut = await self._fetch(fetcher, site, journal, report, run_id, refresh) or cut
                run.requests = fetcher.requests
                if cut:  # a stop left list pages or releases of this backfill undone
                    run.stopped_by = self._stop.reason
        if run.stopped_by:
            run.notes.append(interruption_note(run.stopped_by, journal, sources))
        return run

    async def _discover(
        self, fetcher: AnyFetcher, site: Site, sources: list[Source], journal: Journal, report: SiteReport, run_id: int
    ) -> bool:
        """Read the sources' list pages into the journal, from where the last run stopped; True if cut short."""
        evidence = self._engine.evidence(site, report)
        for source in sources:
            url: str | None = journal.next_url.get(source.key, source.first_url)
            policy = self._discovery_policy(site)
            while url and not self._stop.is_set():
                try:
                    page = await fetcher.get(url, policy)
                    evidence.listing(page)
                    items, next_url = source.parse_page(page.text, url)
                except (FetchError, ParseError) as exc:
                    if isinstance(exc, Interrupted):  # the stop cut it short; the next run reads it again
                        break
                    if isinstance(exc, ParseError):
                        report.list_unparsed[reason_of(exc.reason)] += 1
                    if isinstance(exc, FetchError):
                        evidence.robots(exc)
                    Books(self._archive, report, run_id).record(None, url, "failed", str(exc))
                    report.problem("failed", f"{exc} (the backfill can be resumed)", host_down=host_down(exc))
                    if host_down(exc):  # given up for the run: the other sources go there too, so wait for a resume
                        return False
                    break
                report.listing(len(items))
                fresh = [i.url for i in items if i.url not in journal.found]
                if not fresh and next_url:
                    next_url = None  # a page with nothing new: the source is looping or exhausted
                journal.page(source.key, [i.url for i in items], next_url)
                logger.debug("%s: %s on %s", source.key, count(len(items), "item"), url)
                url = next_url
            if url and self._stop.is_set():
                logger.info("%s: %s found before the stop", site.name, count(len(journal.found), "release"))
                return True
        logger.info("%s: %s found", site.name, count(len(journal.found), "release"))
        return False

    def _discovery_policy(self, site: Site) -> Policy:
        cfg = self._config.site(site.name)
        if site.backfill_uses_wayback:  # the CDX index, at its rate; its 429 pauses every web-archive request
            return wayback_policies(self._config).cdx
        return policy_for(site, cfg)

    async def _fetch(
        self,
        fetcher: AnyFetcher,
        site: Site,
        journal: Journal,
        report: SiteReport,
        run_id: int,
        refresh: bool,
    ) -> bool:
        """Visit the releases found and not yet dealt with, journalling each; True if cut short."""
        todo = [u for u in journal.found if u not in journal.done]
        # The CLI gives a bar on a terminal; without one (a library caller), plain log lines.
        progress = self._progress or LogProgress("backfill")
        progress.add(len(journal.found), done=len(journal.found) - len(todo))

        def to_visit() -> Iterator[str]:
            for url in todo:
                if not refresh and self._archive.versions(site.doc_key(url)):
                    report.counts["already_archived"] += 1
                    journal.finish(url, "already_archived")
                    progress.advance()
                else:
                    yield url

        def visited(url: str, kind: str) -> None:
            journal.finish(url, kind)
            progress.advance()

        return await self._engine.visit_many(fetcher, site, to_visit(), report, run_id, done=visited)
