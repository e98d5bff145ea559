"""What the network layer fetched, as the archive keeps it: a `Page` turned into the archive's `Response`."""

from __future__ import annotations

from archive.raw import Response
from crawler.net.fetcher import Page


def to_response(page: Page) -> Response:
    """The archive's plain value of a fetched page: its final URL, status, headers and decoded body."""
    return Response(
        url=page.final_url,
        status=page.status,
        headers=tuple(page.headers.multi_items()),
        body=page.content,
        fetched_at=page.fetched_at,
        request_headers=tuple(page.request_headers.multi_items()),
    )
