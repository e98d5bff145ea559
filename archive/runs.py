"""Runs and the log: every run and every visit outcome is appended to <archive>/log/ as it happens (archive/log.py),
then recorded in the catalog, so `reindex` can rebuild the catalog's record of runs and visits from the files.

A run is a context manager (`with archive.run("crawl", sites) as run:`) that records the run's start once on
entering and its end once on leaving, with the status the way out says: the caller's (`ok`, `partial`,
`interrupted` after a stop), `interrupted` on KeyboardInterrupt or a cancelled task, `failed` on any other
exception. A run also keeps the raw captures of the pages it archived (WARC files, archive/raw.py), closed
before its end is recorded.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from archive import log
from archive.catalog import CATALOG_NAME, Catalog
from archive.errors import ArchiveError
from archive.raw import BuiltResponse, Memento, RawRef, RawWriter, Response
from archive.rows import CaptureRow

logger = logging.getLogger(__name__)

# Observations whose page is kept whole: it produced the version. Any other is a revisit of the last whole one.
WHOLE_KINDS = frozenset({"new", "changed", "reverted"})
# Evidence that is news of itself, worth a WARC file: a page found gone (a later 404 of a withdrawn page is not).
NEWS_EVIDENCE = frozenset({"missing", "withdrawn"})


class RunLog:
    """The runs-and-log half of `Archive` (which provides the root, the clock and the catalog)."""

    root: Path
    clock: Callable[[], datetime]
    _logs: dict[int | None, log.LogFile]

    @property
    def catalog(self) -> Catalog:
        """The catalog (see Archive)."""
        raise NotImplementedError

    def now(self) -> str:
        """The clock's time as written in the catalog (see Archive)."""
        raise NotImplementedError

    def run(self, command: str, sites: list[str], *, counts: Callable[[], Mapping[str, int]] | None = None) -> Run:
        """A run of `command` over `sites`, to be entered with `with`; `counts` gives its counts when it ends."""
        return Run(self, command, sites, counts or dict)

    def _start_run(self, command: str, sites: list[str]) -> int:
        """Record the start of a run (log first, then catalog) and return its id."""
        self.ensure_log()
        started = self.now()
        # The log's ids count too: after a lost catalog, a run must not reuse an id the log already has.
        run_id = max(self.catalog.last_run_id(), log.last_run_id(self.root)) + 1
        try:
            logfile = log.LogFile(self.root / log.LOG_DIR / log.run_file_name(started, run_id))
            logfile.append({"event": "run", "run": run_id, "command": command, "sites": sites, "started": started})
        except OSError as exc:
            raise ArchiveError(f"cannot write the log of run {run_id} under {self.root / log.LOG_DIR}: {exc}") from None
        self._logs[run_id] = logfile
        self.catalog.start_run(run_id=run_id, command=command, sites=" ".join(sites), started=started)
        return run_id

    def _finish_run(
        self, run_id: int, *, status: str, counts: dict[str, int], sites: Mapping[str, Any] | None = None
    ) -> None:
        """Record the end of a run (with each site's figures, `sites`), and fsync its log."""
        finished = self.now()
        logfile = self._logs.pop(run_id, None)
        end = {"event": "end", "run": run_id, "finished": finished, "status": status, "counts": counts}
        try:
            if logfile is not None:
                logfile.append({**end, "sites": dict(sites)} if sites else end)
                logfile.close()
        except OSError as exc:
            logger.error("cannot finish the log of run %d: %s", run_id, exc)
        self.catalog.finish_run(run_id, finished=finished, status=status, counts=counts, sites=sites)

    def ensure_log(self) -> None:
        """Create the log folder; an archive from before the log existed first gets its history written to it."""
        folder = self.root / log.LOG_DIR
        if folder.is_dir():
            return
        if (self.root / CATALOG_NAME).exists():
            log.write_history(self.root, self.catalog.runs(limit=-1), self.catalog.all_observations())
        folder.mkdir(parents=True, exist_ok=True)

    def _observe(self, *, run_id: int | None, touch: bool = True, **seen: Any) -> None:
        """Log one visit's outcome, then record it in the catalog (inside the caller's transaction)."""
        event = {"event": "observation", "run": run_id, **{k: v for k, v in seen.items() if v is not None}}
        try:
            logfile = self._logs.get(run_id) or self._logs.get(None)
            if logfile is None:  # a visit outside the runs this archive started (library use)
                self.ensure_log()
                logfile = self._logs[None] = log.LogFile(self.root / log.LOG_DIR / log.OUTSIDE_RUNS)
            logfile.append(event)
        except OSError as exc:
            raise ArchiveError(f"cannot write the log under {self.root / log.LOG_DIR}: {exc}") from None
        seen.pop("etag", None)
        seen.pop("last_modified", None)
        self.catalog.observe(run_id=run_id, touch=touch, **seen)


