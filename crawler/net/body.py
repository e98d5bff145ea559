"""Response bodies: decompressed by hand, so the size cap holds on what comes out (a gzip bomb is one chunk).

A Content-Encoding can be wrong. The Wayback Machine has served captures declared gzip whose bodies it had
stored inflated, and the original server's gzip with no Content-Encoding at all (or inside its own gzip);
servers send "deflate" without its zlib header. So a body that is not what its header says is read as what
it is: deflate without its header, or the bytes as they came when they are no gzip at all. A body that is
gzip and corrupt is an error, never text. A gzip body undeclared is the caller's to unwrap (`undeclared_gzip`):
only it knows whether a page is expected, not a file that is a .gz.
"""

from __future__ import annotations

import logging
import zlib
from typing import Any

from crawler.errors import FetchError

logger = logging.getLogger(__name__)

GZIP_MAGIC = b"\x1f\x8b"


class CappedBody:
    """A body fed chunk by chunk as it arrives, decoded per its Content-Encoding, at most `limit` bytes."""

    def __init__(self, content_encoding: str, limit: int, url: str) -> None:
        self.limit = limit
        self.url = url
        self.encoding = content_encoding.strip().lower()
        # The decoders to try, in order: the one declared first; `None` is the bytes as they came.
        self._candidates = _decoders(self.encoding, url)
        # What came, until a decoder gave something: if it gives nothing but an error, it was the wrong one.
        self._raw: bytearray | None = bytearray()
        self._out = bytearray()

    def feed(self, chunk: bytes) -> None:
        """Add one raw chunk; a FetchError as soon as the decoded body passes the limit."""
        if self._candidates[0] is None:
            self._add(chunk)
            return
        if self._raw is not None:
            self._raw += chunk
            if len(self._raw) > self.limit:  # compressed or not, more than the cap came
                raise FetchError(self.url, f"response larger than {self.limit} bytes")
        try:
            self._decode(chunk)
        except zlib.error as exc:
            self._next_decoder(exc)

    def finish(self) -> bytes:
        """The whole decoded body."""
        while (decoder := self._candidates[0]) is not None:
            try:
                self._add(decoder.flush())
                if not decoder.eof:
                    raise zlib.error("the compressed data ends early")
                break
            except zlib.error as exc:
                self._next_decoder(exc)
        return bytes(self._out)

    def _decode(self, data: bytes) -> None:
        decoder = self._candidates[0]
        while data:
            piece = decoder.decompress(data, self.limit + 1 - len(self._out))
            data = decoder.unconsumed_tail
            self._add(piece)
        if self._out:
            self._raw = None  # the decoder is the right one: a failure from now on is a corrupt body

    def _next_decoder(self, failure: zlib.error) -> None:
        """The decoder failed: the body is corrupt if it gave something or the body looks like what it was
        declared; else decode what came with the next decoder, down to the bytes as they came."""
        raw = self._raw
        if raw is None or _looks_like(self.encoding, bytes(raw[:2])):
            raise FetchError(self.url, f"the {self.encoding} body cannot be decompressed ({failure})")
        logger.debug("%s: the body is not %s as its Content-Encoding says (%s)", self.url, self.encoding, failure)
        while True:
            self._candidates.pop(0)
            self._out = bytearray()
            decoder = self._candidates[0]
            if decoder is None:
                self._add(bytes(raw))
                return
            try:
                self._decode(bytes(raw))
                return
            except zlib.error:
                continue

    def _add(self, piece: bytes) -> None:
        self._out += piece
        if len(self._out) > self.limit:
            raise FetchError(self.url, f"response larger than {self.limit} bytes")


def undeclared_gzip(body: bytes, limit: int, url: str) -> bytes:
    """`body` unwrapped if it is gzip all the same (a page whose gzip the header did not declare, or that was
    gzipped twice), else as it is. Only for what is expected to be a page: a file may be a .gz."""
    if not body.startswith(GZIP_MAGIC):
        return body
    unwrapped = CappedBody("gzip", limit, url)
    try:
        unwrapped.feed(body)
        return unwrapped.finish()
    except FetchError as exc:
        logger.debug("%s: gzip magic, but no gzip (%s): kept as it came", url, exc.reason)
        return body


def _decoders(encoding: str, url: str) -> list[Any]:
    if encoding in ("identity", ""):
        return [None]
    if encoding in ("gzip", "x-gzip"):
        return [zlib.decompressobj(16 + zlib.MAX_WBITS), None]
    if encoding == "deflate":
        return [zlib.decompressobj(), zlib.decompressobj(-zlib.MAX_WBITS), None]
    raise FetchError(url, f"unsupported Content-Encoding {encoding!r}")


def _looks_like(encoding: str, start: bytes) -> bool:
    """Whether a body starting with `start` is in `encoding` (gzip's magic; zlib's header for deflate)."""
    if encoding in ("gzip", "x-gzip"):
        return start == GZIP_MAGIC
    return len(start) == 2 and start[0] & 0x0F == 8 and (start[0] * 256 + start[1]) % 31 == 0
