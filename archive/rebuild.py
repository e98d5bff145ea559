"""`reindex`: the whole catalog rebuilt from the files, as if every run had been recorded again.

Versions come from the version files, runs and visits from the log (archive/log.py), raw captures from the
WARC files (read by the caller, which knows the WARC format); a document's visit state (current version,
withdrawn or not, misses, validators, last visit) is replayed from its observations in the order they happened,
the same rules `Archive.record` and `Archive.miss` apply as they go.
"""

from __future__ import annotations

import dataclasses
import heapq
import itertools
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from archive import log, migrate, search
from archive.attachments import index_version, missing_files
from archive.catalog import Catalog
from archive.document import Version, format_captured
from archive.errors import CorruptVersion
from archive.history import CAPTURE_KINDS
from archive.recorder import Archive, ReindexReport
from archive.rows import CaptureRow
from archive.sightings import replay, stale_events
from archive.store import StoredVersion
from archive.visits import document_row

logger = logging.getLogger(__name__)


def rebuild(archive: Archive, captures: Iterable[CaptureRow] | None) -> ReindexReport:
    """Rebuild the catalog in one transaction; what cannot be read is reported and left alone."""
    report = ReindexReport()
    for path in archive.store.remove_temporary():
        logger.warning("removed %s, left by an interrupted write", path)
    archive.ensure_log()
    runs, outside = log.read_runs(archive.root, report.problems)
    catalog = archive.catalog
    owners = catalog.capture_owners() if captures is not None else {}
    moves = migrate.moved(archive.root)  # the log and the WARC files name documents by the keys of their day
    with catalog.transaction():
        catalog.clear(captures=captures is not None)
        visits = _replay_log(catalog, runs, outside, report, moves)
        if captures is not None:
            _index_captures(archive, captures, owners, report, moves)
        for key in archive.store.document_keys():
            good: list[tuple[StoredVersion, Version]] = []
            for sv in archive.store.versions(key):
                try:
                    good.append((sv, archive.store.read(sv)))
                except CorruptVersion as exc:
                    report.problems.append(str(exc))
            if good:
                _index_document(archive, key, good, visits.get(key, []))
                for sv, version in good:
                    index_version(catalog, archive.root, key, sv.number, version.release.attachments)
                    report.problems.extend(missing_files(archive.root, key, sv.number, version.release.attachments))
                report.documents += 1
                report.versions += len(good)
    return report


def _replay_log(
    catalog: Catalog,
    runs: list[log.LoggedRun],
    outside: Iterable[dict[str, Any]],
    report: ReindexReport,
    moves: dict[str, str],
) -> dict[str, list[dict[str, Any]]]:
    """Record the log's runs and visits in the catalog again, under each document's key of today (`moves`);
    return each document's visits, oldest first."""
    _start_runs(catalog, runs)
    visits: dict[str, list[dict[str, Any]]] = defaultdict(list)
    # Runs never overlap (one writer at a time) and keep their order, even if the clock stepped back;
    # visits outside runs (library use) go in between by the time they were recorded.
    in_runs = itertools.chain.from_iterable(_recorded(r.observations, r.started) for r in runs)
    once = _once_from_the_web_archive()
    for _, o in heapq.merge(in_runs, _recorded(outside, ""), key=lambda pair: pair[0]):
        if o.get("key") in moves:
            o = {**o, "key": moves[o["key"]]}
        if not once(o):
            continue
        try:
            catalog.observe(
                key=o.get("key"),
                url=o["url"],
                run_id=o.get("run"),
                at=o["at"],
                kind=o["kind"],
                version=o.get("version"),
                detail=o.get("detail", ""),
                touch=False,
            )
        except (KeyError, ValueError) as exc:
            report.problems.append(f"log: a visit that cannot be recorded ({exc}): {o}")
            continue
        if o.get("key"):
            visits[o["key"]].append(o)
    _forget_replaced_events(catalog, visits)
    return visits


def _once_from_the_web_archive() -> Callable[[dict[str, Any]], bool]:
    """A filter that passes each observation of the web archive once: an import that failed part-way (a full
    disk, a kill) logged lines its catalog transaction then rolled back, and its rerun logged them again."""
    seen: set[tuple[Any, ...]] = set()

    def first(o: dict[str, Any]) -> bool:
        if o.get("kind") not in CAPTURE_KINDS:
            return True
        same = (o.get("key"), o["kind"], o.get("at"), o.get("version"), o.get("detail", ""))
        if same in seen:
            return False
        seen.add(same)
        return True

    return first


def _forget_replaced_events(catalog: Catalog, visits: dict[str, list[dict[str, Any]]]) -> None:
    """Drop the edits between captures that a capture imported later replaced (as `import_captures` does)."""
    for key, seen in visits.items():
        if any(o["kind"] in CAPTURE_KINDS for o in seen):
            rows = [dataclasses.asdict(r) for r in catalog.observations(key)]
            catalog.forget_observations([o["id"] for o in stale_events(rows)])


def _recorded(observations: Iterable[dict[str, Any]], start: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each observation with when it was recorded: its time, but for the web archive's (a capture's time is
    years before the import that recorded it) the time of the observation before it, or `start`."""
    when = start
    for o in observations:
        if o.get("kind") not in CAPTURE_KINDS:
            when = str(o.get("at", ""))
        yield when, o


def _start_runs(catalog: Catalog, runs: list[log.LoggedRun]) -> None:
    for run in runs:
        catalog.start_run(
            run_id=run.id,
            command=run.command,
            sites=run.sites,
            started=run.started,
            finished=run.finished,
            status=run.status,
            counts=run.counts,
        )
        catalog.add_site_figures(run.id, run.site_figures)


def _index_captures(
    archive: Archive,
    captures: Iterable[CaptureRow],
    owners: dict[tuple[str, int], tuple[str, int | None]],
    report: ReindexReport,
    moves: dict[str, str],
) -> None:
    """Index the WARC records; one that does not name its document keeps what the old index said of it."""
    unnamed = 0
    for c in captures:
        key, version = c.key, c.version
        if key is None:
            key, version = owners.get((c.warc, c.offset), (None, None))
        if key is None:
            unnamed += 1
            continue
        key = moves.get(key, key)
        archive.catalog.add_capture(dataclasses.replace(c, key=key, version=version))
    if unnamed:
        logger.warning("%d WARC records name no document and were not indexed before: left out", unnamed)


def _index_document(
    archive: Archive, key: str, good: list[tuple[StoredVersion, Version]], visits: list[dict[str, Any]]
) -> None:
    for sv, version in good:
        r = version.release
        archive.catalog.add_version(archive.version_row(sv, r, r.sha256(), format_captured(version.captured)))
    state = replay(visits, {sv.number for sv, _ in good}, good[-1][0].number)
    release = next(v.release for sv, v in good if sv.number == state["current_version"])
    for sv, version in good:  # every version: --all-versions searches them all
        current = sv.number == state["current_version"]
        search.update(archive.catalog.db, key, version.release, sv.number, current=current)
    state["first_seen"] = state["first_seen"] or format_captured(good[0][1].captured)
    state["last_seen"] = state["last_seen"] or format_captured(good[-1][1].captured)
    state["last_visit"] = state["last_visit"] or state["last_seen"]
    archive.catalog.upsert_document(document_row(release, latest_version=good[-1][0].number, **state))
