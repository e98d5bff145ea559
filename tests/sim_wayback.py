"""The Wayback Machine's CDX index, answering for the URLs it was given, paged with a resume key."""

from __future__ import annotations

import json

from tests.simserver import Reply, Request


class WaybackSim:
    """CDX answers over a fixed list of captured URLs (with some noise: list pages, other hosts)."""

    def __init__(self, captured: list[str]) -> None:
        self.captured = captured
        self.requests: list[Request] = []

    def __call__(self, request: Request) -> Reply:
        if request.path == "/robots.txt":
            return Reply(404, "")
        if request.path != "/cdx/search/cdx":
            return Reply(404, "")
        self.requests.append(request)
        prefix = request.query["url"]
        limit = int(request.query.get("limit", "1000"))
        start = int(request.query.get("resumeKey", "0") or 0)
        matching = [u for u in self.captured if u.split("://", 1)[-1].removeprefix("www.").startswith(prefix)]
        page = matching[start : start + limit]
        rows: list[list[str]] = [["original", "timestamp", "statuscode"]]
        rows += [[u, "20230803120000", "200"] for u in page]
        if start + limit < len(matching):
            rows += [[], [str(start + limit)]]
        return Reply(200, json.dumps(rows), {"Content-Type": "application/json"})
