"""Raw HTTP captures as WARC files under <archive>/raw/<site>/, for provenance and re-extraction.

A response that produced a version is kept whole (request and response records); one that only
confirmed the current version is a revisit record pointing at the capture that holds that version. Beside
the releases, a run keeps the evidence of what it read: each origin's robots.txt, the list pages, and the
404/410 responses behind `missing` and `withdrawn` (request and response records, with their real status,
marked `Pressroom-Evidence`: the readers of captures skip them). One file per site and run; every record is
its own gzip member, so a file cut short by a crash still reads up to its last whole record.

A file is opened only for news: a version's response or a page found gone. Until then a site's records of
the run (revisits, robots.txt, list pages) wait in memory, and are written first when news comes; a run that
brought nothing new (or a site that did) leaves no file at all, rather than one more file of the same.

The writer is fed a `Response`, a plain value the pipeline makes from what its network layer fetched: the
archive knows nothing of HTTP clients. Records are built by archive/warcrecord.py; reading the files back is
archive/warcscan.py's.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO

from archive.rows import CaptureRow
from archive.warcrecord import (
    ATTACHMENT_FIELD,
    DOCUMENT_FIELD,
    EVIDENCE_FIELD,
    MEMENTO_FIELD,
    VERSION_FIELD,
    BuiltResponse,
    Response,
    build_pair,
    build_response,
    build_revisit,
    build_warcinfo,
    memento_fields,
    warc_date,
)

logger = logging.getLogger(__name__)

# WARC 1.1 allows other revisit profiles: ours says the page differed only in parts we do not keep.
SAME_CONTENT_PROFILE = "https://pressroom.invalid/warc/revisit/identical-extracted-content"
NOT_MODIFIED_PROFILE = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
# Records waiting for news are held up to this many (gzipped) bytes per run; beyond, the files are opened
# anyway: a run that read this much (a backfill's list pages) is not one that brought nothing.
SPOOL_LIMIT = 16 << 20

__all__ = [
    "ATTACHMENT_FIELD",
    "DOCUMENT_FIELD",
    "EVIDENCE_FIELD",
    "MEMENTO_FIELD",
    "VERSION_FIELD",
    "BuiltResponse",
    "Memento",
    "RawRef",
    "RawWriter",
    "Response",
    "build_response",
]


@dataclass(frozen=True)
class RawRef:
    """Where one record was written."""

    path: str  # relative to the archive root
    offset: int
    length: int
    record_id: str
    date: str


Written = Callable[[RawRef], None]  # told where a record went, once it is written


@dataclass(frozen=True)
class Memento:
    """What a response fetched from a web archive is: a capture of `original` taken at `at` (its
    Memento-Datetime), so that no reader takes it for the live page."""

    original: str
    at: datetime


@dataclass
class _Held:
    """Records waiting for a site's file to be opened, and whom to tell where each went."""

    members: list[bytes] = field(default_factory=list)
    told: list[tuple[int, int, str, str, Written | None]] = field(default_factory=list)  # index, length, id, date


