"""Full-text search over every version of every document: the query language (`query`), how text is
folded and stemmed (`text`), the FTS5 expression (`match`), the index (`index`) and snippets (`snippet`)."""

from __future__ import annotations

from archive.search.index import SCHEMA, Filters, Hit, IndexOutdated, check, count, prepare, row_id, search, update
from archive.search.query import QueryError, parse
from archive.search.snippet import snippet
from archive.search.text import fold, index_text

__all__ = [
    "SCHEMA",
    "Filters",
    "Hit",
    "IndexOutdated",
    "QueryError",
    "check",
    "count",
    "fold",
    "index_text",
    "parse",
    "prepare",
    "row_id",
    "search",
    "snippet",
    "update",
]
