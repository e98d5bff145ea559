"""The bench's own web-archive scenario: N mofa.go.kr releases captured K times each, every capture an edit.

Each release was captured K times, years apart, each capture showing a new wording of its last paragraph;
the live site (`MofaSim`) serves the newest wording, except for a share of releases the ministry has since
removed (the live site answers 404: the import recovers them, and its live check finds them withdrawn).
The simulator answers the CDX index (prefix and exact, JSON, paged with resume keys) and `id_` mementos, and
logs the time of every request by lane, so the bench can measure the rates kept from the server's side.
"""

from __future__ import annotations

import json
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

from tests.simserver import Reply, Request

BOARD = "m_5676"
PAGE_URL = "https://www.mofa.go.kr/eng/brd/m_5676/view.do?seq={seq}"


@dataclass(frozen=True)
class Plan:
    """What the scenario holds, and so what a correct import of it writes."""

    docs: int
    captures: int

    @property
    def withdrawn(self) -> int:
        """Releases gone from the live site: known only through the web archive."""
        return sum(1 for i in range(self.docs) if is_withdrawn(i))

    @property
    def live(self) -> int:
        return self.docs - self.withdrawn

    def expected_versions(self) -> int:
        """New versions an import writes into an archive holding the live site's releases already: every
        capture's text but the newest one, which the live crawl archived; all of a withdrawn release's."""
        return self.live * (self.captures - 1) + self.withdrawn * self.captures


def is_withdrawn(i: int) -> bool:
    """Every twentieth release (5 %) is gone from the live site."""
    return i % 20 == 19


def wording(i: int, k: int) -> str:
    """The last paragraph of release i as capture k shows it."""
    return f"2. They agreed to meet again (wording {k + 1} of release {i + 1})."


def releases(plan: Plan, k: int) -> list[Any]:
    """The releases as capture k shows them (k = plan.captures - 1: as the live site shows them now)."""
    from tests.sim_mofa import make_releases

    out = []
    for i, rel in enumerate(make_releases(plan.docs, years=5)):
        out.append(replace(rel, body=[*rel.body[:2], wording(i, k), rel.body[-1]]))
    return out


def capture_time(published: str, i: int, k: int) -> datetime:
    """Capture k of release i: the first a month after publication, the next ones about three months apart."""
    day = datetime.strptime(published[:10], "%Y-%m-%d").replace(tzinfo=UTC)
    return day + timedelta(days=30 + 97 * k, hours=9, minutes=(7 * i) % 600)


def live_app(plan: Plan) -> Any:
    """The live mofa.go.kr simulator: the newest wordings, the withdrawn releases removed."""
    from tests.sim_mofa import MofaSim

    sim = MofaSim(releases(plan, plan.captures - 1))
    for i, rel in enumerate(sim.releases.values()):
        if is_withdrawn(i):
            sim.remove(rel.seq)
    sim.prerender()
    return Logged(sim, lambda path: "live")


class WaybackBulk:
    """The CDX index and `id_` mementos of every capture of the plan."""

    def __init__(self, plan: Plan) -> None:
        from tests.sim_mofa import view_page

        self.rows: list[tuple[str, str, str]] = []  # (normalized url, timestamp, original), in CDX order
        self.bodies: dict[tuple[str, str], bytes] = {}
        for k in range(plan.captures):
            for i, rel in enumerate(releases(plan, k)):
                url, ts = PAGE_URL.format(seq=rel.seq), f"{capture_time(rel.date, i, k):%Y%m%d%H%M%S}"
                self.rows.append((normal(url), ts, url))
                self.bodies[(ts, url)] = view_page(rel, 100 + k).encode("utf-8")
        self.rows.sort()

    def __call__(self, request: Request) -> Reply:
        if request.path == "/cdx/search/cdx":
            return self._cdx(request.query)
        if request.path.startswith("/web/"):
            return self._memento(request.target.removeprefix("/web/"))
        return Reply(404, "not found")

    def _cdx(self, query: dict[str, str]) -> Reply:
        asked = query.get("url", "")
        prefix = query.get("matchType") == "prefix" or asked.endswith("*")
        key = normal(asked.rstrip("*"))
        since, until = query.get("from", ""), query.get("to", "") or "9"
        found = [
            r
            for r in self.rows
            if (r[0].startswith(key) if prefix else r[0] == key) and since <= r[1][: len(since)] and r[1] <= until
        ]
        start = int(query.get("resumeKey") or 0)
        limit = int(query.get("limit") or 150000)
        fields = (query.get("fl") or "urlkey,timestamp,original,mimetype,statuscode,digest,length").split(",")
        out: list[list[str]] = [fields]
        for norm, ts, original in found[start : start + limit]:
            values = {"urlkey": norm, "timestamp": ts, "original": original, "mimetype": "text/html"}
            digest = f"D{zlib.crc32(f'{ts} {original}'.encode()):08X}"
            values |= {"statuscode": "200", "digest": digest, "length": "4000"}
            out.append([values.get(f, "-") for f in fields])
        if query.get("showResumeKey") == "true" and start + limit < len(found):
            out += [[], [str(start + limit)]]
        return Reply(200, json.dumps(out), {"Content-Type": "application/json"})

    def _memento(self, rest: str) -> Reply:
        stamp, _, original = rest.partition("/")
        body = self.bodies.get((stamp.removesuffix("id_"), original))
        if body is None:
            return Reply(404, "<html><body>Hrm. The Wayback Machine has not archived that URL.</body></html>")
        at = datetime.strptime(stamp[:14], "%Y%m%d%H%M%S").replace(tzinfo=UTC)
        headers = {
            "Content-Type": "text/html; charset=utf-8",
            "Memento-Datetime": format_datetime(at, usegmt=True),
            "Link": f'<{original}>; rel="original"',
            "x-archive-orig-content-type": "text/html;charset=UTF-8",
        }
        return Reply(200, body, headers)


def normal(url: str) -> str:
    """The index's key for a URL, roughly: no scheme, no `www.`, host in lower case."""
    rest = url.split("://", 1)[-1]
    host, sep, path = rest.partition("/")
    return host.lower().removeprefix("www.") + sep + path


def wayback_app(plan: Plan) -> Any:
    """The web-archive simulator for the plan, logging its requests by lane."""

    def lane(path: str) -> str:
        return "cdx" if path.startswith("/cdx/") else "captures" if path.startswith("/web/") else "other"

    return Logged(WaybackBulk(plan), lane)


class Logged:
    """An app that notes the time and lane of every request it answers (robots.txt in its own lane)."""

    def __init__(self, app: Callable[[Request], Reply], lane: Callable[[str], str]) -> None:
        self.app, self.lane = app, lane
        self.log: list[tuple[float, str]] = []

    def __call__(self, request: Request) -> Reply:
        lane = "robots" if request.path == "/robots.txt" else self.lane(request.path)
        self.log.append((time.monotonic(), lane))
        return self.app(request)


def request_log(app: Any) -> list[tuple[float, str]]:
    """What a `Logged` app reports back when its process stops."""
    return list(app.log)
