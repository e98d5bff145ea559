"""The archive as the crawler sees it: runs, record a release, record a visit, rebuild the index.

Writes go file first, log second, catalog third, so a crash leaves at most an unindexed file or a logged
visit the catalog does not know, which the next `record` of that document or a `reindex` picks up.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from archive import log, search
from archive.catalog import CATALOG_NAME, Catalog
from archive.document import Release, Version, format_captured, format_published
from archive.errors import ArchiveError, UnknownDocument
from archive.queries import Queries
from archive.readonly import writable
from archive.rows import CaptureRow, DocumentRow, VersionRow
from archive.runs import RunLog
from archive.store import Store, StoredVersion

logger = logging.getLogger(__name__)

# A page must be gone on this many consecutive visits before the document counts as withdrawn:
# one 404 can be a deploy glitch.
WITHDRAWN_AFTER_MISSES = 2
# Observations that mean the page was there; they move a document's last_seen.
SEEN_KINDS = frozenset({"new", "unchanged", "not_modified", "changed", "reverted", "restored"})


def utcnow() -> datetime:
    """The current time in UTC."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class Outcome:
    """What recording one fetched release did."""

    key: str
    kind: str  # new | unchanged | changed | reverted | restored (served again, with the text it had)
    version: int
    restored: bool = False  # the document had been withdrawn (kind is restored, or the edit it came back with)


@dataclass
class ReindexReport:
    """What `reindex` found."""

    documents: int = 0
    versions: int = 0
    problems: list[str] = field(default_factory=list)


