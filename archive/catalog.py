"""The SQLite index of the archive: documents, versions, observations, captures and runs, read and written as
the typed rows of archive/rows.py (its tables and connection are archive/sqlite.py's).

A cache of what the files say: `documents` and `versions` are rebuilt from the version files, `runs` and
`observations` from the log (archive/log.py), `captures` from the WARC files (`reindex`). Only the archive
package uses it: the crawler asks `Archive` (archive/queries.py, archive/recorder.py).
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import fields
from pathlib import Path
from typing import Any

from archive import search
from archive.errors import ArchiveError
from archive.readonly import open_readonly
from archive.rows import (
    OBSERVATION_KINDS,
    SEEN_KINDS,
    CaptureRow,
    DocumentRow,
    ObservationRow,
    RunRow,
    SiteRunRow,
    VersionRow,
)
from archive.sqlite import SCHEMA, Connection, Transaction

CATALOG_NAME = "catalog.sqlite"


class Catalog:
    """A connection to the archive's SQLite index."""

    def __init__(self, path: Path, *, readonly: bool = False) -> None:
        self.path = path
        self.readonly = readonly
        self._copy: tempfile.TemporaryDirectory[str] | None = None
        if readonly:
            try:
                self.db, self._copy = open_readonly(path)
            except (sqlite3.Error, OSError) as exc:
                raise ArchiveError(f"cannot read the catalog {path}: {exc}") from None
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(path, isolation_level=None, timeout=30, factory=Connection)
            db.path = str(path)
            self.db = db
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.executescript(SCHEMA)
            search.prepare(self.db)
        except (sqlite3.Error, OSError) as exc:
            raise ArchiveError(f"cannot open the catalog {path}: {exc}") from None

    def close(self) -> None:
        """Close the connection (and remove the private copy a read-only catalog may have needed)."""
        self.db.close()
        if self._copy is not None:
            self._copy.cleanup()
            self._copy = None

    def transaction(self) -> Transaction:
        """A write transaction (BEGIN IMMEDIATE ... COMMIT, rolled back on error)."""
        return Transaction(self.db)

    # documents -------------------------------------------------------------------------------------

    def document(self, key: str) -> DocumentRow | None:
        """The document with this key, if any."""
        row = self.db.execute(f"SELECT {_cols(DocumentRow)} FROM documents WHERE key = ?", (key,)).fetchone()
        return DocumentRow(*row) if row else None

    def documents_by_url(self, url: str) -> list[DocumentRow]:
        """Documents whose canonical URL is `url`."""
        rows = self.db.execute(f"SELECT {_cols(DocumentRow)} FROM documents WHERE url = ? ORDER BY key", (url,))
        return [DocumentRow(*r) for r in rows]

    def documents(self, *, site: str | None = None) -> Iterator[DocumentRow]:
        """All documents, by key."""
        sql = f"SELECT {_cols(DocumentRow)} FROM documents"
        args: tuple[Any, ...] = ()
        if site:
            sql += " WHERE site = ?"
            args = (site,)
        for row in self.db.execute(sql + " ORDER BY key", args):
            yield DocumentRow(*row)

    def recent_documents(self, site: str, limit: int) -> list[DocumentRow]:
        """A site's `limit` most recently published documents, newest first."""
        sql = f"SELECT {_cols(DocumentRow)} FROM documents WHERE site = ? ORDER BY published DESC, key LIMIT ?"
        return [DocumentRow(*r) for r in self.db.execute(sql, (site, limit))]

    def upsert_document(self, row: DocumentRow) -> None:
        """Insert or replace a document row."""
        names = _cols(DocumentRow)
        marks = ", ".join("?" * len(names.split(", ")))
        self.db.execute(f"INSERT OR REPLACE INTO documents ({names}) VALUES ({marks})", _values(row))

    def update_document(self, key: str, **fields: Any) -> None:
        """Set some columns of a document."""
        sets = ", ".join(f"{name} = ?" for name in fields)
        self.db.execute(f"UPDATE documents SET {sets} WHERE key = ?", (*fields.values(), key))

    # versions --------------------------------------------------------------------------------------

    def versions(self, key: str) -> list[VersionRow]:
        """The indexed versions of a document, oldest first."""
        rows = self.db.execute(f"SELECT {_cols(VersionRow)} FROM versions WHERE key = ? ORDER BY number", (key,))
        return [VersionRow(*r) for r in rows]

    def all_versions(self) -> Iterator[VersionRow]:
        """Every indexed version, by key and number."""
        for row in self.db.execute(f"SELECT {_cols(VersionRow)} FROM versions ORDER BY key, number"):
            yield VersionRow(*row)

    def add_version(self, row: VersionRow) -> None:
        """Index a version."""
        names = _cols(VersionRow)
        self.db.execute(f"INSERT OR REPLACE INTO versions ({names}) VALUES (?, ?, ?, ?, ?, ?, ?)", _values(row))

    # observations and runs ---------------------------------------------------------------------------

    def observe(
        self,
        *,
        key: str | None,
        url: str,
        run_id: int | None,
        at: str,
        kind: str,
        version: int | None = None,
        detail: str = "",
        touch: bool = True,
    ) -> None:
        """Record one visit's outcome (and, with `touch`, the document's last visit)."""
        if kind not in OBSERVATION_KINDS:
            raise ValueError(f"unknown observation kind {kind!r}")
        self.db.execute(
            "INSERT INTO observations (key, url, run_id, at, kind, version, detail) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (key, url, run_id, at, kind, version, detail),
        )
        if key is not None and touch:
            self.db.execute("UPDATE documents SET last_visit = ? WHERE key = ?", (at, key))

    def observations(self, key: str) -> list[ObservationRow]:
        """A document's observations, oldest first."""
        rows = self.db.execute(f"SELECT {_cols(ObservationRow)} FROM observations WHERE key = ? ORDER BY id", (key,))
        return [ObservationRow(*r) for r in rows]

    def forget_observations(self, ids: list[int]) -> None:
        """Drop observations from the index (events that later sightings replaced; the log keeps them, and
        `reindex` drops them again by the same rule)."""
        self.db.executemany("DELETE FROM observations WHERE id = ?", [(i,) for i in ids])

    def seen_live(self, key: str) -> bool:
        """Whether a live visit ever found the document's page (a document may be known from captures only)."""
        marks = ", ".join("?" * len(SEEN_KINDS))
        sql = f"SELECT 1 FROM observations WHERE key = ? AND kind IN ({marks}) LIMIT 1"
        return self.db.execute(sql, (key, *sorted(SEEN_KINDS))).fetchone() is not None

    def only_captured(self, key: str) -> bool:
        """Whether the document is known only from the web archive: captured, and never found by a live visit."""
        sql = "SELECT 1 FROM observations WHERE key = ? AND kind = 'captured' LIMIT 1"
        return self.db.execute(sql, (key,)).fetchone() is not None and not self.seen_live(key)

    def add_capture(self, row: CaptureRow) -> None:
        """Index a raw capture (a WARC record) of a document."""
        if row.key is None:
            raise ValueError("a capture is indexed under its document")
        self.db.execute(
            "INSERT INTO captures (key, url, kind, version, warc, offset, length, record_id, at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (row.key, row.url, row.kind, row.version, row.warc, row.offset, row.length, row.record_id, row.at),
        )

    def latest_response(self, key: str) -> CaptureRow | None:
        """The newest whole response captured for a document."""
        row = self.db.execute(
            f"SELECT {_cols(CaptureRow)} FROM captures WHERE key = ? AND kind = 'response' ORDER BY id DESC LIMIT 1",
            (key,),
        ).fetchone()
        return CaptureRow(*row) if row else None

    def has_documents(self) -> bool:
        """Whether the catalog holds any document."""
        return self.db.execute("SELECT 1 FROM documents LIMIT 1").fetchone() is not None

    def last_run_id(self) -> int:
        """The highest run id recorded (0 if none)."""
        return int(self.db.execute("SELECT coalesce(max(id), 0) FROM runs").fetchone()[0])

    def start_run(
        self,
        *,
        run_id: int,
        command: str,
        sites: str,
        started: str,
        finished: str | None = None,
        status: str = "running",
        counts: dict[str, int] | None = None,
    ) -> None:
        """Record a run (at its start; a rebuild gives the whole of it)."""
        self.db.execute(
            "INSERT INTO runs (id, command, sites, started, finished, status, counts) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (run_id, command, sites, started, finished, status, json.dumps(counts or {}, sort_keys=True)),
        )

    def finish_run(
        self, run_id: int, *, finished: str, status: str, counts: dict[str, int], sites: Mapping[str, Any] | None = None
    ) -> None:
        """Record the end of a run, with what each site's part of it found (`sites`: name -> figures)."""
        self.db.execute(
            "UPDATE runs SET finished = ?, status = ?, counts = ? WHERE id = ?",
            (finished, status, json.dumps(counts, sort_keys=True), run_id),
        )
        self.add_site_figures(run_id, sites or {})

    def add_site_figures(self, run_id: int, sites: Mapping[str, Any]) -> None:
        """Record each site's figures of a run."""
        for site, figures in sites.items():
            self.db.execute(
                "INSERT OR REPLACE INTO run_sites (run_id, site, figures) VALUES (?, ?, ?)",
                (run_id, site, json.dumps(figures, sort_keys=True)),
            )

    def site_runs(self, site: str, limit: int) -> list[SiteRunRow]:
        """The most recent runs that included `site`, newest first, with the figures recorded for it."""
        try:
            rows = self.db.execute(
                f"SELECT {_cols(RunRow)}, coalesce(s.figures, '{{}}') FROM runs"
                " LEFT JOIN run_sites AS s ON s.run_id = runs.id AND s.site = ?"
                " WHERE instr(' ' || sites || ' ', ' ' || ? || ' ') ORDER BY id DESC LIMIT ?",
                (site, site, limit),
            ).fetchall()
        except sqlite3.Error as exc:
            if "no such table" not in str(exc):  # a read-only catalog from before run_sites: no figures
                raise
            return [SiteRunRow(run, site, {}) for run in self.runs(-1) if site in run.sites.split()][:limit]
        return [SiteRunRow(_run_row(r), site, json.loads(r[7])) for r in rows]

    def runs(self, limit: int = 20) -> list[RunRow]:
        """The most recent runs, newest first."""
        rows = self.db.execute(f"SELECT {_cols(RunRow)} FROM runs ORDER BY id DESC LIMIT ?", (limit,))
        return [_run_row(r) for r in rows]

    def all_observations(self) -> list[ObservationRow]:
        """Every observation, in the order recorded."""
        return [ObservationRow(*r) for r in self.db.execute(f"SELECT {_cols(ObservationRow)} FROM observations")]

    def capture_owners(self) -> dict[tuple[str, int], tuple[str, int | None]]:
        """(warc, offset) -> (key, version) of every indexed capture."""
        rows = self.db.execute("SELECT warc, offset, key, version FROM captures")
        return {(warc, offset): (key, version) for warc, offset, key, version in rows}

    def clear(self, *, captures: bool) -> None:
        """Forget everything but the raw captures' index (with `captures`, that too), before a rebuild."""
        tables = ("documents", "versions", "attachments", "search", "search_state", "observations", "runs", "run_sites")
        for table in (*tables, *(["captures"] if captures else [])):
            self.db.execute(f"DELETE FROM {table}")


def _run_row(r: Any) -> RunRow:
    return RunRow(r[0], r[1], r[2], r[3], r[4], r[5], json.loads(r[6]))


def _cols(cls: type) -> str:
    return ", ".join(f.name for f in fields(cls))


def _values(row: Any) -> tuple[Any, ...]:
    return tuple(getattr(row, f.name) for f in fields(row))
