"""The search index (SQLite FTS5, ranked by bm25): one row per version of every document.

Each row holds its text twice: folded (`title`, `body`, `tags`: phrases and prefixes match these exactly)
and stemmed (`title_stems`, `body_stems`, `tags_stems`: bare words match these). Every version is indexed,
so `--all-versions` finds wording a later edit removed; the current-version search joins `documents`, whose
`current_version` says which row is current (a revert needs no index change).

An index written before stems and versions were indexed cannot answer the new queries: a catalog opened
for writing replaces it with the new, empty table and marks it stale, and search asks for `pressroom
reindex` until a rebuild has filled it.
"""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import dataclass

from archive.document import Release, format_published
from archive.errors import ArchiveError
from archive.search import match, query, text

SCHEMA = """
CREATE VIRTUAL TABLE IF NOT EXISTS search USING fts5(
    key UNINDEXED, version UNINDEXED, site UNINDEXED, language UNINDEXED, published UNINDEXED,
    title, body, tags, number, title_stems, body_stems, tags_stems,
    tokenize = "unicode61 remove_diacritics 2"
);
CREATE TABLE IF NOT EXISTS search_state (name TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
# bm25 weights, one per column in SCHEMA's order: a title match counts five times a body match.
RANK = "bm25(search, 0, 0, 0, 0, 0, 5.0, 1.0, 2.0, 2.0, 5.0, 1.0, 2.0)"
STALE = "the search index was made by an earlier pressroom and cannot answer queries: run `pressroom reindex`"


class IndexOutdated(ArchiveError):
    """The archive's search index predates the current one: `pressroom reindex` rebuilds it."""


def prepare(db: sqlite3.Connection) -> None:
    """Create the index, or replace one of an earlier layout with an empty one marked stale."""
    row = db.execute("SELECT sql FROM sqlite_master WHERE name = 'search'").fetchone()
    outdated = row is not None and "title_stems" not in row[0]
    if outdated:
        db.execute("DROP TABLE search")
    db.executescript(SCHEMA)
    if outdated:
        db.execute("INSERT OR REPLACE INTO search_state (name, value) VALUES ('stale', '1')")


def check(db: sqlite3.Connection) -> None:
    """Raise `IndexOutdated` unless the index can answer queries."""
    row = db.execute("SELECT sql FROM sqlite_master WHERE name = 'search'").fetchone()
    if row is None or "title_stems" not in row[0]:
        raise IndexOutdated(STALE)
    if db.execute("SELECT 1 FROM search_state WHERE name = 'stale'").fetchone():
        raise IndexOutdated(STALE)


def mark_fresh(db: sqlite3.Connection) -> None:
    """Forget the stale mark (after a rebuild has indexed every version)."""
    db.execute("DELETE FROM search_state WHERE name = 'stale'")


def row_id(key: str, version: int) -> int:
    """The FTS row of a version: derived from key and number, so replacing it is a lookup, not a scan of
    the table (UNINDEXED columns have no index). 62 bits: collisions are out of reach."""
    digest = hashlib.sha256(f"{key}\n{version}".encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 2


def row(key: str, version: int, release: Release) -> tuple[object, ...]:
    """The values of a version's row, in INSERT's order."""
    lang, body, tags = release.language, "\n".join(release.body), "\n".join(release.tags)
    return (
        row_id(key, version),
        key,
        version,
        release.site,
        lang,
        format_published(release.published),
        text.index_text(release.title),
        text.index_text(body),
        text.index_text(tags),
        text.index_text(release.document_number),
        text.stem_text(release.title, lang),
        text.stem_text(body, lang),
        text.stem_text(tags, lang),
    )


INSERT = (
    "INSERT OR REPLACE INTO search (rowid, key, version, site, language, published, title, body, tags, number,"
    " title_stems, body_stems, tags_stems) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def update(db: sqlite3.Connection, key: str, release: Release, version: int) -> None:
    """Index a version of a document (again: a version's text never changes, so this is idempotent)."""
    db.execute(INSERT, row(key, version, release))


@dataclass(frozen=True)
class Hit:
    """One matching document: the version shown (the current one, or the best match of all versions)."""

    key: str
    version: int
    versions: tuple[int, ...]  # every version that matched (the current one only, without all_versions)
    current: int  # the document's current version
    published: str
    score: float


@dataclass(frozen=True)
class Filters:
    """What narrows a search besides the query."""

    site: str | None = None
    language: str | None = None
    since: str | None = None
    until: str | None = None
    all_versions: bool = False


def _where(q: str, f: Filters) -> tuple[str, list[object]]:
    """The WHERE clause (and its arguments) of a query and its filters."""
    sql = "search MATCH ?"
    args: list[object] = [match.expression(query.parse(q), f.language)]
    for column, value, op in (
        ("search.site", f.site, "="),
        ("search.language", f.language, "="),
        ("search.published", f.since, ">="),
        ("substr(search.published, 1, 10)", f.until, "<="),
    ):
        if value:
            sql += f" AND {column} {op} ?"
            args.append(value)
    return sql, args


def _rows(f: Filters) -> str:
    """FROM of the rows searched: every version, or the current ones (joined on documents)."""
    if f.all_versions:
        return "search"
    return "search JOIN documents d ON d.key = search.key AND d.current_version = search.version"


def search(db: sqlite3.Connection, q: str, f: Filters | None = None, *, limit: int = 20) -> list[Hit]:
    """The best-ranked documents matching `q` (title matches weigh more than body matches)."""
    check(db)
    f = f or Filters()
    where, args = _where(q, f)
    inner = f"SELECT search.key, search.version, search.published, {RANK} AS rank FROM {_rows(f)} WHERE {where}"
    # MATERIALIZED: bm25 cannot run inside the aggregate a flattened subquery would put it in; min(rank)
    # makes SQLite take version and published from the best-ranked row of each document
    sql = (
        f"WITH m AS MATERIALIZED ({inner}) SELECT m.key, m.version, m.published, min(m.rank) AS best,"
        " group_concat(m.version), d.current_version FROM m JOIN documents d ON d.key = m.key"
        " GROUP BY m.key ORDER BY best, m.key LIMIT ?"
    )
    hits = []
    for key, version, published, rank, versions, current in db.execute(sql, [*args, limit]):
        numbers = tuple(sorted(int(v) for v in str(versions).split(",")))
        hits.append(Hit(key, int(version), numbers, int(current), published, -rank))
    return hits


def count(db: sqlite3.Connection, q: str, f: Filters | None = None) -> tuple[int, int]:
    """How many documents, and how many versions, match `q` and the filters: all, not only those shown."""
    check(db)
    f = f or Filters()
    where, args = _where(q, f)
    row = db.execute(f"SELECT count(DISTINCT search.key), count(*) FROM {_rows(f)} WHERE {where}", args).fetchone()
    return int(row[0]), int(row[1])
