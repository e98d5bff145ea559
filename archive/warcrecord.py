"""WARC records built from a `Response`, each serialized and gzipped as its own member (archive/raw.py writes them).

Bodies are stored as the parser saw them, after content decoding: the Content-Encoding, Transfer-Encoding and
Content-Length headers are renamed so a WARC reader neither decodes the body twice nor trusts a length it no
longer has. pressroom's own WARC extension fields name the document and version a record belongs to
(`Pressroom-Document`, `Pressroom-Version`; a file a version lists adds `Pressroom-Attachment`), or, for a
response kept as evidence of what the run read rather than as a release (a robots.txt, a list page, the 404
behind a missing page), what it is (`Pressroom-Evidence`). A response fetched from a web archive (a memento)
names the page it is a capture of and the capture's time (`Pressroom-Memento-Of`, `Pressroom-Memento-Datetime`).
"""

from __future__ import annotations

import importlib.metadata
import io
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

DOCUMENT_FIELD = "Pressroom-Document"
VERSION_FIELD = "Pressroom-Version"
EVIDENCE_FIELD = "Pressroom-Evidence"
ATTACHMENT_FIELD = "Pressroom-Attachment"  # on the response of a file a version lists: the file's SHA-256
# On a response fetched from a web archive (a memento): the URL it is a capture of, and when it was captured.
# Its WARC-Target-URI is the capture URL actually fetched; readers never take it for the live page.
MEMENTO_FIELD = "Pressroom-Memento-Of"
MEMENTO_DATETIME_FIELD = "Pressroom-Memento-Datetime"
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
_REASONS = {200: "OK", 304: "Not Modified", 404: "Not Found", 410: "Gone"}

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
class BuiltResponse:
    """A request and response record pair, serialized and gzipped, not yet written."""

    request: bytes
    response: bytes
    record_id: str
    date: str
    key: str
    version: int


def build_response(fetched: Response, key: str, version: int) -> BuiltResponse:
    """The request and response records of a release's response (safe in any thread)."""
    request, response, record_id = build_pair(fetched, {DOCUMENT_FIELD: key, VERSION_FIELD: str(version)})
    return BuiltResponse(request, response, record_id, warc_date(fetched.fetched_at), key, version)


def memento_fields(original: str, captured_at: datetime) -> dict[str, str]:
    """The fields that mark a response as a web archive's capture of `original` taken at `captured_at`."""
    return {MEMENTO_FIELD: original, MEMENTO_DATETIME_FIELD: warc_date(captured_at.astimezone(UTC))}


def build_pair(fetched: Response, fields: dict[str, str]) -> tuple[bytes, bytes, str]:
    """(request member, response member, the response's record id), the response carrying `fields`."""
    writer = _writer()
    request = writer.create_warc_record(fetched.url, "request", http_headers=_request_headers(fetched))
    response = writer.create_warc_record(
        fetched.url,
        "response",
        payload=io.BytesIO(fetched.body),
        length=len(fetched.body),  # known: warcio then reads the body in place instead of copying it to a temp file
        http_headers=_response_headers(fetched),
        warc_headers_dict={"WARC-Date": warc_date(fetched.fetched_at), **fields},
    )
    response.rec_headers.add_header("WARC-Concurrent-To", request.rec_headers.get_header("WARC-Record-ID"))
    return _member(writer, request), _member(writer, response), response.rec_headers.get_header("WARC-Record-ID")


def build_revisit(fetched: Response, fields: dict[str, str]) -> tuple[bytes, str]:
    """(the revisit record's member, its record id); `fields` hold its profile and what it refers to."""
    writer = _writer()
    headers = {"WARC-Date": warc_date(fetched.fetched_at), **fields}
    record = writer.create_warc_record(
        fetched.url, "revisit", http_headers=_response_headers(fetched), warc_headers_dict=headers
    )
    return _member(writer, record), record.rec_headers.get_header("WARC-Record-ID")


def build_warcinfo(filename: str) -> bytes:
    """The warcinfo record that opens a file."""
    writer = _writer()
    info = writer.create_warcinfo_record(
        filename, {"software": f"pressroom/{SOFTWARE_VERSION}", "format": "WARC File Format 1.1"}
    )
    return _member(writer, info)


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


def warc_date(when: datetime) -> str:
    """A WARC-Date: UTC, to the second."""
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def _response_headers(fetched: Response) -> StatusAndHeaders:
    headers = [(_RENAMED.get(k.lower(), k), v) for k, v in fetched.headers]
    return StatusAndHeaders(f"{fetched.status} {_REASONS.get(fetched.status, '')}", headers, protocol="HTTP/1.1")


def _request_headers(fetched: Response) -> StatusAndHeaders:
    target = fetched.url.split("://", 1)[-1]
    path = "/" + target.split("/", 1)[1] if "/" in target else "/"
    return StatusAndHeaders(f"GET {path} HTTP/1.1", list(fetched.request_headers), is_http_request=True)