class Run:
    """One run's record, from `with archive.run(...)` to its end: started once, finished once.

    Set `status` before leaving (`ok` unless told; `partial` when some visits failed, `interrupted` after a
    stop), and `site_figures` (site -> what its part of the run found, JSON values: its health); an exception
    on the way out overrides the status. Problems of finishing (WARC files not closed, the end not
    recorded) do not hide the run's own exception: they go to `problems`, for the caller to report.
    """

    def __init__(self, runs: RunLog, command: str, sites: list[str], counts: Callable[[], Mapping[str, int]]) -> None:
        self._runs = runs
        self.command = command
        self.sites = list(sites)
        self.counts = counts
        self.status = "ok"
        self.site_figures: dict[str, Any] = {}
        self.problems: list[str] = []
        self._id: int | None = None
        self._state = "new"  # new -> open -> finished: a Run is entered once
        self._started: datetime | None = None  # names the run's WARC files
        self._raw: RawWriter | None = None  # opened on the first capture

    @property
    def id(self) -> int:
        """The run's id (once entered)."""
        if self._id is None:
            raise RuntimeError("the run has not started: enter it with `with`")
        return self._id

    def __enter__(self) -> Run:
        if self._state != "new":
            raise RuntimeError(f"run {self._id} was already started")
        self._id = self._runs._start_run(self.command, self.sites)
        self._started = self._runs.clock()
        self._state = "open"
        return self

    def _writer(self) -> RawWriter:
        if self._state != "open" or self._started is None:
            raise RuntimeError("captures are kept only while the run is open")
        if self._raw is None:
            self._raw = RawWriter(self._runs.root, self.id, self._started)
        return self._raw

    def prepare(self, fetched: Response, key: str) -> Future[BuiltResponse]:
        """Start building, in a background thread, the records `capture` keeps of a new document's response."""
        return self._writer().prepare(fetched, key)

    def capture(
        self,
        site: str,
        fetched: Response,
        key: str,
        kind: str,
        version: int | None,
        built: Future[BuiltResponse] | None = None,
    ) -> CaptureRow | None:
        """Keep the capture that produced (`kind` new, changed or reverted: the whole response) or confirmed (any
        other kind: a revisit record pointing at the last whole one) a version, and index it once written
        (None: a revisit held until the run brings news, and dropped if it brings none; see archive/raw.py).

        Raises OSError (a full disk) or ArchiveError (the catalog); the version itself is safe either way.
        """
        raw, rows = self._writer(), []

        def index(ref: RawRef, record: str) -> None:
            url, at = fetched.url, ref.date
            row = CaptureRow(key, url, record, version, ref.path, ref.offset, ref.length, ref.record_id, at)
            self._runs.catalog.add_capture(row)
            rows.append(row)

        if kind in WHOLE_KINDS:
            index(raw.response(site, fetched, key, version or 1, built), "response")
        else:
            refers_to = self._runs.catalog.latest_response(key)
            raw.revisit(site, fetched, refers_to, key, version, lambda ref: index(ref, "revisit"))
        return rows[0] if rows else None

    def evidence(
        self, site: str, fetched: Response, what: str, key: str | None = None, *, memento: Memento | None = None
    ) -> None:
        """Keep a response the run read that is no release: `what` is `robots.txt`, `list page`, the kind of
        the observation a 404/410 made (`missing`, `withdrawn`, `gone`) of the document `key`, or, for a
        web archive's capture (`memento`) that is not the release, why it was skipped. Not indexed: the
        captures of a document are its releases'. Raises OSError (a full disk)."""
        self._writer().evidence(site, fetched, what, key=key, news=what in NEWS_EVIDENCE, memento=memento)

    def capture_memento(
        self, site: str, fetched: Response, key: str, version: int, memento: Memento, *, news: bool = True
    ) -> CaptureRow | None:
        """Keep a web archive's capture that showed version `version` of `key` whole (its WARC record marked
        as a capture of `memento.original` at `memento.at`), and index it as a `memento`: never the response
        `latest_capture`, `reextract` or `check` read. With `news` False (a capture recorded before) it waits
        for news, and is dropped if the run brings none: then None. Raises OSError (a full disk) or
        ArchiveError (the catalog)."""
        rows: list[CaptureRow] = []

        def index(ref: RawRef) -> None:
            row = CaptureRow(
                key, fetched.url, "memento", version, ref.path, ref.offset, ref.length, ref.record_id, ref.date
            )
            self._runs.catalog.add_capture(row)
            rows.append(row)

        self._writer().memento(site, fetched, key, version, memento, index, news=news)
        return rows[0] if rows else None

    def capture_attachment(self, site: str, fetched: Response, key: str, version: int) -> CaptureRow:
        """Keep an attachment's response whole, naming the document and version that list it, and index it (as
        an `attachment`, never the response a re-extraction reads)."""
        ref = self._writer().attachment(site, fetched, key, version)
        row = CaptureRow(
            key, fetched.url, "attachment", version, ref.path, ref.offset, ref.length, ref.record_id, ref.date
        )
        self._runs.catalog.add_capture(row)
        return row

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._state = "finished"
        if exc_type is not None:
            # A second Ctrl-C cancels the run's task: interrupted, as a KeyboardInterrupt is.
            stopped = issubclass(exc_type, KeyboardInterrupt | asyncio.CancelledError)
            self.status = "interrupted" if stopped else "failed"
        self._close_raw()
        try:
            counts = dict(self.counts())
            self._runs._finish_run(self.id, status=self.status, counts=counts, sites=self.site_figures)
        except ArchiveError as problem:
            self.problems.append(f"cannot record the end of run {self.id}: {problem}")

    def _close_raw(self) -> None:
        """Close the WARC files; if that fails the captures may be incomplete, and the run is not ok."""
        if self._raw is None:
            return
        try:
            self._raw.close()
        except OSError as exc:
            self.problems.append(f"raw captures of run {self.id} may be incomplete: {exc}")
            if self.status == "ok":
                self.status = "partial"
        finally:
            self._raw = None
