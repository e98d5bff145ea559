"""When a known document is due for another visit: often while young, rarely when old.

Ministries correct a release in its first hours and days; years later an edit or a withdrawal is rare
but still matters, so old releases are still revisited, monthly.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from archive.document import format_captured, parse_captured, parse_published
from archive.recorder import Archive
from archive.revisits import RevisitPolicy
from archive.rows import DocumentRow

# (age below which, revisit interval)
SCHEDULE = (
    (timedelta(days=1), timedelta(hours=1)),
    (timedelta(days=30), timedelta(days=1)),
    (timedelta(days=365), timedelta(days=7)),
)
OLD_INTERVAL = timedelta(days=30)


def revisit_interval(published: date | datetime, now: datetime) -> timedelta:
    """How long to wait between visits of a release published at `published`."""
    start = published if isinstance(published, datetime) else datetime.combine(published, datetime.min.time(), UTC)
    age = now - start
    for limit, interval in SCHEDULE:
        if age < limit:
            return interval
    return OLD_INTERVAL


def overdue(doc: DocumentRow, now: datetime) -> timedelta | None:
    """How long past due the document is, or None if it is not due."""
    last = parse_captured(doc.last_visit)
    # A withdrawn page rarely comes back: look for it on the slow schedule, whatever its age.
    interval = OLD_INTERVAL if doc.status == "withdrawn" else revisit_interval(parse_published(doc.published), now)
    late = now - last - interval
    return late if late >= timedelta(0) else None


def due(documents: list[DocumentRow], now: datetime, limit: int | None) -> list[DocumentRow]:
    """The due documents, most overdue first, at most `limit` of them."""
    late = [(lateness, doc) for doc in documents if (lateness := overdue(doc, now)) is not None]
    late.sort(key=lambda pair: pair[0], reverse=True)
    return [doc for _, doc in late[:limit]] if limit is not None else [doc for _, doc in late]


def policy(now: datetime) -> RevisitPolicy:
    """The schedule above as the catalog's index query needs it: the same intervals, in SQL."""
    seconds = "CAST(round((julianday(:now) - julianday({})) * 86400) AS INTEGER)"
    old = int(OLD_INTERVAL.total_seconds())
    bands = " ".join(
        f"WHEN {seconds.format('published')} < {int(limit.total_seconds())} THEN {int(interval.total_seconds())}"
        for limit, interval in SCHEDULE
    )
    lateness = f"{seconds.format('last_visit')} - CASE WHEN status = 'withdrawn' THEN {old} {bands} ELSE {old} END"
    # A release published before this day is more than a year old whatever its time zone: old, for sure.
    old_before = (now - SCHEDULE[-1][0] - timedelta(days=1)).date().isoformat()
    return RevisitPolicy(old_before=old_before, old_interval=old, lateness=lateness)


def due_in(archive: Archive, site: str, now: datetime, limit: int | None) -> tuple[int, list[DocumentRow]]:
    """How many of a site's documents are due, and the `limit` most overdue, as `due` would choose them,
    from the catalog's indexes instead of every document."""
    return archive.due(site, format_captured(now), policy(now), limit)
