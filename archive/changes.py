"""What changed in a period: edits, reverts, withdrawals and restorations, newest first, and an Atom feed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from archive import diff
from archive.attachment import changes as attachment_changes
from archive.history import CAPTURE_EVENTS, WEB_ARCHIVE, Sighting, parse_detail, source_words
from archive.recorder import SEEN_KINDS, Archive

LIVE_EVENT_KINDS = ("changed", "reverted", "withdrawn", "restored")
# Edits and withdrawals found between two web-archive captures (archive/history.py derives them on import).
CAPTURE_EVENT_KINDS = CAPTURE_EVENTS
EVENT_KINDS = LIVE_EVENT_KINDS + CAPTURE_EVENT_KINDS
EDIT_KINDS = ("changed", "reverted")  # events with a word diff (`verb`, the kind without its source)
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
    before: Sighting | None = None  # the sighting of the text before the event (None: none known)
    after: Sighting | None = None  # the sighting that showed the event (a web-archive event's later capture)
    recorded: str = ""  # when pressroom recorded it: its run's end ("" or `at` for a live event: seen as it happened)

    @property
    def noted(self) -> str:
        """When pressroom learnt of the event: a live one as it happened, a web-archive one when imported."""
        return self.recorded or self.at

    @property
    def source(self) -> str:
        """Where the event was seen: `live` (a visit of the site) or `web-archive` (between two captures)."""
        return WEB_ARCHIVE if self.kind in CAPTURE_EVENT_KINDS else "live"

    @property
    def verb(self) -> str:
        """What happened, whoever saw it: changed, reverted, withdrawn or restored."""
        return self.kind.removeprefix("capture_")

    @property
    def label(self) -> str:
        """The event's name for people: `changed`, or `changed (web archive)`."""
        return f"{self.verb} (web archive)" if self.source == WEB_ARCHIVE else self.kind

    def between(self) -> str:
        """For a web-archive event, when it happened: `between captures of 2019-03-12 and 2019-05-01`."""
        if self.source != WEB_ARCHIVE or self.before is None:
            return ""
        after = self.after or Sighting(self.at, self.new or 0, "capture", "")  # only a detail not of ours lacks it
        if self.before.source == after.source == "capture":
            return f"between captures of {self.before.at[:10]} and {after.at[:10]}"
        return f"between {_sighting_words(self.before)} and {_sighting_words(after)}"

    def summary(self) -> str:
        """One line for a terminal."""
        versions = f"v{self.old}→v{self.new}" if self.verb in EDIT_KINDS else f"v{self.new}"
        words = f"  +{self.added}/-{self.removed} words" if self.verb in EDIT_KINDS else ""
        words += f", {self.files} attachment{'s' if self.files != 1 else ''}" if self.files else ""
        when = f"  {self.between()}" if self.between() else ""
        return f"{self.at}  {self.label:<9} {self.key} {versions}{words}{when}  {self.title}"


def _sighting_words(sighting: Sighting) -> str:
    """`the capture of 2019-03-12` or `the live visit of 2026-03-01`."""
    return f"the {source_words(sighting.source)} of {sighting.at[:10]}"


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
    by_noted: bool = False,
) -> list[Change]:
    """Every changed, reverted, withdrawn or restored document in the period, seen live or between web-archive
    captures, newest first by when it happened (the newest `limit` of them if given; only those are read and
    word-counted). `by_noted`: newest first by when pressroom recorded the event instead (the feed's order)."""
    where, args = Period(since, until, sites).where()
    # By when the event happened on the site: an import's events of 2019 come after today's live ones.
    sql = f"{_SELECT} WHERE {where} ORDER BY o.at DESC, o.id DESC"
    if by_noted:
        capture_marks = ", ".join(f"'{kind}'" for kind in CAPTURE_EVENT_KINDS)  # our own constants, no input
        noted = f"CASE WHEN o.kind IN ({capture_marks}) THEN coalesce(r.finished, r.started, o.at) ELSE o.at END"
        sql = f"{_SELECT} WHERE {where} ORDER BY {noted} DESC, o.id DESC"
    if limit is not None:
        sql += " LIMIT ?"
        args.append(limit)
    return [_change(archive, *row) for row in archive.catalog.db.execute(sql, args).fetchall()]


