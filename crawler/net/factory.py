"""Which fetcher a run gets: the fetch process where that is allowed and safe, else one in this process.

The pipeline asks this factory for a fetcher and never builds one itself, so it needs neither httpx nor
the fetch process's rules; tests inject the HTTP transport, the sleeper and the clock here.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

from crawler.config import Config
from crawler.net.fetcher import Fetcher, Transport
from crawler.net.process import AnyFetcher, FetchProcess, StopRequest


@dataclass(frozen=True)
class FetcherFactory:
    """Makes a run's fetcher; `fetch_process` forces the choice (None: decide by `use_fetch_process`)."""

    transport: Transport | None = None
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    monotonic: Callable[[], float] = time.monotonic
    fetch_process: bool | None = None

    def use_fetch_process(self, config: Config) -> bool:
        """Whether to fetch in a child process: when forced, else when the config allows and it is safe.

        fork() is only safe in a single-threaded process (the scheduler runs crawls in its threads; and the
        kernel's parent-death signal that ties the fetch process to this one follows the thread that started
        it); an injected transport, sleeper or clock lives in this process.
        """
        if self.fetch_process is not None:
            return self.fetch_process
        injected = self.transport is not None or self.sleep is not asyncio.sleep or self.monotonic is not time.monotonic
        return config.fetch_process and not injected and threading.active_count() == 1

    def open(self, config: Config, ca_bundles: Mapping[str, str], *, stop: StopRequest | None = None) -> AnyFetcher:
        """A fetcher (not yet entered) with these per-host CA bundles; once `stop` is set, it starts no
        request or retry."""
        bundles = dict(ca_bundles)
        if self.use_fetch_process(config):
            return FetchProcess(config, ca_bundles=bundles, stop=stop)
        return Fetcher(
            config,
            transport=self.transport,
            ca_bundles=bundles,
            sleep=self.sleep,
            monotonic=self.monotonic,
            stopped=stop.is_set if stop is not None else None,
        )