class Archive(RunLog, Queries):
    """One archive root: its version files, its catalog, its log and its writer lock."""

    def __init__(self, root: Path, *, clock: Callable[[], datetime] = utcnow, store: Store | None = None) -> None:
        self.root = root
        self.clock = clock
        self.store = store or Store(root)
        self._catalog: Catalog | None = None
        self._logs: dict[int | None, log.LogFile] = {}  # open log files by run id (None: outside runs)

    @property
    def catalog(self) -> Catalog:
        """The catalog, opened on first use (read-only when the archive cannot be written)."""
        if self._catalog is None:
            path = self.root / CATALOG_NAME
            if writable(self.root, path):
                self._catalog = Catalog(path)
            elif path.exists():
                self._catalog = Catalog(path, readonly=True)
            else:
                raise ArchiveError(
                    f"the archive at {self.root} has no catalog and cannot be written: "
                    "run `pressroom reindex` on a writable copy"
                )
        return self._catalog

    def close(self) -> None:
        """Close the catalog and any open log file."""
        for logfile in self._logs.values():
            logfile.close()
        self._logs.clear()
        if self._catalog is not None:
            self._catalog.close()
            self._catalog = None

    def exists(self) -> bool:
        """Whether an archive has been written here."""
        return (self.root / CATALOG_NAME).exists() or any(True for _ in self.store.document_keys())

    @contextlib.contextmanager
    def writing(self, *, wait: float = 0.0) -> Iterator[Archive]:
        """Hold the writer lock for the duration of a run."""
        with self.store.lock(wait=wait):
            yield self

    def now(self) -> str:
        """The clock's time as written in the catalog."""
        return format_captured(self.clock())

    # writing ----------------------------------------------------------------------------------------

    def record(
        self,
        release: Release,
        *,
        run_id: int | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        origin: str = "",
    ) -> Outcome:
        """Store `release` as a new version if its content is new, and record the visit.

        With `origin` (a re-extraction of a stored capture) nothing is recorded unless the text differs, and
        then as `reextracted`, never as a ministry edit; the visit state of the document is left alone.
        """
        release = release.normalized()
        key = release.key
        digest = release.sha256()
        stored = self.store.versions(key)
        recovered = self._index_missing(key, stored)
        doc = self.catalog.document(key)
        captured = self.clock()
        now = format_captured(captured)
        current = _current(stored, doc)
        same = [v for v in stored if v.digest16 == digest[:16]]
        if current is not None and current.digest16 == digest[:16]:
            kind, number = "unchanged", current.number
        elif same:
            kind, number = "reverted", same[-1].number
        else:
            number = stored[-1].number + 1 if stored else 1
            kind = "changed" if stored else "new"
            written = self.store.write(key, number, Version(release, captured, origin))
            stored.append(written)
        if number in recovered:  # the text an interrupted run wrote but could not record: record it now
            kind = "changed" if doc is not None else "new"
        if origin:
            return self._reextracted(release, doc, kind, number, stored, digest, now, run_id)
        restored = doc is not None and doc.status == "withdrawn"
        with self.catalog.transaction():
            if kind in ("new", "changed") and number not in recovered:
                self.catalog.add_version(self.version_row(stored[-1], release, digest, now))
            self.catalog.upsert_document(
                document_row(
                    release,
                    current_version=number,
                    latest_version=stored[-1].number,
                    status="active",
                    misses=0,
                    etag=etag if etag is not None else (doc.etag if doc else None),
                    last_modified=last_modified if last_modified is not None else (doc.last_modified if doc else None),
                    first_seen=doc.first_seen if doc else now,
                    last_seen=now,
                    last_visit=now,
                )
            )
            if kind not in ("unchanged", "restored"):
                search.update(self.catalog.db, key, release)
            # One visit: a document served again with its old text is one `restored`; with another text,
            # `restored` and then the edit. The document row written above already holds this visit.
            if restored and kind == "unchanged":
                kind = "restored"
            elif restored:
                self._observe(
                    key=key, url=release.url, run_id=run_id, at=now, kind="restored", version=number, touch=False
                )
            self._observe(
                key=key,
                url=release.url,
                run_id=run_id,
                at=now,
                kind=kind,
                version=number,
                touch=False,
                etag=etag,
                last_modified=last_modified,
            )
        return Outcome(key, kind, number, restored)

    def _reextracted(
        self,
        release: Release,
        doc: DocumentRow | None,
        kind: str,
        number: int,
        stored: list[StoredVersion],
        digest: str,
        now: str,
        run_id: int | None,
    ) -> Outcome:
        if kind == "unchanged" or doc is None:
            return Outcome(release.key, kind, number)
        with self.catalog.transaction():
            if kind in ("new", "changed"):
                self.catalog.add_version(self.version_row(stored[-1], release, digest, now))
            self.catalog.update_document(
                release.key,
                current_version=number,
                latest_version=stored[-1].number,
                title=release.title,
                published=format_published(release.published),
            )
            search.update(self.catalog.db, release.key, release)
            self._observe(
                key=release.key,
                url=release.url,
                run_id=run_id,
                at=now,
                kind="reextracted",
                version=number,
                detail=f"was v{doc.current_version}",
            )
        return Outcome(release.key, "reextracted", number)

    def observe(self, key: str | None, url: str, kind: str, *, run_id: int | None = None, detail: str = "") -> str:
        """Record a visit that produced no release (not modified, blocked, failed); return the kind recorded.

        A withdrawn document found again (an HTTP 304 says the page is there) is `restored`, as in `record`.
        """
        doc = self.catalog.document(key) if key else None
        now = self.now()
        if doc is not None and kind in SEEN_KINDS and doc.status == "withdrawn":
            kind = "restored"
        with self.catalog.transaction():
            self._observe(
                key=key if doc else None,
                url=url,
                run_id=run_id,
                at=now,
                kind=kind,
                version=doc.current_version if doc else None,
                detail=detail,
            )
            if doc is not None and kind in SEEN_KINDS:
                self.catalog.update_document(doc.key, last_seen=now, misses=0, status="active")
        return kind

    def miss(self, key: str, url: str, *, run_id: int | None = None, detail: str = "") -> str:
        """Record that a known document's page is gone (404/410); returns `missing`, `withdrawn` or `gone`.

        active --404--> missing --404--> withdrawn --404--> gone (and gone again): a withdrawal is news once;
        later 404s are recorded but are no event. Any visit that finds the page makes it active (restored).
        """
        doc = self.catalog.document(key)
        if doc is None:
            raise UnknownDocument(f"no document {key}")
        misses = doc.misses + 1
        kind = "withdrawn" if misses >= WITHDRAWN_AFTER_MISSES else "missing"
        if doc.status == "withdrawn":
            kind = "gone"
        with self.catalog.transaction():
            status = "withdrawn" if kind == "withdrawn" else doc.status
            self.catalog.update_document(key, misses=misses, status=status)
            self._observe(
                key=key, url=url, run_id=run_id, at=self.now(), kind=kind, version=doc.current_version, detail=detail
            )
        return kind

    def version_row(self, stored: StoredVersion, release: Release, digest: str, captured: str) -> VersionRow:
        """The catalog row of a stored version."""
        return VersionRow(
            key=stored.key,
            number=stored.number,
            sha256=digest,
            path=stored.path.relative_to(self.root).as_posix(),
            title=release.title,
            published=format_published(release.published),
            captured=captured,
        )

    def _index_missing(self, key: str, stored: list[StoredVersion]) -> set[int]:
        """Index version files a crash (or a catalog that refused the write) left on disk before the catalog
        learned of them; return their numbers."""
        if not stored:
            return set()
        known = {row.number for row in self.catalog.versions(key)}
        recovered = set()
        for sv in stored:
            if sv.number not in known:
                recovered.add(sv.number)
                version = self.store.read(sv)
                logger.warning("indexing %s, left unindexed by an interrupted run", sv.path)
                self.catalog.add_version(
                    self.version_row(sv, version.release, version.release.sha256(), format_captured(version.captured))
                )
        return recovered

    # reading ----------------------------------------------------------------------------------------

    def version(self, key: str, number: int | None = None) -> tuple[StoredVersion, Version]:
        """A stored version of a document (the current one by default)."""
        stored = self.store.versions(key)
        if not stored:
            raise UnknownDocument(f"no document {key} in the archive at {self.root}")
        if number is None:
            doc = self.catalog.document(key) if self.has_catalog() else None
            chosen = _current(stored, doc)
        else:
            chosen = next((v for v in stored if v.number == number), None)
        if chosen is None:
            have = ", ".join(str(v.number) for v in stored)
            raise UnknownDocument(f"{key} has no version {number} (versions: {have})")
        return chosen, self.store.read(chosen)

    # rebuilding -------------------------------------------------------------------------------------

    def reindex(self, captures: Iterable[CaptureRow] | None = None) -> ReindexReport:
        """Rebuild the whole catalog from the files: versions, the log's runs and visits, and `captures` (the
        WARC files' records, read by the caller) if given; without them the captures' index is kept."""
        from archive.rebuild import rebuild

        return rebuild(self, captures)


def document_row(release: Release, **state: Any) -> DocumentRow:
    """A catalog row: what the release says, plus the visit state given."""
    return DocumentRow(
        key=release.key,
        site=release.site,
        collection=release.collection,
        doc_id=release.doc_id,
        language=release.language,
        url=release.url,
        title=release.title,
        published=format_published(release.published),
        **state,
    )


def _current(stored: list[StoredVersion], doc: DocumentRow | None) -> StoredVersion | None:
    """The version the site showed last: the catalog's pointer, else the newest file."""
    if doc is not None:
        for sv in stored:
            if sv.number == doc.current_version:
                return sv
    return stored[-1] if stored else None


def check_writable(root: Path) -> None:
    """Raise ArchiveError unless the archive root can be created and written."""
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ArchiveError(f"cannot create the archive at {root}: {exc.strerror}") from None
    if not os.access(root, os.W_OK):
        raise ArchiveError(f"the archive at {root} is not writable")


__all__ = ["Archive", "Outcome", "ReindexReport", "check_writable"]
