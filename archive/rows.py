"""The archive's typed values as the catalog holds them: documents, versions, observations and captures.

Plain frozen dataclasses, one per table row, handed out by the archive's reading methods; the crawler and the
CLI read their fields and never see SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# What a visit of a document can find; see DESIGN.md "Each visit of a known document is an observation".
OBSERVATION_KINDS = (
    "new",
    "unchanged",
    "not_modified",
    "changed",
    "reverted",
    "withdrawn",
    "missing",
    "gone",  # a 404/410 again after the withdrawal: recorded, never reported as news
    "restored",
    "blocked",
    "failed",
    "reextracted",
    # The web archive's (archive/history.py): a capture that showed a version's text, and the edits, reverts and
    # withdrawals found between sightings when captures were imported. Never taken for live visits.
    "captured",
    "capture_changed",
    "capture_reverted",
    "capture_withdrawn",
)
# Live observations that mean the page was there; they move a document's last_seen.
SEEN_KINDS = frozenset({"new", "unchanged", "not_modified", "changed", "reverted", "restored"})


@dataclass(frozen=True)
class DocumentRow:
    """One row of `documents`."""

    key: str
    site: str
    collection: str
    doc_id: str
    language: str
    url: str
    title: str
    published: str
    current_version: int
    latest_version: int
    status: str
    misses: int
    etag: str | None
    last_modified: str | None
    first_seen: str
    last_seen: str  # the last visit that found the page
    last_visit: str  # the last visit of any outcome


@dataclass(frozen=True)
class VersionRow:
    """One row of `versions`."""

    key: str
    number: int
    sha256: str
    path: str
    title: str
    published: str
    captured: str


@dataclass(frozen=True)
class CaptureRow:
    """One raw capture (a WARC record) of a document, as `captures` indexes it."""

    key: str | None  # None: a record that does not name its document (written before records did)
    url: str
    kind: str  # response | revisit | attachment (a file a version lists) | memento (a web archive's capture)
    version: int | None
    warc: str  # relative to the archive root
    offset: int
    length: int
    record_id: str
    at: str


@dataclass(frozen=True)
class RunRow:
    """One row of `runs`: a crawl, backfill, re-extraction ... from its start to its end."""

    id: int
    command: str
    sites: str  # the site names, space-separated
    started: str
    finished: str | None  # None: running, or killed
    status: str  # running | ok | partial | failed | interrupted
    counts: dict[str, int]


@dataclass(frozen=True)
class SiteRunRow:
    """One site's part of a run: the run's row, and the figures its end recorded for that site (`{}` for a run
    that did not finish, or that ended before runs recorded them)."""

    run: RunRow
    site: str
    figures: dict[str, Any]


@dataclass(frozen=True)
class SiteDates:
    """A site's documents in time: the newest publication dates (ISO, newest first), when the archive began
    watching the site (its first run), and when a document of it last entered the archive (None: never)."""

    published: list[str]
    watched_since: str | None
    last_new: str | None


@dataclass(frozen=True)
class ObservationRow:
    """One row of `observations`."""

    id: int
    key: str | None
    url: str
    run_id: int | None
    at: str
    kind: str
    version: int | None
    detail: str
