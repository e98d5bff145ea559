"""The neutral response value: what a fetch gives the pipeline, and the archive's WARC writer through it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import httpx


@dataclass(frozen=True)
class Page:
    """A fetched response: 200 with its decoded text, or 304 with none."""

    url: str  # what was asked for
    final_url: str  # after redirects
    status: int
    headers: httpx.Headers  # as received, several values of a name kept apart (`multi_items()`)
    content: bytes  # after content decoding: what the text was decoded from
    text: str
    encoding: str
    fetched_at: datetime
    request_headers: httpx.Headers = field(default_factory=httpx.Headers)
    # Responses read on the way to this one that the run's raw captures keep: the origin's robots.txt, on
    # the first request that needed it this run.
    evidence: tuple[Page, ...] = ()

    @property
    def etag(self) -> str | None:
        """The ETag validator, if the server gave one."""
        value: str | None = self.headers.get("etag")
        return value

    @property
    def last_modified(self) -> str | None:
        """The Last-Modified validator, if the server gave one."""
        value: str | None = self.headers.get("last-modified")
        return value
