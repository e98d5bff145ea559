"""Recording and reading a document's past from the web archive: `import_captures` turns the captures of one
document (already parsed into releases by the crawler) into versions and sightings, and records the events
found between sightings; `timeline`, `seen_versions` and `web_archive_only` read them back.

A capture whose text (pressroom's content hash: title, date, body) equals any version of the document is a
sighting of that version, and nothing is written; a new text is the next version, its file's `Captured` the
capture's time and its `Origin` the capture URL. A capture already recorded (same time, same URL) records
nothing, so importing twice writes nothing new. The document's state is then replayed from all its
observations by the same rules `reindex` uses (archive/sightings.py). Writes go file first, then log and
catalog, as a live visit's do.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence

from archive import search
from archive.attachment import Attachment
from archive.attachments import index_version
from archive.document import Release, Version, format_captured
from archive.history import (
    ATTACHMENT_NOT_FETCHED,
    CAPTURED,
    Capture,
    CaptureResult,
    SeenVersion,
    Sighting,
)
from archive.rows import SEEN_KINDS, DocumentRow, ObservationRow
from archive.sightings import Observation, derive_events, replay, sightings, stale_events
from archive.store import StoredVersion
from archive.visits import Visits, document_row


class WebArchive(Visits):
    """The web-archive half of `Archive` (which provides the root, the clock, the store and the catalog)."""

    def import_captures(
        self,
        key_release_pairs: Sequence[tuple[Release, Capture]],
        *,
        run_id: int | None,
        gone: Iterable[Capture] = (),
        key: str | None = None,
    ) -> CaptureResult:
        """Record the captures of ONE document (any order): new texts as versions, every capture not recorded
        yet as a sighting, and the edits and withdrawal (`gone`: captures that showed the page removed) found
        between sightings as events. `key` names the document when no capture showed its text."""
        pairs = sorted(((r.normalized(), c) for r, c in key_release_pairs), key=lambda p: (p[1].at, p[1].url))
        key = _one_key(pairs, key)
        stored = self.store.versions(key)
        self._index_missing(key, stored)
        doc = self.catalog.document(key)
        if doc is None and not pairs:
            return CaptureResult(key, [], 0, 0)
        observations = [_as_dict(o) for o in self.catalog.observations(key)]
        fresh, written = self._new_sightings(key, pairs, stored, observations)
        gone_at = [(format_captured(g.at), g.url) for g in gone]
        events = derive_events(sightings(observations + fresh), observations + fresh, gone_at)
        shown = {str(o["detail"]): int(o["version"]) for o in observations + fresh if o["kind"] == CAPTURED}
        shown = {capture.url: shown[capture.url] for _, capture in pairs if capture.url in shown}
        if not fresh and not events:
            return CaptureResult(key, [], 0, 0, shown)
        url = pairs[-1][0].url if pairs else doc.url if doc else ""
        with self.catalog.transaction():
            for sv, release, digest, at in written:
                self.catalog.add_version(self.version_row(sv, release, digest, at))
                index_version(self.catalog, self.root, key, sv.number, release.attachments)
                search.update(self.catalog.db, key, release, sv.number, current=False)
            for o in [*fresh, *sorted(events, key=lambda e: str(e["at"]))]:
                o.setdefault("url", url)
                self._observe(key=key, run_id=run_id, touch=False, **o)
            replaced = stale_events(observations + fresh + events)  # by the events these captures date closer
            self.catalog.forget_observations([o["id"] for o in replaced if "id" in o])
            self._settle(key, doc, stored, observations + fresh + events)
        return CaptureResult(key, [sv.number for sv, *_ in written], len(fresh), len(events), shown)

    def _new_sightings(
        self,
        key: str,
        pairs: list[tuple[Release, Capture]],
        stored: list[StoredVersion],
        observations: list[Observation],
    ) -> tuple[list[Observation], list[tuple[StoredVersion, Release, str, str]]]:
        """The `captured` observations of the captures not recorded yet, and the version files written for the
        texts no version has (file, release, content hash, capture time)."""
        recorded = {(o["at"], o.get("detail", "")) for o in observations if o["kind"] == CAPTURED}
        numbers = {row.sha256: row.number for row in self.catalog.versions(key)}
        fresh: list[Observation] = []
        written: list[tuple[StoredVersion, Release, str, str]] = []
        for release, capture in pairs:
            at = format_captured(capture.at)
            if (at, capture.url) in recorded:
                continue
            recorded.add((at, capture.url))
            digest = release.sha256()
            number = numbers.get(digest)
            if number is None:
                number = numbers[digest] = stored[-1].number + 1 if stored else 1
                version = Version(_as_captured(release), capture.at, capture.url)
                stored.append(self.store.write(key, number, version))
                written.append((stored[-1], version.release, digest, at))
            fresh.append({"kind": CAPTURED, "at": at, "version": number, "url": release.url, "detail": capture.url})
        return fresh, written

    def _settle(
        self, key: str, doc: DocumentRow | None, stored: list[StoredVersion], observations: list[Observation]
    ) -> None:
        """Write the document's row as its observations now leave it (validators kept), and mark its current
        version in the search index."""
        state = replay(observations, {sv.number for sv in stored}, stored[-1].number)
        if doc is not None:
            state.update(etag=doc.etag, last_modified=doc.last_modified)
        current = next(sv for sv in stored if sv.number == state["current_version"])
        release = self.store.read(current).release
        self.catalog.upsert_document(document_row(release, latest_version=stored[-1].number, **state))
        search.update(self.catalog.db, key, release, current.number)

    # reading ----------------------------------------------------------------------------------------

    def timeline(self, key: str) -> list[Sighting]:
        """Every sighting of a document, live or in the web archive, oldest first."""
        return sightings(_as_dict(o) for o in self.catalog.observations(key))

    def seen_versions(self, key: str) -> list[SeenVersion]:
        """Each version of a document once, ordered by its first sighting: when its text was first and last
        seen, and by what ("live", "capture"). A version with no sighting recorded (indexed from a file an
        interrupted run left) is placed by its file's `Captured` time, with no source."""
        seen: dict[int, SeenVersion] = {}
        for s in self.timeline(key):
            was = seen.get(s.version)
            if was is None:
                seen[s.version] = SeenVersion(s.version, s.at, s.at, {s.source})
            else:
                seen[s.version] = SeenVersion(s.version, was.first_seen, s.at, was.sources | {s.source})
        for row in self.catalog.versions(key):
            seen.setdefault(row.number, SeenVersion(row.number, row.captured, row.captured, set()))
        return sorted(seen.values(), key=lambda v: (v.first_seen, v.number))

    def web_archive_only(self, site: str | None = None) -> list[str]:
        """The keys of the documents (of one site) that no live visit has seen: known only from the web archive."""
        marks = ", ".join("?" * len(SEEN_KINDS))
        sql = (
            "SELECT key FROM documents AS d WHERE "
            f"NOT EXISTS (SELECT 1 FROM observations AS o WHERE o.key = d.key AND o.kind IN ({marks}))"
        )
        args: list[object] = [*sorted(SEEN_KINDS)]
        if site:
            sql += " AND site = ?"
            args.append(site)
        return [str(row[0]) for row in self.catalog.db.execute(sql + " ORDER BY key", args)]

    def seen_live(self, key: str) -> bool:
        """Whether a live visit has ever seen the document (not only the web archive)."""
        return self.catalog.seen_live(key)


def _one_key(pairs: list[tuple[Release, Capture]], key: str | None) -> str:
    """The document all the captures are of."""
    keys = {release.key for release, _ in pairs} | ({key} if key else set())
    if len(keys) != 1:
        raise ValueError(f"import_captures takes the captures of one document, got {sorted(keys) or 'none'}")
    return keys.pop()


def _as_captured(release: Release) -> Release:
    """The release as a capture shows it: its attachments listed by name and URL, not fetched from the archive."""
    listed = tuple(a.failed(ATTACHMENT_NOT_FETCHED) if a.url else Attachment(a.name) for a in release.attachments)
    return dataclasses.replace(release, attachments=listed)


def _as_dict(o: ObservationRow) -> Observation:
    """An observation as the log holds it."""
    return {"id": o.id, "kind": o.kind, "at": o.at, "version": o.version, "url": o.url, "detail": o.detail}
