"""A capture served with a wrong Content-Encoding (WAYBACK.md: the archive has sent gzip for a body it had
stored inflated, and a gzipped body with none) is read as what it is, on real sockets; a body that is gzip
and corrupt is an error, never taken for text."""

from __future__ import annotations

import asyncio
import gzip
import zlib
from dataclasses import replace

import pytest

from crawler.config import Config
from crawler.errors import FetchError
from crawler.net.body import CappedBody
from crawler.net.fetcher import Fetcher, Page
from crawler.net.process import FetchProcess
from crawler.pipeline.policy import wayback_policies
from tests.simserver import Reply, Request, SimServer

HTML = "<html><body><h1>Заявление МИД</h1><p>the release</p></body></html>" + " " * 300
MEMENTO = {"Content-Type": "text/html; charset=utf-8", "Memento-Datetime": "Tue, 12 Mar 2019 09:45:12 GMT"}
URL = "https://www.example.org/news/1"


def capture(body: bytes, headers: dict[str, str], *, in_child: bool = False) -> Page:
    def app(request: Request) -> Reply:
        if request.path == "/robots.txt":
            return Reply(404, "")
        return Reply(200, body, headers)

    with SimServer(app) as server:
        config = replace(
            Config(sites={}, contact="tests@example.invalid", attempts=1, deadline=5),
            wayback_url=server.base_url,
            wayback_captures_per_second=1000,
        )

        async def go() -> Page:
            url = f"{server.base_url}/web/20190312094512id_/https://www.mid.ru/x"
            async with FetchProcess(config) if in_child else Fetcher(config) as fetcher:
                return await fetcher.get(url, wayback_policies(config).captures)

        return asyncio.run(go())


@pytest.mark.parametrize("in_child", [False, True])
def test_gzip_declared_for_a_body_that_is_not(in_child: bool) -> None:
    page = capture(HTML.encode("utf-8"), {**MEMENTO, "Content-Encoding": "gzip"}, in_child=in_child)
    assert page.text == HTML and page.content == HTML.encode("utf-8")


def test_a_gzipped_body_declared_as_none_or_once() -> None:
    """The original server's gzip kept by the archive: served with no Content-Encoding, or inside its own."""
    data = HTML.encode("utf-8")
    page = capture(gzip.compress(data), MEMENTO)
    assert (page.text, page.content) == (HTML, data)
    page = capture(gzip.compress(gzip.compress(data)), {**MEMENTO, "Content-Encoding": "gzip"})
    assert (page.text, page.content) == (HTML, data)


def test_deflate_without_its_zlib_header() -> None:
    raw = zlib.compressobj(wbits=-15)
    data = raw.compress(HTML.encode("utf-8")) + raw.flush()
    assert capture(data, {**MEMENTO, "Content-Encoding": "deflate"}).text == HTML


def test_a_corrupt_gzip_body_is_an_error_not_text() -> None:
    data = bytearray(gzip.compress(HTML.encode("utf-8") * 20))
    data[40:60] = b"\xff" * 20
    body = CappedBody("gzip", 100_000, URL)
    with pytest.raises(FetchError, match="cannot be decompressed"):
        body.feed(bytes(data))
        body.finish()


def test_the_cap_holds_when_the_declared_encoding_was_wrong() -> None:
    body = CappedBody("gzip", 100, URL)
    with pytest.raises(FetchError, match="larger than 100 bytes"):
        for _ in range(3):
            body.feed(b"<p>" + b"x" * 60)
