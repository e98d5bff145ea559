"""The long-running mode: one apscheduler (3.x) job per enabled site at its interval, with jitter.

max_instances=1 and coalescing mean a slow run or a sleeping laptop never piles runs up; a misfire grace
time lets a run that is a little late still happen. Each run takes the archive's writer lock, so a
cron-started `pressroom crawl` and the scheduler never write at once: a job that finds the archive busy
waits a while, then skips that round and says so. SIGINT/SIGTERM let the run in hand finish its current
document and record itself, then the process exits cleanly.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from archive.errors import ArchiveLocked, PressroomError
from archive.recorder import Archive
from crawler.config import Config
from crawler.pipeline import notify
from crawler.pipeline.engine import Engine
from crawler.pipeline.stop import Stop
from crawler.sites.base import Site

logger = logging.getLogger(__name__)

JITTER_SHARE = 0.1  # runs start up to 10% of the interval late, so sites and machines do not align
MAX_JITTER_S = 300.0
MISFIRE_GRACE_S = 600  # a run up to 10 minutes late (a busy machine, a long previous run) still happens
SIGNAL_POLL_S = 0.5  # the main thread wakes this often to run a signal handler another thread received
LOCK_WAIT_S = 60.0  # how long a job waits for another writer (e.g. a cron crawl) before skipping a round


class Scheduler:
    """Runs crawls of `sites` into the archive at `root` until stopped."""

    def __init__(self, root: Path, config: Config, sites: list[Site]) -> None:
        self.root = root
        self.config = config
        self.sites = sites
        self.stopping = Stop()
        self.runs = 0
        self.layout_changes: dict[str, list[str]] = {}  # site -> its last run's layout-change lines
        self._scheduler = BackgroundScheduler(
            timezone=UTC,
            executors={"default": ThreadPoolExecutor(max(1, len(sites)))},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": MISFIRE_GRACE_S},
        )

    def start(self) -> None:
        """Add one job per site (the first run starts now) and start the scheduler thread."""
        now = datetime.now(UTC)
        for site in self.sites:
            interval = self.config.site(site.name).interval
            jitter = min(interval * JITTER_SHARE, MAX_JITTER_S)
            trigger = IntervalTrigger(seconds=interval, jitter=int(jitter) or None, timezone=UTC)
            self._scheduler.add_job(
                self.run_site,
                trigger,
                args=[site],
                id=site.name,
                name=f"crawl {site.name}",
                next_run_time=now + timedelta(milliseconds=10),
            )
            logger.info("scheduled %s every %s", site.name, timedelta(seconds=interval))
        self._scheduler.start()

    def run_site(self, site: Site) -> None:
        """One scheduled crawl of one site."""
        if self.stopping.is_set():
            return
        archive = Archive(self.root)
        try:
            with archive.writing(wait=self.config.lock_wait or LOCK_WAIT_S):
                if self.config.notify:
                    notify.take_on(archive, self.config)
                engine = Engine(archive, self.config, stop=self.stopping)
                report = asyncio.run(engine.crawl([site], command="schedule"))
                stopped = self.stopping.is_set()
                notified = notify.after_run(archive, self.config, [site.name], stopped=stopped)
            self.runs += 1
            for line in (r.summary() for r in report.sites):
                logger.info("%s", line)
            self.layout_changes[site.name] = report.layout_changes
            for line in report.layout_changes:
                logger.error("%s", line)
            if notified and notified.summary():
                logger.info("%s: %s", site.name, notified.summary())
        except ArchiveLocked as exc:
            logger.warning("%s: skipping this round: %s", site.name, exc)
        except PressroomError as exc:
            logger.error("%s: run failed: %s", site.name, exc)
        finally:
            archive.close()

    def stop(self) -> None:
        """Stop: no new runs; the runs in hand finish their current document, record themselves and end."""
        self.stopping.set()
        self._scheduler.shutdown(wait=True)

    def serve(self, *, duration: float | None = None) -> None:
        """Run until SIGINT/SIGTERM (or for `duration` seconds), then stop cleanly."""
        wake = threading.Event()

        def on_signal(signum: int, frame: object) -> None:
            logger.warning("%s: finishing the runs in hand, then exiting", signal.Signals(signum).name)
            self.stopping.set()
            wake.set()

        previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            self.start()
            deadline = None if duration is None else time.monotonic() + duration
            # Short waits, not one endless one: the kernel may hand SIGTERM to one of the scheduler's threads,
            # and Python runs the handler only when this (main) thread wakes up; it never would.
            while not wake.is_set():
                left = SIGNAL_POLL_S if deadline is None else min(deadline - time.monotonic(), SIGNAL_POLL_S)
                if left <= 0:
                    break
                wake.wait(left)
        finally:
            self.stop()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
