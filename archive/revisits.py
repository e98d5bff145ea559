"""Questions about many documents at once, answered from the catalog's indexes instead of every row.

The revisit schedule itself belongs to the crawler (`crawler.pipeline.revisit`), which hands it over as a
`RevisitPolicy`; this module only knows how to ask SQLite for it cheaply.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from archive.catalog import Catalog
from archive.rows import DocumentRow

COLUMNS = ", ".join(f.name for f in fields(DocumentRow))


@dataclass(frozen=True)
class RevisitPolicy:
    """When documents are due again, as `due` asks the index (the crawler's schedule, in SQL)."""

    old_before: str  # documents published before this (ISO date) are old
    old_interval: int  # seconds between visits of old and withdrawn documents
    lateness: str  # SQL: seconds past due (negative: not yet) of a younger document, given :now


def count_documents(catalog: Catalog, site: str) -> tuple[int, int]:
    """How many documents a site has, and how many of them are withdrawn."""
    total, withdrawn = catalog.db.execute(
        "SELECT count(*), coalesce(sum(status = 'withdrawn'), 0) FROM documents INDEXED BY documents_site_visit "
        "WHERE site = ?",
        (site,),
    ).fetchone()
    return int(total), int(withdrawn)


def due(
    catalog: Catalog, site: str, now: str, policy: RevisitPolicy, limit: int | None
) -> tuple[int, list[DocumentRow]]:
    """How many of a site's documents are due for a revisit at `now`, and the `limit` most overdue.

    Documents published before `policy.old_before` (and withdrawn ones) are due `policy.old_interval`
    seconds after their last visit, so the oldest visits come first in an index and the search stops
    after `limit` rows; only the younger ones, as many as a year of publishing, have their lateness
    computed one by one (by `policy.lateness`, an SQL expression over `now`, `published`, `last_visit`
    and `status`).
    """
    cut = f"strftime('%Y-%m-%dT%H:%M:%SZ', julianday(:now) - {policy.old_interval} / 86400.0)"
    old = f"site = :site AND published < :old_before AND last_visit <= {cut}"
    young = f"site = :site AND published >= :old_before AND ({policy.lateness}) >= 0"
    args = {"site": site, "now": now, "old_before": policy.old_before, "limit": -1 if limit is None else limit}
    count = catalog.db.execute(
        f"SELECT (SELECT count(*) FROM documents INDEXED BY documents_site_visit WHERE {old}) + "
        f"(SELECT count(*) FROM documents INDEXED BY documents_site_published WHERE {young})",
        args,
    ).fetchone()[0]
    lateness = f"CAST(round((julianday(:now) - julianday(last_visit)) * 86400) AS INTEGER) - {policy.old_interval}"
    late: list[tuple[int, DocumentRow]] = []
    queries = (  # lateness falls as last_visit rises: the old ones come sorted by the index
        ("documents_site_visit", old, lateness, "last_visit, key"),
        ("documents_site_published", young, policy.lateness, "late DESC, key"),
    )
    for index, where, how, order in queries:
        sql = (
            f"SELECT {how} AS late, {COLUMNS} FROM documents INDEXED BY {index} "
            f"WHERE {where} ORDER BY {order} LIMIT :limit"
        )
        late += [(row[0], DocumentRow(*row[1:])) for row in catalog.db.execute(sql, args)]
    late.sort(key=lambda pair: (-pair[0], pair[1].key))
    return int(count), [doc for _, doc in (late if limit is None else late[:limit])]
