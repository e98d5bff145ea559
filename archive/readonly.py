"""Reading an archive that cannot be written: a read-only mount, a snapshot, a colleague's copy, a CD.

SQLite in WAL mode wants to create `-wal` and `-shm` files beside the catalog even to read it. Where that is
impossible, the catalog is opened read-only: as immutable when no WAL is left (nothing can change it under us),
through the WAL and its index when a writer that did not close cleanly left both, and, as a last resort, from a
private copy (catalog and WAL) in a temporary folder, which SQLite may then recover as it likes.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from pathlib import Path


def writable(root: Path, catalog: Path) -> bool:
    """Whether pressroom may open the catalog for writing (and create its WAL files)."""
    if not root.exists():
        return True  # a new archive: creating it says what, if anything, is wrong
    if not os.access(root, os.W_OK):
        return False
    return not catalog.exists() or os.access(catalog, os.W_OK)


def open_readonly(path: Path) -> tuple[sqlite3.Connection, tempfile.TemporaryDirectory[str] | None]:
    """A read-only connection to the catalog at `path`, and the temporary copy it reads, if one was needed."""
    wal = Path(f"{path}-wal")
    has_wal = wal.exists() and wal.stat().st_size > 0
    uri = path.resolve().as_uri() + ("?mode=ro" if has_wal else "?mode=ro&immutable=1")
    db = sqlite3.connect(uri, uri=True, isolation_level=None)
    try:
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return db, None
    except sqlite3.Error:
        db.close()
        if not has_wal:
            raise
    # A WAL without a usable index beside it: read a private copy of both.
    copy = tempfile.TemporaryDirectory(prefix="pressroom-catalog-")
    try:
        target = Path(copy.name) / path.name
        shutil.copyfile(path, target)
        shutil.copyfile(wal, Path(f"{target}-wal"))
        db = sqlite3.connect(target, isolation_level=None)
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except (OSError, sqlite3.Error):
        copy.cleanup()
        raise
    return db, copy
