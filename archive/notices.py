"""What pressroom has told its owner: a journal of the notifications sent, and the events still to tell.

    <archive>/notified.jsonl      one JSON object a line (keys sorted), appended and fsynced per message

It is a journal, not a cache: what reached an e-mail box or a webhook is known from nowhere else, so `reindex`
neither rebuilds nor touches it. The events it refers to are the archive's own observations, whose ids survive
`reindex` (the log replays them with the same ids), so a few marks per endpoint are all it takes to know what is
still to send. Endpoints are named by a hash of their URL, never by the URL (it often holds a password or a
token); a changed URL is a new endpoint. Each line moves one mark of one endpoint:

    {"at": T, "endpoint": E, "mark": "start", "observation": 120}   first seen: what comes after 120 is news
    {"at": T, "endpoint": E, "mark": "edit", "observation": 131}    the event of observation 131 was sent
    {"at": T, "endpoint": E, "mark": "new", "observation": 150, "releases": 20}   a digest up to observation 150
    {"at": T, "endpoint": E, "mark": "past", "observation": 170, "events": 12}   past edits found in the web archive
    {"at": T, "endpoint": E, "mark": "health", "site": "mid.ru", "verdict": "broken"}

A kill -9 loses at most the line being written (a torn last line is ignored); the message it stood for is then
sent again by the next run: at least once, and twice only in that case.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archive import log
from archive.changes import CAPTURE_EVENT_KINDS, Change, events_after
from archive.errors import ArchiveError
from archive.recorder import Archive

JOURNAL = "notified.jsonl"
# Runs whose new releases are news. A backfill or a history import brings old releases by the hundred:
# a digest of them would bury the news (their edits, withdrawals and restorations are still sent).
NEWS_COMMANDS = ("crawl", "schedule", "add")
# Runs that bring in the past: their events (edits and withdrawals found between web-archive captures, and the
# live check's withdrawals of documents known only from the web archive) are history, not news. They are told
# in one digest ("12 past edits found in the web archive"), never one message each, and marked apart (`past`),
# so that a live edit sent before them never counts them as sent, nor they it.
PAST_COMMANDS = ("import-history",)


def endpoint_id(url: str) -> str:
    """How the journal names an endpoint: a hash of its URL, which may hold a secret."""
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:16]


@dataclass
class Marks:
    """How far one endpoint has been told."""

    start: int = 0
    edit: int = 0
    new: int = 0
    past: int = 0
    health: dict[str, str] = field(default_factory=dict)  # site -> the verdict last sent

    @property
    def edits_after(self) -> int:
        """Events with a greater observation id are still to send."""
        return max(self.start, self.edit)

    @property
    def past_after(self) -> int:
        """Past events (of an import from the web archive) with a greater observation id are still to send."""
        return max(self.start, self.past)

    @property
    def new_after(self) -> int:
        """New releases with a greater observation id are still to send."""
        return max(self.start, self.new)


@dataclass(frozen=True)
class NewRelease:
    """A release first archived by a crawl, for the digest."""

    observation: int
    key: str
    title: str
    url: str
    published: str


class Journal:
    """The journal of one archive: every endpoint's marks, and the appending of new ones."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        self.path = archive.root / JOURNAL
        self.marks: dict[str, Marks] = {}
        self._lock = threading.Lock()  # endpoints are served side by side, each in its own thread
        for line in _lines(self.path):
            self._apply(line)

    def _apply(self, line: dict[str, Any]) -> None:
        marks = self.marks.setdefault(str(line.get("endpoint")), Marks())
        kind = line.get("mark")
        if kind in ("start", "edit", "new", "past") and isinstance(line.get("observation"), int):
            setattr(marks, kind, max(getattr(marks, kind), line["observation"]))
        elif kind == "health" and isinstance(line.get("site"), str):
            marks.health[line["site"]] = str(line.get("verdict"))

    def of(self, url: str) -> Marks:
        """The marks of the endpoint at `url` (none yet: all zero)."""
        return self.marks.get(endpoint_id(url), Marks())

    def knows(self, url: str) -> bool:
        """Whether the endpoint at `url` has been seen before."""
        return endpoint_id(url) in self.marks

    def start(self, url: str) -> None:
        """Take a new endpoint on: what the archive holds now is not news to it."""
        if not self.knows(url):
            self.mark(url, "start", observation=latest_observation(self.archive))

    def mark(self, url: str, kind: str, **fields: Any) -> None:
        """Record (fsynced) that the endpoint at `url` was told something."""
        line = {"at": self.archive.now(), "endpoint": endpoint_id(url), "mark": kind, **fields}
        with self._lock:
            try:
                journal = log.LogFile(self.path)
                try:
                    journal.append(line)
                finally:
                    journal.close()
            except OSError as exc:
                raise ArchiveError(f"cannot record a notification in {self.path}: {exc.strerror or exc}") from None
            self._apply(line)


def _lines(path: Path) -> list[dict[str, Any]]:
    """The journal's lines; a torn last line (a kill mid-write) and anything not an object are skipped."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise ArchiveError(f"cannot read the notifications journal {path}: {exc.strerror or exc}") from None
    out = []
    for raw in text.splitlines():
        with contextlib.suppress(ValueError):
            line = json.loads(raw)
            if isinstance(line, dict):
                out.append(line)
    return out


def latest_observation(archive: Archive) -> int:
    """The id of the newest observation (0: none)."""
    row = archive.catalog.db.execute("SELECT max(id) FROM observations").fetchone()
    return int(row[0] or 0)


def pending_events(archive: Archive, after: int) -> list[Change]:
    """The edits, reverts, withdrawals and restorations seen live after observation `after`, oldest first
    (those an import from the web archive recorded are `pending_past`'s)."""
    past = _past_ids(archive, after)
    return events_after(archive, after, keep=lambda obs: obs not in past)


def pending_past(archive: Archive, after: int) -> list[Change]:
    """The events imports from the web archive recorded after observation `after`, oldest first."""
    past = _past_ids(archive, after)
    return events_after(archive, after, keep=past.__contains__) if past else []


def _past_ids(archive: Archive, after: int) -> set[int]:
    """The observations after `after` that are past events: a web-archive event, or recorded by an import."""
    commands, kinds = ", ".join("?" * len(PAST_COMMANDS)), ", ".join("?" * len(CAPTURE_EVENT_KINDS))
    rows = archive.catalog.db.execute(
        "SELECT o.id FROM observations o LEFT JOIN runs r ON r.id = o.run_id "
        f"WHERE o.id > ? AND (r.command IN ({commands}) OR o.kind IN ({kinds}))",
        (after, *PAST_COMMANDS, *CAPTURE_EVENT_KINDS),
    ).fetchall()
    return {int(row[0]) for row in rows}


def pending_new(archive: Archive, after: int) -> list[NewRelease]:
    """The releases crawls first archived after observation `after`, oldest first."""
    commands = ", ".join("?" * len(NEWS_COMMANDS))
    rows = archive.catalog.db.execute(
        "SELECT o.id, o.key, d.title, d.url, d.published FROM observations o "
        "JOIN runs r ON r.id = o.run_id JOIN documents d ON d.key = o.key "
        f"WHERE o.id > ? AND o.kind = 'new' AND r.command IN ({commands}) ORDER BY o.id",
        (after, *NEWS_COMMANDS),
    ).fetchall()
    return [NewRelease(*row) for row in rows]
