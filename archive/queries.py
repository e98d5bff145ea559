"""The archive's reading methods: what the crawler and the CLI may ask of it, answered from the catalog and the
version files, as typed values (archive/rows.py), so that neither ever touches the catalog or the store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from archive import search as fts
from archive.catalog import CATALOG_NAME, Catalog
from archive.document import LANG_RE, split_key
from archive.revisits import RevisitPolicy, count_documents, due
from archive.rows import CaptureRow, DocumentRow, ObservationRow, RunRow, SiteDates, SiteRunRow
from archive.store import Store, StoredVersion


class Queries:
    """The reading half of `Archive` (which provides the root, the catalog and the store)."""

    root: Path
    store: Store

    @property
    def catalog(self) -> Catalog:
        """The catalog (see Archive)."""
        raise NotImplementedError

    @property
    def catalog_file(self) -> Path:
        """Where the archive's index is (it may not exist yet)."""
        return self.root / CATALOG_NAME

    def has_catalog(self) -> bool:
        """Whether the archive has its index (a reading command on an archive without one says how to rebuild it)."""
        return self.catalog_file.exists()

    def document(self, key: str) -> DocumentRow | None:
        """The catalog's record of a document, if it has one."""
        return self.catalog.document(key)

    def documents(self, site: str | None = None) -> Iterator[DocumentRow]:
        """Every document (of one site), by key."""
        return self.catalog.documents(site=site)

    def recent_documents(self, site: str, limit: int) -> list[DocumentRow]:
        """A site's `limit` most recently published documents, newest first."""
        return self.catalog.recent_documents(site, limit)

    def documents_by_url(self, url: str) -> list[DocumentRow]:
        """Documents whose canonical URL is `url`."""
        return self.catalog.documents_by_url(url)

    def versions(self, key: str) -> list[StoredVersion]:
        """The version files of a document, oldest first (none: not archived)."""
        return self.store.versions(key)

    def languages(self, key: str) -> list[str]:
        """The languages a document given without one (site/collection/id) is archived in, sorted."""
        folder = self.store.doc_dir(key) if len(split_key(key)) == 3 else None
        if folder is None or not folder.is_dir():
            return []
        names = (p.name for p in folder.iterdir() if LANG_RE.match(p.name))
        return sorted(name for name in names if self.store.versions(f"{key}/{name}"))

    def archived_languages(self) -> list[str]:
        """Every language the archive holds documents in, sorted (what --lang may name)."""
        rows = self.catalog.db.execute("SELECT DISTINCT language FROM documents ORDER BY language").fetchall()
        return [str(row[0]) for row in rows]

    def observations(self, key: str) -> list[ObservationRow]:
        """Every recorded visit of a document, oldest first."""
        return self.catalog.observations(key)

    def latest_capture(self, key: str) -> CaptureRow | None:
        """The newest whole response captured for a document (a WARC record), if any."""
        return self.catalog.latest_response(key)

    def runs(self, limit: int = 20) -> list[RunRow]:
        """The most recent runs, newest first: id, command, sites, started, finished, status, counts."""
        return self.catalog.runs(limit)

    def site_runs(self, site: str, limit: int = 10) -> list[SiteRunRow]:
        """The most recent runs that included `site`, newest first, each with the figures its end recorded for
        the site (list pages read, pages that did not parse and why, ...; `{}` when none were recorded)."""
        return self.catalog.site_runs(site, limit)

    def site_dates(self, site: str, limit: int = 30) -> SiteDates:
        """When a site's documents were published (the `limit` newest), when its first run started and when a
        document of it last entered the archive: its rhythm. Read from indexes, not from every document."""
        db = self.catalog.db
        rows = db.execute(
            "SELECT published FROM documents WHERE site = ? ORDER BY published DESC LIMIT ?", (site, limit)
        ).fetchall()
        first = db.execute(
            "SELECT min(started) FROM runs WHERE instr(' ' || sites || ' ', ' ' || ? || ' ')", (site,)
        ).fetchone()[0]
        # Keys start with the site's name and a slash; '0' is the character after '/'.
        newest = db.execute(
            "SELECT at FROM observations WHERE kind = 'new' AND key >= ? AND key < ? ORDER BY at DESC LIMIT 1",
            (f"{site}/", f"{site}0"),
        ).fetchone()
        return SiteDates([r[0] for r in rows], first, newest[0] if newest else None)

    def count_documents(self, site: str) -> tuple[int, int]:
        """How many documents a site has, and how many of them are withdrawn."""
        return count_documents(self.catalog, site)

    def due(self, site: str, now: str, policy: RevisitPolicy, limit: int | None) -> tuple[int, list[DocumentRow]]:
        """How many of a site's documents are due for a revisit under `policy`, and the `limit` most overdue."""
        return due(self.catalog, site, now, policy, limit)

    def search(self, query: str, filters: fts.Filters | None = None, *, limit: int = 20) -> list[fts.Hit]:
        """The best-ranked documents matching `query` (their current versions, or all with `all_versions`)."""
        return fts.search(self.catalog.db, query, filters, limit=limit)

    def search_count(self, query: str, filters: fts.Filters | None = None) -> tuple[int, int]:
        """How many documents, and how many versions, match `query` and the filters."""
        return fts.count(self.catalog.db, query, filters)
