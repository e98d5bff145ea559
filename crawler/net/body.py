"""Response bodies: decompressed by hand, so the size cap holds on what comes out (a gzip bomb is one chunk)."""

from __future__ import annotations

import zlib
from typing import Any

from crawler.errors import FetchError


class CappedBody:
    """A body fed chunk by chunk as it arrives, decoded per its Content-Encoding, at most `limit` bytes."""

    def __init__(self, content_encoding: str, limit: int, url: str) -> None:
        self.limit = limit
        self.url = url
        self._decoder = _decoder(content_encoding.strip().lower(), url)
        self._out = bytearray()

    def feed(self, chunk: bytes) -> None:
        """Add one raw chunk; a FetchError as soon as the decoded body passes the limit."""
        data = chunk
        while data:
            if self._decoder is None:
                piece, data = data, b""
            else:
                piece = self._decoder.decompress(data, self.limit + 1 - len(self._out))
                data = self._decoder.unconsumed_tail
            self._add(piece)

    def finish(self) -> bytes:
        """The whole decoded body."""
        if self._decoder is not None:
            self._add(self._decoder.flush())
        return bytes(self._out)

    def _add(self, piece: bytes) -> None:
        self._out += piece
        if len(self._out) > self.limit:
            raise FetchError(self.url, f"response larger than {self.limit} bytes")


def _decoder(encoding: str, url: str) -> Any:
    if encoding in ("identity", ""):
        return None
    if encoding in ("gzip", "x-gzip"):
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if encoding == "deflate":
        return zlib.decompressobj()
    raise FetchError(url, f"unsupported Content-Encoding {encoding!r}")
