"""The archive as the crawler and the CLI see it: one `Archive` per root, the narrow interface to everything else.

`Archive` opens the catalog, holds the writer lock, and brings together runs (archive/runs.py: `run` as a context
manager, the log, raw captures), recording (archive/visits.py: `record`, `observe`, `miss`) and reading
(archive/queries.py: documents, versions, observations, captures, runs, search), attached files
(archive/attachments.py) and the web archive's captures (archive/webarchive.py: `import_captures`,
`timeline`, `seen_versions`). Callers outside `archive` use these methods and the typed values of
archive/rows.py and archive/history.py, never the catalog or the store themselves.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from archive import log
from archive.attachments import Attached
from archive.catalog import CATALOG_NAME, Catalog
from archive.document import Version, format_captured
from archive.errors import ArchiveError, UnknownDocument
from archive.queries import Queries
from archive.readonly import writable
from archive.rows import SEEN_KINDS, CaptureRow
from archive.store import Store, StoredVersion
from archive.visits import Outcome, document_row, shown_version
from archive.webarchive import WebArchive

logger = logging.getLogger(__name__)


def utcnow() -> datetime:
    """The current time in UTC."""
    return datetime.now(UTC)


@dataclass
class ReindexReport:
    """What `reindex` found."""

    documents: int = 0
    versions: int = 0
    problems: list[str] = field(default_factory=list)


class Archive(WebArchive, Queries, Attached):
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
    def writing(self, *, wait: float = 0.0, restore: bool = True) -> Iterator[Archive]:
        """Hold the writer lock for the duration of a run; first, unless `restore` is False (`reindex` itself),
        rebuild a lost catalog from the files (see `restore_catalog`)."""
        with self.store.lock(wait=wait):
            if restore:
                self.restore_catalog()
            yield self

    def restore_catalog(self) -> ReindexReport | None:
        """Rebuild the catalog from the files, as `reindex` does, when it knows nothing (missing, or without a
        document or a run) while the files hold versions or runs; call with the writer lock held.

        Writing on an empty catalog would record every archived document as new, for good; refusing would
        make a scheduled job fail every run until someone reindexes by hand. The files are the archive, the
        catalog only their index, so it is rebuilt once, with one line saying so.
        """
        missing = not self.has_catalog()
        if not missing and (self.catalog.last_run_id() or self.catalog.has_documents()):
            return None
        if not log.last_run_id(self.root) and next(self.store.document_keys(), None) is None:
            return None  # a new archive: nothing to rebuild
        from archive.warcscan import scan_captures

        report = self.reindex(scan_captures(self.root))
        why = "was missing" if missing else "held no document or run"
        logger.warning(
            "%s %s: rebuilt it from the files first, as `pressroom reindex` does (%d documents, %d versions)",
            self.catalog_file,
            why,
            report.documents,
            report.versions,
        )
        for problem in report.problems:
            logger.warning("problem: %s", problem)
        return report

    def now(self) -> str:
        """The clock's time as written in the catalog."""
        return format_captured(self.clock())

    # reading ----------------------------------------------------------------------------------------

    def version(self, key: str, number: int | None = None) -> tuple[StoredVersion, Version]:
        """A stored version of a document (the current one by default)."""
        stored = self.store.versions(key)
        if not stored:
            raise UnknownDocument(f"no document {key} in the archive at {self.root}")
        if number is None:
            doc = self.catalog.document(key) if self.has_catalog() else None
            chosen = shown_version(stored, doc)
        else:
            chosen = next((v for v in stored if v.number == number), None)
        if chosen is None:
            have = ", ".join(str(v.number) for v in stored)
            raise UnknownDocument(f"{key} has no version {number} (versions: {have})")
        return chosen, self.store.read(chosen)

    # key layouts (archive/migrate.py) ----------------------------------------------------------------

    def keys_outside(self, site: str, group: str) -> list[str]:
        """The keys of `site`'s documents filed under a collection folder other than `group` (an old layout)."""
        from archive import migrate

        return list(migrate.keys_outside(self.root, site, group))

    def move_document(self, old: str, new: str) -> bool:
        """Move a document to a new key, journaled (call with the writer lock held, then reindex); False when
        `new` already holds a document, which is left alone like `old`."""
        from archive import migrate

        return migrate.move(self.root, old, new, self.now())

    def moved_to(self, key: str) -> str | None:
        """The key a document filed under `key` was moved to, if it was."""
        from archive import migrate

        return migrate.moved(self.root).get(key)

    def moved_languages(self, key: str) -> dict[str, str]:
        """For a key given without its language: language -> the key each `key/<lang>` was moved to."""
        from archive import migrate

        prefix = key.rstrip("/") + "/"
        moves = migrate.moved(self.root).items()
        return {
            old[len(prefix) :]: new for old, new in moves if old.startswith(prefix) and "/" not in old[len(prefix) :]
        }

    # rebuilding -------------------------------------------------------------------------------------

    def reindex(self, captures: Iterable[CaptureRow] | None = None) -> ReindexReport:
        """Rebuild the whole catalog from the files: versions, the log's runs and visits, and `captures` (the
        WARC files' records, read by the caller) if given; without them the captures' index is kept."""
        from archive.rebuild import rebuild

        return rebuild(self, captures)


def check_writable(root: Path) -> None:
    """Raise ArchiveError unless the archive root can be created and written."""
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ArchiveError(f"cannot create the archive at {root}: {exc.strerror}") from None
    if not os.access(root, os.W_OK):
        raise ArchiveError(f"the archive at {root} is not writable")


__all__ = ["SEEN_KINDS", "Archive", "Outcome", "ReindexReport", "check_writable", "document_row"]
