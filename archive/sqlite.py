"""The catalog's SQLite file: its tables, a connection whose errors name the file, and write transactions."""

from __future__ import annotations

import contextlib
import sqlite3
from typing import Any

from archive.errors import CatalogError

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    key TEXT PRIMARY KEY,
    site TEXT NOT NULL,
    collection TEXT NOT NULL,
    doc_id TEXT NOT NULL,
    language TEXT NOT NULL,
    url TEXT NOT NULL,
    title TEXT NOT NULL,
    published TEXT NOT NULL,
    current_version INTEGER NOT NULL,
    latest_version INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'active',
    misses INTEGER NOT NULL DEFAULT 0,
    etag TEXT,
    last_modified TEXT,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    last_visit TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS documents_url ON documents (url);
-- Revisit selection and `status`: a site's documents by last visit (the old ones, most overdue first)
-- and by publication (the young ones, revisited more often), without reading the table.
CREATE INDEX IF NOT EXISTS documents_site_visit ON documents (site, last_visit, published, status);
CREATE INDEX IF NOT EXISTS documents_site_published ON documents (site, published, last_visit, status);
CREATE TABLE IF NOT EXISTS versions (
    key TEXT NOT NULL,
    number INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    path TEXT NOT NULL,
    title TEXT NOT NULL,
    published TEXT NOT NULL,
    captured TEXT NOT NULL,
    PRIMARY KEY (key, number)
);
CREATE TABLE IF NOT EXISTS observations (
    id INTEGER PRIMARY KEY,
    key TEXT,
    url TEXT NOT NULL,
    run_id INTEGER,
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    version INTEGER,
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS observations_key ON observations (key, id);
-- `changes` and `feed` look for a few kinds of event among every visit ever recorded.
CREATE INDEX IF NOT EXISTS observations_kind ON observations (kind, at);
CREATE TABLE IF NOT EXISTS captures (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL,
    url TEXT NOT NULL,
    kind TEXT NOT NULL,
    version INTEGER,
    warc TEXT NOT NULL,
    offset INTEGER NOT NULL,
    length INTEGER NOT NULL,
    record_id TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS captures_key ON captures (key, id);
CREATE TABLE IF NOT EXISTS attachments (
    key TEXT NOT NULL,
    version INTEGER NOT NULL,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    url TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    failure TEXT NOT NULL,
    size INTEGER,
    PRIMARY KEY (key, version, position)
);
CREATE INDEX IF NOT EXISTS attachments_sha256 ON attachments (sha256);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    command TEXT NOT NULL,
    sites TEXT NOT NULL,
    started TEXT NOT NULL,
    finished TEXT,
    status TEXT NOT NULL DEFAULT 'running',
    counts TEXT NOT NULL DEFAULT '{}'
);
-- What each site's part of a run found (list pages read, pages that did not parse and why): its health.
CREATE TABLE IF NOT EXISTS run_sites (
    run_id INTEGER NOT NULL,
    site TEXT NOT NULL,
    figures TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (run_id, site)
);
"""


class Connection(sqlite3.Connection):
    """A connection whose errors are `CatalogError`s naming the file: one line for a user, and an
    `ArchiveError` that a run reports for the document in hand before going on."""

    path = ""

    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        """`sqlite3.Connection.execute`, its errors naming the catalog."""
        try:
            return super().execute(sql, parameters)
        except CatalogError:
            raise
        except sqlite3.Error as exc:
            raise CatalogError(f"{self.path}: {exc}") from exc

    def executescript(self, sql_script: str, /) -> sqlite3.Cursor:
        """`sqlite3.Connection.executescript`, its errors naming the catalog."""
        try:
            return super().executescript(sql_script)
        except sqlite3.Error as exc:
            raise CatalogError(f"{self.path}: {exc}") from exc


class Transaction:
    """A write transaction: BEGIN IMMEDIATE on entry, COMMIT on a clean exit, ROLLBACK on an error."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            try:
                self.db.execute("COMMIT")
            except sqlite3.Error:
                self._rollback()  # a COMMIT that failed (a full disk) leaves the transaction open
                raise
        else:
            self._rollback()

    def _rollback(self) -> None:
        # SQLite may have rolled back already (it does after some errors); then there is nothing to undo, and
        # a failing ROLLBACK must not hide the error that caused it.
        if self.db.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                self.db.execute("ROLLBACK")