def events_after(archive: Archive, after: int, *, keep: Callable[[int], bool] = lambda _: True) -> list[Change]:
    """The events observed after observation `after` whose ids `keep` accepts, in the order they were recorded
    (only those are read and word-counted)."""
    marks = ", ".join("?" * len(EVENT_KINDS))
    rows = archive.catalog.db.execute(
        f"{_SELECT} WHERE o.id > ? AND o.key IS NOT NULL AND kind IN ({marks}) ORDER BY o.id",
        (after, *EVENT_KINDS),
    ).fetchall()
    return [_change(archive, *row) for row in rows if keep(row[0])]


# An event with when its run ended (a killed run: when it began), which is when pressroom recorded it.
_SELECT = (
    "SELECT o.id, o.key, o.url, o.at, o.kind, o.version, o.detail, coalesce(r.finished, r.started, o.at) "
    "FROM observations AS o LEFT JOIN runs AS r ON r.id = o.run_id"
)


def _change(
    archive: Archive, obs_id: int, key: str, url: str, at: str, kind: str, version: int, detail: str, recorded: str
) -> Change:
    """One event with the version shown before it and, for an edit or a revert, the words it changed."""
    if kind in CAPTURE_EVENT_KINDS:
        before, after = _around(archive.timeline(key), at, version, detail)
    else:
        before, after = _live_before(archive, key, obs_id, at, kind, version), None
    old = before.version if before else None
    _, new_version = archive.version(key, version)
    added = removed = files = 0
    if kind.removeprefix("capture_") in EDIT_KINDS and old is not None:
        old_version = archive.version(key, old)[1]
        added, removed = diff.word_counts(old_version, new_version)
        files = len(attachment_changes(old_version.release.attachments, new_version.release.attachments))
    title = new_version.release.title
    noted = recorded if kind in CAPTURE_EVENT_KINDS else ""
    return Change(obs_id, at, kind, key, url, title, old, version, added, removed, files, before, after, noted)


def _live_before(archive: Archive, key: str, obs_id: int, at: str, kind: str, version: int) -> Sighting | None:
    """What the site showed before a live event. For an edit or a revert: the latest sighting before it, live
    or in the web archive, of another version (an import may have found a capture newer than the last live
    visit, which the visit was compared with); otherwise, and failing that, the last live visit that saw a
    version."""
    if kind in EDIT_KINDS:
        earlier = [s for s in archive.timeline(key) if s.at < at or (s.at == at and s.source != "live")]
        other = next((s for s in reversed(earlier) if s.version != version), None)
        if other is not None:
            return other
    row = archive.catalog.db.execute(
        f"SELECT at, version, url FROM observations WHERE key = ? AND id < ? AND version IS NOT NULL "
        f"AND kind IN ({', '.join('?' * len(SEEN_KINDS))}) ORDER BY id DESC LIMIT 1",
        (key, obs_id, *sorted(SEEN_KINDS)),
    ).fetchone()
    return Sighting(row[0], row[1], "live", row[2]) if row else None


def _around(timeline: list[Sighting], at: str, version: int, detail: str) -> tuple[Sighting | None, Sighting | None]:
    """The sightings a web-archive event lies between, as its `detail` names them (archive/history.py): the
    one before (with its URL from the timeline) and the one after (for a withdrawal, the capture that showed
    the page gone, which is no sighting)."""
    said = parse_detail(detail)
    if said is None:  # not written by archive/history.py: the timeline alone tells
        earlier = [s for s in timeline if s.at < at]
        return (earlier[-1] if earlier else None), next((s for s in timeline if s.at == at), None)
    before = next(
        (
            s
            for s in timeline
            if (s.at, s.version, s.source) == (said.before_at, said.before_version, said.before_source)
        ),
        Sighting(said.before_at, said.before_version, said.before_source, ""),
    )
    after = next((s for s in timeline if (s.at, s.version, s.source) == (at, version, said.after_source)), None)
    if after is None:
        after = Sighting(said.after_at, version, said.after_source, said.url)
    return before, after
