"""Full-text search over the current version of every document (SQLite FTS5, ranked by bm25).

Text is folded before indexing and querying: NFC, lower case, ё as е (Russian writers use them
interchangeably). Korean has no spaces between a word and its particles (외교부는, 외교부가), so runs of
Hangul are indexed as overlapping two-syllable bigrams, as CJK search engines do: a query for a
two-syllable word such as 외교 then matches inside 외교부는.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import unicodedata
from dataclasses import dataclass

from archive.document import Release, format_published

SCHEMA = """
CREATE VIRTUAL TABLE IF NOT EXISTS search USING fts5(
    key UNINDEXED, site UNINDEXED, language UNINDEXED, published UNINDEXED, title, body,
    tokenize = "unicode61 remove_diacritics 2"
);
"""
HANGUL_RUN = re.compile(r"[\uac00-\ud7a3]{2,}")
QUERY_TERM = re.compile(r'"[^"]+"|\S+')


def fold(text: str) -> str:
    """The form both documents and queries are compared in."""
    return unicodedata.normalize("NFC", text).lower().replace("ё", "е")


def index_text(text: str) -> str:
    """Folded text with every Hangul run replaced by its overlapping bigrams."""
    return HANGUL_RUN.sub(lambda m: " ".join(m[0][i : i + 2] for i in range(len(m[0]) - 1)), fold(text))


def match_expression(query: str) -> str:
    """An FTS5 MATCH expression: every term (or "quoted phrase") must occur; FTS syntax is neutralized."""
    terms = []
    for raw in QUERY_TERM.findall(query):
        words = re.findall(r"\w+", index_text(raw.strip('"')))
        if words:
            terms.append('"' + " ".join(words) + '"')
    if not terms:
        raise ValueError(f"nothing to search for in {query!r}")
    return " AND ".join(terms)


def row_id(key: str) -> int:
    """The FTS row of a document: derived from its key, so replacing a row is a lookup, not a scan of the
    table (UNINDEXED columns have no index). 62 bits: collisions are out of reach."""
    return int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big") >> 2


def update(db: sqlite3.Connection, key: str, release: Release) -> None:
    """Index (or re-index) a document's current version."""
    rowid = row_id(key)
    db.execute("DELETE FROM search WHERE rowid = ?", (rowid,))
    db.execute(
        "INSERT INTO search (rowid, key, site, language, published, title, body) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            rowid,
            key,
            release.site,
            release.language,
            format_published(release.published),
            index_text(release.title),
            index_text("\n".join(release.body)),
        ),
    )


@dataclass(frozen=True)
class Hit:
    """One search result."""

    key: str
    published: str
    score: float


def search(
    db: sqlite3.Connection,
    query: str,
    *,
    site: str | None = None,
    language: str | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: int = 20,
) -> list[Hit]:
    """The best-ranked documents matching `query` (title matches weigh more than body matches)."""
    where, args = _where(query, site=site, language=language, since=since, until=until)
    sql = f"SELECT key, published, bm25(search, 0, 0, 0, 0, 5.0, 1.0) AS rank FROM search WHERE {where}"
    sql += " ORDER BY rank LIMIT ?"
    return [Hit(key, published, -rank) for key, published, rank in db.execute(sql, [*args, limit])]


def count(
    db: sqlite3.Connection,
    query: str,
    *,
    site: str | None = None,
    language: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> int:
    """How many documents match `query` and the filters, all of them, not only the shown ones."""
    where, args = _where(query, site=site, language=language, since=since, until=until)
    return int(db.execute(f"SELECT count(*) FROM search WHERE {where}", args).fetchone()[0])


def _where(
    query: str, *, site: str | None, language: str | None, since: str | None, until: str | None
) -> tuple[str, list[object]]:
    """The WHERE clause (and its arguments) of a query and its filters."""
    sql = "search MATCH ?"
    args: list[object] = [match_expression(query)]
    for column, value, op in (
        ("site", site, "="),
        ("language", language, "="),
        ("published", since, ">="),
        ("substr(published, 1, 10)", until, "<="),
    ):
        if value:
            sql += f" AND {column} {op} ?"
            args.append(value)
    return sql, args


def snippet(paragraphs: tuple[str, ...], query: str, *, width: int = 180) -> tuple[str, list[tuple[int, int]]]:
    """A window of the first paragraph that holds a query term, and the spans of the terms in it."""
    terms = [t for raw in QUERY_TERM.findall(query) for t in re.findall(r"\w+", fold(raw.strip('"')))]
    for paragraph in paragraphs:
        folded = fold(paragraph)
        hits = [(m.start(), m.end()) for t in terms for m in re.finditer(re.escape(t), folded)]
        if not hits or len(folded) != len(paragraph):
            continue
        first = min(start for start, _ in hits)
        start = max(0, first - width // 3)
        end = min(len(paragraph), start + width)
        text = ("…" if start else "") + paragraph[start:end] + ("…" if end < len(paragraph) else "")
        shift = 1 if start else 0
        spans = sorted((a - start + shift, b - start + shift) for a, b in hits if a >= start and b <= end)
        return text, spans
    if not paragraphs:
        return "", []
    return paragraphs[0][:width] + ("…" if len(paragraphs[0]) > width else ""), []
