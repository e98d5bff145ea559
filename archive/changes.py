"""What changed in a period: edits, reverts, withdrawals and restorations, newest first, and an Atom feed."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

from archive import diff
from archive.attachment import changes as attachment_changes
from archive.escape import visible
from archive.publish.paths import CHANGES_PATH, FEED_PATH, page_url
from archive.recorder import SEEN_KINDS, Archive

EVENT_KINDS = ("changed", "reverted", "withdrawn", "restored")
ATOM = "http://www.w3.org/2005/Atom"


@dataclass(frozen=True)
class Change:
    """One event with what it changed."""

    id: int
    at: str
    kind: str
    key: str
    url: str
    title: str
    old: int | None  # the version shown before the event
    new: int | None  # the version shown after it
    added: int = 0  # words
    removed: int = 0
    files: int = 0  # attachments added, removed or changed (archive/attachment.py)

    def summary(self) -> str:
        """One line for a terminal."""
        versions = f"v{self.old}→v{self.new}" if self.kind in ("changed", "reverted") else f"v{self.new}"
        words = f"  +{self.added}/-{self.removed} words" if self.kind in ("changed", "reverted") else ""
        words += f", {self.files} attachment{'s' if self.files != 1 else ''}" if self.files else ""
        return f"{self.at}  {self.kind:<9} {self.key} {versions}{words}  {self.title}"


@dataclass(frozen=True)
class Period:
    """Which events to list: from `since` (an ISO day, inclusive) to `until` (inclusive), on these sites (all
    when none)."""

    since: str | None = None
    until: str | None = None
    sites: tuple[str, ...] = ()

    def where(self) -> tuple[str, list[object]]:
        """The SQL condition on `observations` and its arguments."""
        marks = ", ".join("?" * len(EVENT_KINDS))
        sql = f"key IS NOT NULL AND kind IN ({marks})"
        args: list[object] = list(EVENT_KINDS)
        if self.since:
            sql += " AND at >= ?"
            args.append(self.since)
        if self.until:
            # Times are ISO strings ending in Z: every time of the day `until` sorts before the next day.
            sql += " AND at < ?"
            args.append((date.fromisoformat(self.until) + timedelta(days=1)).isoformat())
        if self.sites:
            sql += " AND (" + " OR ".join("key LIKE ?" for _ in self.sites) + ")"
            args += [site + "/%" for site in self.sites]
        return sql, args


def count(archive: Archive, period: Period) -> int:
    """How many events `period` holds (what `changes` would list without a limit)."""
    where, args = period.where()
    row = archive.catalog.db.execute(f"SELECT COUNT(*) FROM observations WHERE {where}", args).fetchone()
    return int(row[0])


def changes(
    archive: Archive,
    *,
    since: str | None = None,
    until: str | None = None,
    sites: tuple[str, ...] = (),
    limit: int | None = None,
) -> list[Change]:
    """Every changed, reverted, withdrawn or restored document in the period, newest first (the newest
    `limit` of them if given; only those are read and word-counted)."""
    where, args = Period(since, until, sites).where()
    sql = f"SELECT id, key, url, at, kind, version FROM observations WHERE {where} ORDER BY id DESC"
    if limit is not None:
        sql += " LIMIT ?"
        args.append(limit)
    return [_change(archive, *row) for row in archive.catalog.db.execute(sql, args).fetchall()]


def _change(archive: Archive, obs_id: int, key: str, url: str, at: str, kind: str, version: int) -> Change:
    """One event with the version shown before it and, for an edit or a revert, the words it changed."""
    before = archive.catalog.db.execute(
        f"SELECT version FROM observations WHERE key = ? AND id < ? AND version IS NOT NULL "
        f"AND kind IN ({', '.join('?' * len(SEEN_KINDS))}) ORDER BY id DESC LIMIT 1",
        (key, obs_id, *sorted(SEEN_KINDS)),
    ).fetchone()
    old = before[0] if before else None
    _, new_version = archive.version(key, version)
    added = removed = files = 0
    if kind in ("changed", "reverted") and old is not None:
        old_version = archive.version(key, old)[1]
        added, removed = diff.word_counts(old_version, new_version)
        files = len(attachment_changes(old_version.release.attachments, new_version.release.attachments))
    return Change(obs_id, at, kind, key, url, new_version.release.title, old, version, added, removed, files)


def atom_feed(archive: Archive, events: list[Change], *, now: str, base_url: str = "", self_url: str = "") -> str:
    """An Atom 1.0 feed with one entry per event, the word diff in the entry.

    With `base_url` (where `pressroom publish` output is hosted) the feed names its own URL there
    (rel="self", unless `self_url` says otherwise), links the published changes page, and each entry
    links the document's page (the release itself as `related`); without it an entry links the release,
    and the feed the sites its entries come from. Site text shows its control and bidi characters as
    visible escapes: a feed reader must not let a title's U+202E reorder the entries around it (and XML 1.0
    cannot carry most control characters).
    """
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    base = base_url.rstrip("/")
    identity = archive_identity(archive)
    _text(feed, "id", f"urn:pressroom:{identity}:changes")
    _text(feed, "title", "pressroom: changes to archived press releases")
    _text(feed, "updated", events[0].at if events else now)
    if self_url or base:
        _link(feed, "self", self_url or f"{base}/{FEED_PATH}", "application/atom+xml")
    if base:
        _link(feed, "alternate", f"{base}/{CHANGES_PATH}", "text/html")
    else:
        for home in sorted({_home(event.url) for event in events}):
            _link(feed, "related", home, "text/html")
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", "pressroom")
    ET.SubElement(feed, f"{{{ATOM}}}generator", {"uri": "https://pypi.org/project/pressroom/"}).text = "pressroom"
    for event in events:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        _text(entry, "id", f"urn:pressroom:{identity}:event:{event.id}")
        _text(entry, "title", f"{event.kind}: {visible(event.title)}")
        _text(entry, "updated", event.at)
        page = page_url(base, event.key)
        _link(entry, "alternate", page or event.url, "text/html")
        if page:
            _link(entry, "related", event.url, "text/html")
        _text(entry, "summary", visible(event.summary()))
        content = ET.SubElement(entry, f"{{{ATOM}}}content", {"type": "html"})
        content.text = _entry_html(archive, event)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"


def archive_identity(archive: Archive) -> str:
    """A name for the archive that does not depend on where it lives: made from its first observation (when
    and what URL), which the log keeps and `reindex` replays as it was. A copied, moved or restored archive,
    and one rebuilt by reindex or moved to a new key layout, keeps it; another archive has its own."""
    row = archive.catalog.db.execute("SELECT at, url FROM observations ORDER BY id LIMIT 1").fetchone()
    first = "\n".join(str(value) for value in row) if row else ""
    return hashlib.sha256(first.encode()).hexdigest()[:16]


def _home(url: str) -> str:
    """The home page of the site a release URL is on: `https://www.mofa.go.kr/`."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/"


def _link(parent: ET.Element, rel: str, href: str, kind: str) -> None:
    ET.SubElement(parent, f"{{{ATOM}}}link", {"rel": rel, "type": kind, "href": href})


def _entry_html(archive: Archive, event: Change) -> str:
    if event.kind in ("changed", "reverted") and event.old is not None and event.new is not None:
        old, new = archive.version(event.key, event.old)[1], archive.version(event.key, event.new)[1]
        return diff.word_html(old, new, labels=(f"v{event.old}", f"v{event.new}"))
    verb = "is no longer served by the site" if event.kind == "withdrawn" else "is served again"
    return f"<p>{event.key} {verb}.</p>"


def _text(parent: ET.Element, tag: str, text: str) -> None:
    ET.SubElement(parent, f"{{{ATOM}}}{tag}").text = text
