"""Attached files in the archive: each stored once by content hash under <archive>/files/, and indexed.

    <archive>/files/<first 2 hex>/<SHA-256 in hex>

A file is written like a version file (temporary name, fsync, hard link, folder fsync) and never replaced: a
second release attaching the same bytes finds it there. The catalog's `attachments` table (archive/sqlite.py)
lists, per version, what its file lists (name, URL, hash or failure) with the stored file's size; `reindex`
rebuilds it from the version files and files/. The archive is handed bytes and names; fetching is the crawler's.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from archive.attachment import SHA256_RE, Attachment, relation
from archive.catalog import Catalog
from archive.document import Release, Version, parse_captured
from archive.errors import ArchiveError
from archive.store import Store, StoredVersion

FILES_DIR = "files"
# files/.since: when this archive began to look for attachments. A version captured before then that lists
# none says nothing about them (the code that wrote it did not look), so files found now are no edit.
SINCE_NAME = ".since"


@dataclass(frozen=True)
class AttachmentRow:
    """One attachment of one version, as the catalog holds it (`size` None: not stored)."""

    key: str
    version: int
    position: int
    name: str
    url: str
    sha256: str
    failure: str
    size: int | None


def file_path(root: Path, sha256: str) -> Path:
    """Where the file with this hash is (or would be) stored."""
    if not SHA256_RE.match(sha256):
        raise ArchiveError(f"invalid attachment hash {sha256!r}")
    return root / FILES_DIR / sha256[:2] / sha256


def begin(store: Store, root: Path, now: str) -> None:
    """Note, once, that from `now` on every version file lists the release's attachments."""
    path = root / FILES_DIR / SINCE_NAME
    if not path.is_file():
        # Not written (a full disk): later versions then count as unknown too, which only spares an event.
        with contextlib.suppress(ArchiveError):
            store.write_once(path, f"{now}\n".encode())


def looked_for(root: Path, version: Version) -> bool:
    """Whether `version` was written when attachments were looked for (else an empty list means unknown)."""
    try:
        since = parse_captured((root / FILES_DIR / SINCE_NAME).read_text(encoding="utf-8").strip())
    except (OSError, ValueError):
        return False
    return version.captured >= since


def missing_files(root: Path, key: str, number: int, attachments: Iterable[Attachment]) -> list[str]:
    """A problem line for each attachment a version lists as stored whose file is not under files/."""
    return [
        f"{key} v{number}: attachment {a.name!r} ({a.sha256[:16]}…) is not under {FILES_DIR}/"
        for a in attachments
        if a.sha256 and not file_path(root, a.sha256).is_file()
    ]


def index_version(catalog: Catalog, root: Path, key: str, number: int, attachments: Iterable[Attachment]) -> None:
    """Record a version's attachments in the catalog (inside the caller's transaction)."""
    catalog.db.execute("DELETE FROM attachments WHERE key = ? AND version = ?", (key, number))
    for position, a in enumerate(attachments, start=1):
        size = None
        if a.sha256:
            path = file_path(root, a.sha256)
            size = path.stat().st_size if path.is_file() else None
        catalog.db.execute(
            "INSERT INTO attachments (key, version, position, name, url, sha256, failure, size) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (key, number, position, a.name, a.url, a.sha256, a.failure, size),
        )


def earlier_version(
    store: Store, release: Release, stored: list[StoredVersion], current: StoredVersion | None
) -> StoredVersion | None:
    """The newest version other than `current` with the release's text and attachments (a revert to it)."""
    digest16 = release.sha256()[:16]
    for sv in reversed(stored):
        same_text = sv is not current and sv.digest16 == digest16
        if same_text and relation(store.read(sv).release.attachments, release.attachments) != "changed":
            return sv
    return None


class Attached:
    """The attachments half of `Archive` (which provides the root, the store and the catalog)."""

    root: Path
    store: Store

    @property
    def catalog(self) -> Catalog:
        """The catalog (see Archive)."""
        raise NotImplementedError

    def store_attachment(self, data: bytes) -> str:
        """Keep a file's bytes under files/ (once: the same bytes are never written twice); return its SHA-256."""
        sha256 = hashlib.sha256(data).hexdigest()
        self.store.write_once(file_path(self.root, sha256), data)
        return sha256

    def attachment_file(self, sha256: str) -> Path | None:
        """The stored file with this hash, if it is stored."""
        path = file_path(self.root, sha256)
        return path if path.is_file() else None

    def reusable_attachments(self, release: Release) -> dict[tuple[str, str], str]:
        """(URL, name) -> hash of the files the document's current version has stored, if its text is
        `release`'s: a page whose text is unchanged is taken to attach the same files under the same links and
        names, which are not fetched again."""
        stored = self.store.versions(release.key)
        doc = self.catalog.document(release.key)
        shown = [sv for sv in stored if doc is not None and sv.number == doc.current_version]
        current = (shown or stored)[-1] if stored else None
        if current is None or current.digest16 != release.sha256()[:16]:
            return {}
        return {
            (a.url, a.name): a.sha256
            for a in self.store.read(current).release.attachments
            if a.url and a.sha256 and self.attachment_file(a.sha256) is not None
        }

    def attachments(self, key: str, version: int | None = None) -> list[AttachmentRow]:
        """The attachments the catalog knows of a document's versions (of one version if given)."""
        sql = "SELECT key, version, position, name, url, sha256, failure, size FROM attachments WHERE key = ?"
        args: tuple[object, ...] = (key,)
        if version is not None:
            sql += " AND version = ?"
            args = (key, version)
        return [AttachmentRow(*row) for row in self.catalog.db.execute(sql + " ORDER BY version, position", args)]
