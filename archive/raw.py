"""Raw HTTP captures as WARC files under <archive>/raw/<site>/, for provenance and re-extraction.

A response that produced a version is kept whole (request and response records); one that only
confirmed the current version is a revisit record pointing at the capture that holds that version. The
body is stored as the parser saw it, after content decoding: the Content-Encoding and Transfer-Encoding
headers are renamed so a WARC reader does not decode it twice. One file per site and run; every record
is its own gzip member, so a file cut short by a crash still reads up to its last whole record.

Each response and revisit record names the document and version it belongs to (`Pressroom-Document`,
`Pressroom-Version`, WARC extension fields), so `reindex` rebuilds the index of captures from the files alone.

The writer is fed a `Response`, a plain value the pipeline makes from what its network layer fetched: the
archive knows nothing of HTTP clients. Reading the files back is archive/warcscan.py's.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import io
import logging
import os
import zlib
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive.rows import CaptureRow

logger = logging.getLogger(__name__)

# WARC 1.1 allows other revisit profiles: ours says the page differed only in parts we do not keep.
SAME_CONTENT_PROFILE = "https://pressroom.invalid/warc/revisit/identical-extracted-content"
NOT_MODIFIED_PROFILE = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
DOCUMENT_FIELD = "Pressroom-Document"
VERSION_FIELD = "Pressroom-Version"
GZIP_LEVEL = 1
# The warcinfo record names the software; the archive package is part of the pressroom distribution.
try:
    SOFTWARE_VERSION = importlib.metadata.version("pressroom")
except importlib.metadata.PackageNotFoundError:  # a checkout used without installing it
    SOFTWARE_VERSION = "unknown"
_RENAMED = {
    "content-encoding": "X-Pressroom-Original-Content-Encoding",
    "transfer-encoding": "X-Pressroom-Original-Transfer-Encoding",
    "content-length": "X-Pressroom-Original-Content-Length",
}


Headers = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Response:
    """One HTTP exchange as the archive keeps it: what was fetched, when, and with which request headers."""

    url: str  # the final URL, after redirects
    status: int
    headers: Headers  # as received, in order, repeated names repeated
    body: bytes  # after content decoding: what the parser saw
    fetched_at: datetime
    request_headers: Headers = field(default=())


@dataclass(frozen=True)
class RawRef:
    """Where one record was written."""

    path: str  # relative to the archive root
    offset: int
    length: int
    record_id: str
    date: str


@dataclass(frozen=True)
class BuiltResponse:
    """A request and response record pair, serialized and gzipped, not yet written."""

    request: bytes
    response: bytes
    record_id: str
    date: str
    key: str
    version: int


class RawWriter:
    """Appends WARC records for one run; files are opened on first use.

    A response record can be built ahead in a background thread (`prepare`): its digests and gzip run
    without the GIL, so they overlap with the archive's fsyncs for the same page.
    """

    def __init__(self, root: Path, run_id: int, started: datetime) -> None:
        self.root = root
        self.stem = f"{started:%Y%m%dT%H%M%S}-run{run_id}"
        self._files: dict[str, IO[bytes]] = {}
        self._builder = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pressroom-warc")

    def _file(self, site: str) -> tuple[IO[bytes], str]:
        rel = f"raw/{site}/{self.stem}.warc.gz"
        if site not in self._files:
            path = self.root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            # Unbuffered: every record is one write, so a failed one can be cut off again (see _append).
            handle: IO[bytes] = path.open("ab", buffering=0)
            try:
                if handle.seek(0, os.SEEK_END) == 0:
                    writer = _writer()
                    info = writer.create_warcinfo_record(
                        path.name, {"software": f"pressroom/{SOFTWARE_VERSION}", "format": "WARC File Format 1.1"}
                    )
                    _append(handle, [_member(writer, info)])
            except OSError:
                handle.close()
                raise
            self._files[site] = handle
        return self._files[site], rel

    def prepare(self, fetched: Response, key: str, version: int = 1) -> Future[BuiltResponse]:
        """Start building the records `response` would write for this response (of a new document: version 1)."""
        return self._builder.submit(build_response, fetched, key, version)

    def response(
        self, site: str, fetched: Response, key: str, version: int, built: Future[BuiltResponse] | None = None
    ) -> RawRef:
        """Write the request and the whole response; return where the response record is."""
        records = built.result() if built is not None else None
        if records is None or (records.key, records.version) != (key, version):
            records = build_response(fetched, key, version)
        handle, rel = self._file(site)
        start = _append(handle, [records.request, records.response]) + len(records.request)
        return RawRef(rel, start, len(records.response), records.record_id, records.date)

    def revisit(
        self, site: str, fetched: Response, refers_to: CaptureRow | None, key: str, version: int | None
    ) -> RawRef:
        """Write a revisit record: a 304, or a 200 whose extracted content equals the current version."""
        handle, rel = self._file(site)
        profile = NOT_MODIFIED_PROFILE if fetched.status == 304 else SAME_CONTENT_PROFILE
        headers: dict[str, str] = {"WARC-Date": _warc_date(fetched.fetched_at), "WARC-Profile": profile}
        headers[DOCUMENT_FIELD] = key
        if version is not None:
            headers[VERSION_FIELD] = str(version)
        if refers_to is not None:
            headers["WARC-Refers-To"] = refers_to.record_id
            headers["WARC-Refers-To-Date"] = refers_to.at
        writer = _writer()
        record = writer.create_warc_record(
            fetched.url, "revisit", http_headers=_response_headers(fetched), warc_headers_dict=headers
        )
        member = _member(writer, record)
        start = _append(handle, [member])
        return RawRef(rel, start, len(member), record.rec_headers.get_header("WARC-Record-ID"), headers["WARC-Date"])

    def close(self) -> None:
        """Fsync and close every file; raise the first OSError once all are closed."""
        self._builder.shutdown(wait=True)
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


def build_response(fetched: Response, key: str, version: int) -> BuiltResponse:
    """The request and response records of a response, each its own gzip member (safe in any thread)."""
    writer = _writer()
    request = writer.create_warc_record(fetched.url, "request", http_headers=_request_headers(fetched))
    response = writer.create_warc_record(
        fetched.url,
        "response",
        payload=io.BytesIO(fetched.body),
        length=len(fetched.body),  # known: warcio then reads the body in place instead of copying it to a temp file
        http_headers=_response_headers(fetched),
        warc_headers_dict={
            "WARC-Date": _warc_date(fetched.fetched_at),
            DOCUMENT_FIELD: key,
            VERSION_FIELD: str(version),
        },
    )
    response.rec_headers.add_header("WARC-Concurrent-To", request.rec_headers.get_header("WARC-Record-ID"))
    return BuiltResponse(
        _member(writer, request),
        _member(writer, response),
        response.rec_headers.get_header("WARC-Record-ID"),
        _warc_date(fetched.fetched_at),
        key,
        version,
    )


def _writer() -> WARCWriter:
    # Records are serialized uncompressed and gzipped one member each by _member: warcio's own gzip runs at
    # level 9, several times the CPU for files a few per cent smaller.
    return WARCWriter(io.BytesIO(), gzip=False, warc_version="1.1")


def _member(writer: WARCWriter, record: Any) -> bytes:
    """One record as one gzip member."""
    buffer: io.BytesIO = writer.out
    buffer.seek(0)
    buffer.truncate()
    writer.write_record(record)
    with buffer.getbuffer() as view:  # released before the next record truncates the buffer
        return zlib.compress(view, GZIP_LEVEL, wbits=zlib.MAX_WBITS + 16)


def _warc_date(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def _response_headers(fetched: Response) -> StatusAndHeaders:
    headers = [(_RENAMED.get(k.lower(), k), v) for k, v in fetched.headers]
    return StatusAndHeaders(f"{fetched.status} {_reason(fetched.status)}", headers, protocol="HTTP/1.1")


def _request_headers(fetched: Response) -> StatusAndHeaders:
    target = fetched.url.split("://", 1)[-1]
    path = "/" + target.split("/", 1)[1] if "/" in target else "/"
    return StatusAndHeaders(f"GET {path} HTTP/1.1", list(fetched.request_headers), is_http_request=True)


def _reason(status: int) -> str:
    return {200: "OK", 304: "Not Modified"}.get(status, "")
