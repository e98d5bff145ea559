"""The WARC files read back: one response record whole (for re-extraction), and for `reindex` where each
record is and what it names, without reading bodies.

pressroom writes every record as its own gzip member (archive/raw.py). Walking the members with zlib gives
each record's offset and length, and its WARC header block is the start of the member's text; a general WARC
reader parses every HTTP header and body too, which made the scan several times slower.
"""

from __future__ import annotations

import logging
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from warcio.archiveiterator import ArchiveIterator

from archive.rows import CaptureRow
from archive.warcrecord import ATTACHMENT_FIELD, DOCUMENT_FIELD, EVIDENCE_FIELD, MEMENTO_FIELD, VERSION_FIELD

logger = logging.getLogger(__name__)

CHUNK = 1 << 16
HEAD = 1 << 14  # a WARC header block is far smaller than this
KINDS = ("response", "revisit")


@dataclass(frozen=True)
class StoredResponse:
    """A response read back from a WARC file."""

    url: str
    date: str
    content_type: str
    body: bytes


def read_response(root: Path, ref_path: str, offset: int) -> StoredResponse:
    """The response record at `offset` of a WARC file under the archive root."""
    with (root / ref_path).open("rb") as handle:
        handle.seek(offset)
        for record in ArchiveIterator(handle):
            if record.rec_type != "response":
                raise ValueError(f"{ref_path}@{offset}: a {record.rec_type} record, not a response")
            what = record.rec_headers.get_header(EVIDENCE_FIELD)
            if what:
                raise ValueError(f"{ref_path}@{offset}: the response of a {what}, not of a release")
            http: Any = record.http_headers
            return StoredResponse(
                url=record.rec_headers.get_header("WARC-Target-URI"),
                date=record.rec_headers.get_header("WARC-Date"),
                content_type=http.get_header("Content-Type") or "",
                body=record.raw_stream.read(),
            )
    raise ValueError(f"{ref_path}@{offset}: no record there")


def scan_captures(root: Path) -> Iterator[CaptureRow]:
    """Every response and revisit record of a release under <root>/raw/, run by run, in the order written.

    A file cut short by a kill ends at its last whole record.
    """
    for path in sorted((root / "raw").glob("*/*.warc.gz"), key=_run_order):
        rel = path.relative_to(root).as_posix()
        with path.open("rb") as handle:
            try:
                for offset, length, head in members(handle):
                    fields = header_fields(head)
                    if fields.get("warc-type") not in KINDS or EVIDENCE_FIELD.lower() in fields:
                        continue  # a request, or what the run read beside the releases (robots.txt, a 404)
                    version = fields.get(VERSION_FIELD.lower(), "")
                    yield CaptureRow(
                        key=fields.get(DOCUMENT_FIELD.lower()),
                        url=fields.get("warc-target-uri", "").strip("<>"),
                        kind=_kind(fields),
                        version=int(version) if version.isdigit() else None,
                        warc=rel,
                        offset=offset,
                        length=length,
                        record_id=fields.get("warc-record-id", ""),
                        at=fields.get("warc-date", ""),
                    )
            except (EOFError, OSError, ValueError, zlib.error) as exc:
                logger.warning("%s: read up to a broken or cut record (%s)", rel, exc)


def _kind(fields: dict[str, str]) -> str:
    """How a record is indexed: an attachment's response and a web archive's capture apart, since neither is
    the page a re-extraction reads; else its WARC type (response, revisit)."""
    if ATTACHMENT_FIELD.lower() in fields:
        return "attachment"
    if MEMENTO_FIELD.lower() in fields:
        return "memento"
    return fields["warc-type"]


def members(handle: BinaryIO) -> Iterator[tuple[int, int, bytes]]:
    """(offset, compressed length, first bytes of the text) of each gzip member, in order."""
    offset, rest = 0, b""
    while True:
        inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
        head, length = b"", 0
        while not inflater.eof:
            chunk, rest = rest or handle.read(CHUNK), b""
            if not chunk:
                if length:
                    raise EOFError(f"the record at offset {offset} is cut short")
                return
            text = inflater.decompress(chunk)
            if len(head) < HEAD:
                head += text[: HEAD - len(head)]
            length += len(chunk) - len(inflater.unused_data)
        rest = inflater.unused_data
        yield offset, length, head
        offset += length


def header_fields(head: bytes) -> dict[str, str]:
    """The WARC header block at the start of a record, field names lower-cased."""
    block = head.split(b"\r\n\r\n", 1)[0].decode("utf-8", "replace").split("\r\n")
    if not block[0].startswith("WARC/"):
        raise ValueError(f"not a WARC record: {block[0][:40]!r}")
    fields = {}
    for line in block[1:]:
        name, sep, value = line.partition(":")
        if sep:
            fields[name.strip().lower()] = value.strip()
    return fields


def _run_order(path: Path) -> tuple[int, str]:
    match = re.search(r"-run([0-9]+)\.warc\.gz$", path.name)
    return (int(match[1]) if match else 0, path.as_posix())