class RawWriter:
    """Appends WARC records for one run; a site's file is opened when its first news comes.

    A response record can be built ahead in a background thread (`prepare`): its digests and gzip run
    without the GIL, so they overlap with the archive's fsyncs for the same page.
    """

    def __init__(self, root: Path, run_id: int, started: datetime) -> None:
        self.root = root
        self.stem = f"{started:%Y%m%dT%H%M%S}-run{run_id}"
        self._files: dict[str, IO[bytes]] = {}
        self._held: dict[str, _Held] = {}
        self._held_bytes = 0
        self._builder = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pressroom-warc")

    def prepare(self, fetched: Response, key: str, version: int = 1) -> Future[BuiltResponse]:
        """Start building the records `response` would write for this response (of a new document: version 1)."""
        return self._builder.submit(build_response, fetched, key, version)

    def response(
        self, site: str, fetched: Response, key: str, version: int, built: Future[BuiltResponse] | None = None
    ) -> RawRef:
        """Write the request and the whole response of a version (news); return where the response record is."""
        records = built.result() if built is not None else None
        if records is None or (records.key, records.version) != (key, version):
            records = build_response(fetched, key, version)
        refs: list[RawRef] = []
        self._write(site, [records.request, records.response], records.record_id, records.date, refs.append, news=True)
        return refs[0]

    def attachment(self, site: str, fetched: Response, key: str, version: int) -> RawRef:
        """Write the request and the whole response of a file that version `version` of `key` lists (news)."""
        sha256 = hashlib.sha256(fetched.body).hexdigest()
        fields = {DOCUMENT_FIELD: key, VERSION_FIELD: str(version), ATTACHMENT_FIELD: sha256}
        request, response, record_id = build_pair(fetched, fields)
        refs: list[RawRef] = []
        self._write(site, [request, response], record_id, warc_date(fetched.fetched_at), refs.append, news=True)
        return refs[0]

    def revisit(
        self,
        site: str,
        fetched: Response,
        refers_to: CaptureRow | None,
        key: str,
        version: int | None,
        written: Written | None = None,
    ) -> None:
        """Write a revisit record (a 304, or a 200 whose extracted content equals the current version) once the
        site's file is open; `written` is told where it went."""
        profile = NOT_MODIFIED_PROFILE if fetched.status == 304 else SAME_CONTENT_PROFILE
        fields = {"WARC-Profile": profile, DOCUMENT_FIELD: key}
        if version is not None:
            fields[VERSION_FIELD] = str(version)
        if refers_to is not None:
            fields["WARC-Refers-To"] = refers_to.record_id
            fields["WARC-Refers-To-Date"] = refers_to.at
        member, record_id = build_revisit(fetched, fields)
        self._write(site, [member], record_id, warc_date(fetched.fetched_at), written, news=False)

    def memento(
        self, site: str, fetched: Response, key: str, version: int, memento: Memento, written: Written, *, news: bool
    ) -> None:
        """Write the request and the whole response of a web archive's capture that showed version `version`
        of `key`, marked as a capture of `memento.original` at `memento.at`; `news` opens the site's file if
        need be (else the records wait for news, as revisits do). `written` is told where the response went."""
        fields = {DOCUMENT_FIELD: key, VERSION_FIELD: str(version), **memento_fields(memento.original, memento.at)}
        request, response, record_id = build_pair(fetched, fields)
        self._write(site, [request, response], record_id, warc_date(fetched.fetched_at), written, news=news)

    def evidence(
        self,
        site: str,
        fetched: Response,
        what: str,
        *,
        key: str | None = None,
        news: bool,
        memento: Memento | None = None,
    ) -> None:
        """Keep a response the run read that is no release (`what`: robots.txt, list page, missing, a capture
        that is not the release ...), with the document it concerns if any (and, read from a web archive, what
        it is a capture of); `news` opens the site's file (a page found gone) if need be."""
        fields = {EVIDENCE_FIELD: what}
        if key is not None:
            fields[DOCUMENT_FIELD] = key
        if memento is not None:
            fields.update(memento_fields(memento.original, memento.at))
        request, response, record_id = build_pair(fetched, fields)
        self._write(site, [request, response], record_id, warc_date(fetched.fetched_at), None, news=news)

    def _write(
        self, site: str, members: list[bytes], record_id: str, date: str, written: Written | None, *, news: bool
    ) -> None:
        """Append a record (the last of `members`; a request may come before it) or hold it until news."""
        size = sum(map(len, members))
        if site not in self._files and not news and self._held_bytes + size <= SPOOL_LIMIT:
            held = self._held.setdefault(site, _Held())
            held.told.append((len(held.members) + len(members) - 1, len(members[-1]), record_id, date, written))
            held.members.extend(members)
            self._held_bytes += size
            return
        handle, rel = self._file(site)
        start = _append(handle, members) + size - len(members[-1])
        if written is not None:
            written(RawRef(rel, start, len(members[-1]), record_id, date))

    def _file(self, site: str) -> tuple[IO[bytes], str]:
        """The site's file, opened (and the records held for it written first) on first use."""
        rel = f"raw/{site}/{self.stem}.warc.gz"
        if site not in self._files:
            path = self.root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            # Unbuffered: every record is one write, so a failed one can be cut off again (see _append).
            handle: IO[bytes] = path.open("ab", buffering=0)
            try:
                if handle.seek(0, os.SEEK_END) == 0:
                    _append(handle, [build_warcinfo(path.name)])
            except OSError:
                handle.close()
                raise
            self._files[site] = handle
            self._release(site, handle, rel)
        return self._files[site], rel

    def _release(self, site: str, handle: IO[bytes], rel: str) -> None:
        """Write the records held for `site`, in the order they came, and tell where each went."""
        held = self._held.pop(site, None)
        if held is None:
            return
        self._held_bytes -= sum(map(len, held.members))
        starts = []
        for member in held.members:
            starts.append(_append(handle, [member]))
        for index, length, record_id, date, written in held.told:
            if written is not None:
                written(RawRef(rel, starts[index], length, record_id, date))

    def close(self) -> None:
        """Fsync and close every file (records still held, with no news, are dropped); raise the first OSError
        once all are closed."""
        self._builder.shutdown(wait=True)
        if self._held:
            dropped = sum(len(held.told) for held in self._held.values())
            logger.debug("nothing new: %d raw records not kept (%s)", dropped, ", ".join(sorted(self._held)))
            self._held.clear()
            self._held_bytes = 0
        failure: OSError | None = None
        for handle in self._files.values():
            try:
                os.fsync(handle.fileno())
            except OSError as exc:
                failure = failure or exc
            finally:
                handle.close()
        self._files.clear()
        if failure is not None:
            raise failure


def _append(handle: IO[bytes], members: list[bytes]) -> int:
    """Append whole records at the end of a WARC file and return where they start. If a write fails (a
    full disk), cut the file back to that point: it then still reads to its last whole record."""
    start = handle.seek(0, os.SEEK_END)
    try:
        for member in members:
            view = memoryview(member)
            while view:
                written = handle.write(view)
                view = view[written or 0 :]
    except OSError:
        with contextlib.suppress(OSError):
            os.ftruncate(handle.fileno(), start)
        raise
    return start
