"""Recording visits: a fetched release becomes a new version or confirms one (`record`), a visit that brought no
release is an observation (`observe`), a page gone is a miss (`miss`), each logged and indexed.

Writes go file first, log second, catalog third, so a crash leaves at most an unindexed file or a logged
visit the catalog does not know, which the next `record` of that document or a `reindex` picks up.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import Any

from archive import search
from archive.attachment import fill_in, relation
from archive.attachments import begin, earlier_version, index_version, looked_for
from archive.document import Release, Version, format_captured, format_published
from archive.errors import UnknownDocument
from archive.rows import SEEN_KINDS, DocumentRow, VersionRow
from archive.runs import RunLog
from archive.store import Store, StoredVersion

logger = logging.getLogger(__name__)

# A page must be gone on this many consecutive visits before the document counts as withdrawn:
# one 404 can be a deploy glitch.
WITHDRAWN_AFTER_MISSES = 2


@dataclass(frozen=True)
class Outcome:
    """What recording one fetched release did."""

    key: str
    kind: str  # new | unchanged | changed | reverted | restored (served again, with the text it had)
    version: int
    restored: bool = False  # the document had been withdrawn (kind is restored, or the edit it came back with)


@dataclass
class _Placed:
    """Where a recorded release's text stands among its document's versions."""

    kind: str  # new | unchanged | changed | reverted
    number: int  # the version whose text it is
    stored: list[StoredVersion]  # every version file of the document, the new one included
    digest: str
    now: str  # when it was recorded, as the catalog writes it
    release: Release  # what was recorded: the release, its attachments' hashes filled in from the version's
    wrote: bool = False  # a version file was written
    recovered: bool = False  # the version file an interrupted run wrote but could not index


class Visits(RunLog):
    """The recording half of `Archive` (which provides the root, the clock, the store and the catalog)."""

    store: Store

    def record(
        self,
        release: Release,
        *,
        run_id: int | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
        origin: str = "",
    ) -> Outcome:
        """Store `release` as a new version if its content is new, and record the visit.

        With `origin` (a re-extraction of a stored capture) nothing is recorded unless the text differs, and
        then as `reextracted`, never as a ministry edit; the visit state of the document is left alone.
        """
        release = release.normalized()
        begin(self.store, self.root, self.now())
        stored = self.store.versions(release.key)
        recovered = self._index_missing(release.key, stored)
        doc = self.catalog.document(release.key)
        placed = self._place(release, stored, doc, origin)
        release = placed.release
        if placed.number in recovered:  # the text an interrupted run wrote but could not record: record it now
            placed.kind, placed.recovered = ("changed" if doc is not None else "new"), True
        if origin:
            return self._reextracted(release, doc, placed, run_id)
        return self._recorded(release, doc, placed, run_id, etag, last_modified)

    def _place(self, release: Release, stored: list[StoredVersion], doc: DocumentRow | None, origin: str) -> _Placed:
        """Compare the release with the stored versions; write it as the next version if it is new.

        The text decides first; with the current version's text, the attachments do: another file (added,
        removed, a different hash) is a change of the release, the same files now with URLs or hashes the
        version lacks (an archive from before attachments were stored) a new file recorded as unchanged.
        """
        digest = release.sha256()
        captured = self.clock()
        now = format_captured(captured)
        current = shown_version(stored, doc)
        kind = "changed" if stored else "new"
        if current is not None and current.digest16 == digest[:16]:
            shown = self.store.read(current)
            old = shown.release.attachments
            release = replace(release, attachments=fill_in(old, release.attachments))
            how = relation(old, release.attachments)
            if how == "changed" and not old and not looked_for(self.root, shown):
                how = "more"  # files on a page archived before attachments were looked for: no edit
            if how == "same":
                return _Placed("unchanged", current.number, stored, digest, now, release)
            kind = "unchanged" if how == "more" else kind
        earlier = earlier_version(self.store, release, stored, current) if kind != "unchanged" else None
        if earlier is not None:
            return _Placed("reverted", earlier.number, stored, digest, now, release)
        number = stored[-1].number + 1 if stored else 1
        stored.append(self.store.write(release.key, number, Version(release, captured, origin)))
        return _Placed(kind, number, stored, digest, now, release, wrote=True)

    def _recorded(
        self,
        release: Release,
        doc: DocumentRow | None,
        placed: _Placed,
        run_id: int | None,
        etag: str | None,
        last_modified: str | None,
    ) -> Outcome:
        """Index a visit that found `release` (its version, the document's state, search), and log it."""
        key, kind, number, now = release.key, placed.kind, placed.number, placed.now
        restored = doc is not None and doc.status == "withdrawn"
        with self.catalog.transaction():
            if placed.wrote and not placed.recovered:
                self.catalog.add_version(self.version_row(placed.stored[-1], release, placed.digest, now))
                index_version(self.catalog, self.root, key, number, release.attachments)
            self.catalog.upsert_document(_visited_row(release, doc, placed, etag, last_modified))
            if kind not in ("unchanged", "restored") or placed.wrote:
                search.update(self.catalog.db, key, release, number)
            # One visit: a document served again with its old text is one `restored`; with another text,
            # `restored` and then the edit. The document row written above already holds this visit.
            if restored and kind == "unchanged":
                kind = "restored"
            elif restored:
                self._observe(
                    key=key, url=release.url, run_id=run_id, at=now, kind="restored", version=number, touch=False
                )
            self._observe(
                key=key,
                url=release.url,
                run_id=run_id,
                at=now,
                kind=kind,
                version=number,
                touch=False,
                etag=etag,
                last_modified=last_modified,
            )
        return Outcome(key, kind, number, restored)

    def _reextracted(self, release: Release, doc: DocumentRow | None, placed: _Placed, run_id: int | None) -> Outcome:
        """Index a re-extraction whose text differs from the current version's; the visit state is left alone."""
        kind, number, stored = placed.kind, placed.number, placed.stored
        if (kind == "unchanged" and not placed.wrote) or doc is None:
            return Outcome(release.key, kind, number)
        with self.catalog.transaction():
            if placed.wrote:
                self.catalog.add_version(self.version_row(stored[-1], release, placed.digest, placed.now))
                index_version(self.catalog, self.root, release.key, number, release.attachments)
            self.catalog.update_document(
                release.key,
                current_version=number,
                latest_version=stored[-1].number,
                title=release.title,
                published=format_published(release.published),
            )
            search.update(self.catalog.db, release.key, release, number)
            self._observe(
                key=release.key,
                url=release.url,
                run_id=run_id,
                at=placed.now,
                kind="reextracted",
                version=number,
                detail=f"was v{doc.current_version}",
            )
        return Outcome(release.key, "reextracted", number)

    def observe(self, key: str | None, url: str, kind: str, *, run_id: int | None = None, detail: str = "") -> str:
        """Record a visit that produced no release (not modified, blocked, failed); return the kind recorded.

        A withdrawn document found again (an HTTP 304 says the page is there) is `restored`, as in `record`.
        """
        doc = self.catalog.document(key) if key else None
        now = self.now()
        if doc is not None and kind in SEEN_KINDS and doc.status == "withdrawn":
            kind = "restored"
        with self.catalog.transaction():
            self._observe(
                key=key if doc else None,
                url=url,
                run_id=run_id,
                at=now,
                kind=kind,
                version=doc.current_version if doc else None,
                detail=detail,
            )
            if doc is not None and kind in SEEN_KINDS:
                self.catalog.update_document(doc.key, last_seen=now, misses=0, status="active")
        return kind

    def miss(self, key: str, url: str, *, run_id: int | None = None, detail: str = "") -> str:
        """Record that a known document's page is gone (404/410); returns `missing`, `withdrawn` or `gone`.

        active --404--> missing --404--> withdrawn --404--> gone (and gone again): a withdrawal is news once;
        later 404s are recorded but are no event. Any visit that finds the page makes it active (restored).
        A document known only from the web archive is withdrawn at its first 404: the archive's record shows
        it existed, so no deploy glitch explains its absence.
        """
        doc = self.catalog.document(key)
        if doc is None:
            raise UnknownDocument(f"no document {key}")
        misses = doc.misses + 1
        gone = misses >= WITHDRAWN_AFTER_MISSES or self.catalog.only_captured(key)
        kind = "withdrawn" if gone else "missing"
        if doc.status == "withdrawn":
            kind = "gone"
        with self.catalog.transaction():
            status = "withdrawn" if kind == "withdrawn" else doc.status
            self.catalog.update_document(key, misses=misses, status=status)
            self._observe(
                key=key, url=url, run_id=run_id, at=self.now(), kind=kind, version=doc.current_version, detail=detail
            )
        return kind

    def version_row(self, stored: StoredVersion, release: Release, digest: str, captured: str) -> VersionRow:
        """The catalog row of a stored version."""
        return VersionRow(
            key=stored.key,
            number=stored.number,
            sha256=digest,
            path=stored.path.relative_to(self.root).as_posix(),
            title=release.title,
            published=format_published(release.published),
            captured=captured,
        )

    def _index_missing(self, key: str, stored: list[StoredVersion]) -> set[int]:
        """Index version files a crash (or a catalog that refused the write) left on disk before the catalog
        learned of them; return their numbers."""
        if not stored:
            return set()
        known = {row.number for row in self.catalog.versions(key)}
        recovered = set()
        for sv in stored:
            if sv.number not in known:
                recovered.add(sv.number)
                version = self.store.read(sv)
                logger.warning("indexing %s, left unindexed by an interrupted run", sv.path)
                self.catalog.add_version(
                    self.version_row(sv, version.release, version.release.sha256(), format_captured(version.captured))
                )
                index_version(self.catalog, self.root, key, sv.number, version.release.attachments)
        return recovered


def document_row(release: Release, **state: Any) -> DocumentRow:
    """A catalog row: what the release says, plus the visit state given."""
    return DocumentRow(
        key=release.key,
        site=release.site,
        collection=release.collection,
        doc_id=release.doc_id,
        language=release.language,
        url=release.url,
        title=release.title,
        published=format_published(release.published),
        **state,
    )


def _visited_row(
    release: Release, doc: DocumentRow | None, placed: _Placed, etag: str | None, last_modified: str | None
) -> DocumentRow:
    """The document's row after a visit that found `release`; validators the visit did not bring are kept."""
    return document_row(
        release,
        current_version=placed.number,
        latest_version=placed.stored[-1].number,
        status="active",
        misses=0,
        etag=etag if etag is not None else (doc.etag if doc else None),
        last_modified=last_modified if last_modified is not None else (doc.last_modified if doc else None),
        first_seen=doc.first_seen if doc else placed.now,
        last_seen=placed.now,
        last_visit=placed.now,
    )


def shown_version(stored: list[StoredVersion], doc: DocumentRow | None) -> StoredVersion | None:
    """The version the site showed last: the catalog's pointer, else the newest file."""
    if doc is not None:
        for sv in stored:
            if sv.number == doc.current_version:
                return sv
    return stored[-1] if stored else None
