"""The search index (SQLite FTS5, ranked by bm25): one row per version of every document.

Each row holds its text twice: folded (`title`, `body`, `tags`: phrases and prefixes match these exactly)
and stemmed (`title_stems`, `body_stems`, `tags_stems`: bare words match these). Every version is indexed,
so `--all-versions` finds wording a later edit removed. The `state` column says `current` in the row of the
version the site shows now (`earlier` in the others), and the site and the language are tokens of their own,
so the everyday search, its count and the --site and --lang filters are answered by the index alone: reading
a row's stored columns (its key) costs as much as the whole query, so only the best rows shown are read.

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
    key UNINDEXED, version UNINDEXED, site_key, lang_key, published UNINDEXED, state,
    title, body, tags, number, title_stems, body_stems, tags_stems,
    tokenize = "unicode61 remove_diacritics 2"
);
CREATE TABLE IF NOT EXISTS search_state (name TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
# bm25 weights, one per column in SCHEMA's order: a title match counts five times a body match.
RANK = "bm25(search, 0, 0, 0, 0, 0, 0, 5.0, 1.0, 2.0, 2.0, 5.0, 1.0, 2.0)"
COLUMNS = ("state", "title_stems", "site_key")  # columns only the current layout has
CURRENT = ' AND ({state} : "current")'

STALE = "the search index was made by an earlier pressroom and cannot answer queries: run `pressroom reindex`"


class IndexOutdated(ArchiveError):
    """The archive's search index predates the current one: `pressroom reindex` rebuilds it."""


def prepare(db: sqlite3.Connection) -> None:
    """Create the index, or replace one of an earlier layout with an empty one marked stale."""
    row = db.execute("SELECT sql FROM sqlite_master WHERE name = 'search'").fetchone()
    outdated = row is not None and not _current_layout(db)
    if outdated:
        db.execute("DROP TABLE search")
    db.executescript(SCHEMA)
    if outdated:
        db.execute("INSERT OR REPLACE INTO search_state (name, value) VALUES ('stale', '1')")


def check(db: sqlite3.Connection) -> None:
    """Raise `IndexOutdated` unless the index can answer queries."""
    if not _current_layout(db):
        raise IndexOutdated(STALE)
    if db.execute("SELECT 1 FROM search_state WHERE name = 'stale'").fetchone():
        raise IndexOutdated(STALE)


def _current_layout(db: sqlite3.Connection) -> bool:
    """Whether the search table exists with every column this version of pressroom writes."""
    names = {r[1] for r in db.execute("PRAGMA table_info(search)")}
    return all(c in names for c in COLUMNS)


def mark_fresh(db: sqlite3.Connection) -> None:
    """Forget the stale mark (after a rebuild has indexed every version)."""
    db.execute("DELETE FROM search_state WHERE name = 'stale'")


def row_id(key: str, version: int) -> int:
    """The FTS row of a version: derived from key and number, so replacing it is a lookup, not a scan of
    the table (UNINDEXED columns have no index). 62 bits: collisions are out of reach."""
    digest = hashlib.sha256(f"{key}\n{version}".encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 2


def filter_token(kind: str, value: str) -> str:
    """One index token that stands for a site or a language, so that --site and --lang are answered by the
    index, not by reading every matching row; hashed, so mid.ru's token is not inside archive.mid.ru's."""
    return kind[0] + hashlib.sha256(f"{kind}\n{value}".encode()).hexdigest()[:16]


def row(key: str, version: int, release: Release, *, current: bool = True) -> tuple[object, ...]:
    """The values of a version's row, in INSERT's order."""
    lang, body, tags = release.language, "\n".join(release.body), "\n".join(release.tags)
    return (
        row_id(key, version),
        key,
        version,
        filter_token("site", release.site),
        filter_token("lang", lang),
        format_published(release.published),
        "current" if current else "earlier",
        text.index_text(release.title),
        text.index_text(body),
        text.index_text(tags),
        text.index_text(release.document_number),
        text.stem_text(release.title, lang),
        text.stem_text(body, lang),
        text.stem_text(tags, lang),
    )


INSERT = (
    "INSERT OR REPLACE INTO search (rowid, key, version, site_key, lang_key, published, state, title, body, tags,"
    " number, title_stems, body_stems, tags_stems) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def update(db: sqlite3.Connection, key: str, release: Release, version: int, *, current: bool = True) -> None:
    """Index a version of a document (again: a version's text never changes, so this is idempotent); when it
    is `current`, the document's other versions are marked earlier."""
    db.execute(INSERT, row(key, version, release, current=current))
    if not current:
        return
    number = 1
    while True:  # versions are numbered 1, 2, ...: their rows are found by rowid, without a scan
        other = row_id(key, number)
        found = db.execute("SELECT state FROM search WHERE rowid = ?", (other,)).fetchone()
        if found is None and number > version:
            break
        if found is not None and number != version and found[0] == "current":
            db.execute("UPDATE search SET state = 'earlier' WHERE rowid = ?", (other,))
        number += 1


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


def _where(q: str, f: Filters, also: str) -> tuple[str, list[object]]:
    """The WHERE clause (and its arguments) of a query, its filters, and `also` in the MATCH expression."""
    sql = "search MATCH ?"
    expression = match.expression(query.parse(q), f.language) + also
    for column, kind, value in (("site_key", "site", f.site), ("lang_key", "lang", f.language)):
        if value:
            expression += f' AND ({{{column}}} : "{filter_token(kind, value)}")'
    args: list[object] = [expression]
    for column, value, op in (
        ("search.published", f.since, ">="),
        ("substr(search.published, 1, 10)", f.until, "<="),
    ):
        if value:
            sql += f" AND {column} {op} ?"
            args.append(value)
    return sql, args


def search(db: sqlite3.Connection, q: str, f: Filters | None = None, *, limit: int = 20) -> list[Hit]:
    """The best-ranked documents matching `q` (title matches weigh more than body matches)."""
    check(db)
    f = f or Filters()
    if f.all_versions:
        return _all_versions(db, q, f, limit)
    where, args = _where(q, f, CURRENT)
    best = db.execute(f"SELECT rowid, {RANK} AS rank FROM search WHERE {where} ORDER BY rank LIMIT ?", [*args, limit])
    hits = []
    for rowid, rank in best.fetchall():  # only now the stored columns, of the rows shown
        key, version, published = db.execute(
            "SELECT key, version, published FROM search WHERE rowid = ?", (rowid,)
        ).fetchone()
        hits.append(Hit(key, int(version), (int(version),), int(version), published, -rank))
    return hits


def _all_versions(db: sqlite3.Connection, q: str, f: Filters, limit: int) -> list[Hit]:
    """The best-ranked documents with a matching version, each with every version that matched."""
    where, args = _where(q, f, "")
    inner = f"SELECT key, version, published, {RANK} AS rank FROM search WHERE {where}"
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
    if not f.all_versions:  # one current row a document: the index counts them without reading a row
        where, args = _where(q, f, CURRENT)
        total = int(db.execute(f"SELECT count(*) FROM search WHERE {where}", args).fetchone()[0])
        return total, total
    where, args = _where(q, f, "")
    found = db.execute(f"SELECT count(DISTINCT key), count(*) FROM search WHERE {where}", args).fetchone()
    return int(found[0]), int(found[1])
