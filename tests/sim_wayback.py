"""The Wayback Machine on 127.0.0.1: a CDX index and `id_` playback over a store of captures, with its pitfalls.

The CDX (`/cdx/search/cdx`) matches URLs as the real one does (scheme, `www.`, default port and case ignored),
sorts rows by SURT key then time, and honours matchType exact/prefix (or a trailing `*`), repeated
`filter=[!]field:regex`, `collapse=field[:N]` (adjacent rows only, as the real index), `from`/`to` (partial
timestamps widened), `limit`, `fl`, `output=json` and `showResumeKey`/`resumeKey`; `page_cap` caps every page so
that answers split by resume keys. Playback (`/web/<ts>id_/<url>`) answers the exact capture with its captured
status, `Memento-Datetime`, `Link: <original>; rel="original"` and the captured headers as `x-archive-orig-*`;
a timestamp without a playable capture redirects to the nearest one (however far), a redirect capture to its
target; an unknown URL gets the archive's own 404, without `Memento-Datetime`. `storm()` answers 429 without
Retry-After to either lane; `hits` logs every request with its lane and monotonic time, so rates can be checked
(`busiest`) and pauses seen (`quiet_after_429`).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from urllib.parse import parse_qsl, urlsplit

from tests.simserver import Reply, Request

FIELDS = ("urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length")
LANES = ("cdx", "web")
NOT_ARCHIVED = "<html><body><h2>Hrm.</h2><p>The Wayback Machine has not archived that URL.</p></body></html>"
TOO_MANY = "<html><body><h1>429 Too Many Requests</h1><p>Slow down.</p></body></html>"
EXCLUDED = "org.archive.wayback.exception.AdministrativeAccessControlException: Blocked Site Error\n"
_PLAYBACK = re.compile(r"/web/(\d{14})(?:[a-z]{2}_)?/(.+)", re.S)


def url_key(url: str) -> str:
    """The URL as the index compares it: no scheme, no `www.`, no default port, lower case, query sorted."""
    parts = urlsplit(url if "://" in url else f"http://{url}")
    host = (parts.hostname or "").lower().removeprefix("www.")
    port = f":{parts.port}" if parts.port not in (None, 80, 443) else ""
    query = "&".join(sorted(parts.query.split("&"))) if parts.query else ""
    return f"{host}{port}{parts.path or '/'}{'?' + query if query else ''}".lower()


def surt(url: str) -> str:
    """The index's urlkey: the host reversed, comma-joined, then `)` and the path (`ru,mid)/ru/a`)."""
    key = url_key(url)
    host, _, rest = key.partition("/")
    name, colon, port = host.partition(":")
    return ",".join(reversed(name.split("."))) + colon + port + ")/" + rest


@dataclass
class SimCapture:
    """One capture the archive holds. `redirect_to`: a redirect capture, played back as a 302 to that URL."""

    url: str  # the URL captured, as captured (its scheme and `www.` are the capture's own)
    timestamp: str  # 14 digits, UTC
    body: bytes | str | Callable[[], bytes | str] = b""  # a callable renders on demand (thousands of captures)
    status: int = 200  # the captured status, served back on playback
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/html; charset=utf-8"})
    redirect_to: str | None = None
    listed_status: str | None = None  # what the CDX says (default: `status`; the index can list 200 wrongly)
    playable: bool = True  # False: listed, but playback lands on the nearest other capture
    mimetype: str = "text/html"
    playback_headers: dict[str, str] = field(default_factory=dict)  # sent as they are (a wrong Content-Encoding)
    digest: str = ""  # the index's digest; by default the base-32 SHA-1 of the body (computed once)
    length: int | None = None

    def data(self) -> bytes:
        """The captured body's bytes."""
        body = self.body() if callable(self.body) else self.body
        return body.encode("utf-8") if isinstance(body, str) else body

    def row(self) -> dict[str, str]:
        """The CDX row of this capture."""
        if not self.digest or self.length is None:
            data = self.data()
            self.digest = self.digest or base64.b32encode(hashlib.sha1(data).digest()).decode()
            self.length = len(data) if self.length is None else self.length
        status = self.listed_status if self.listed_status is not None else str(self.status)
        mimetype = "warc/revisit" if status == "-" else self.mimetype
        values = (surt(self.url), self.timestamp, self.url, mimetype, status, self.digest, str(self.length))
        return dict(zip(FIELDS, values, strict=True))


@dataclass(frozen=True)
class Hit:
    """One request the simulator answered."""

    at: float  # time.monotonic()
    lane: str  # "cdx" | "web" | "other"
    target: str
    status: int
    memento: bool = False  # the answer carried Memento-Datetime (a capture, whatever its status)


class WaybackSim:
    """The simulated web archive; fill it with `add` (or `captured=[url, ...]` for CDX discovery only)."""

    def __init__(
        self, captured: Iterable[str] = (), *, captures: Iterable[SimCapture] = (), page_cap: int = 150_000
    ) -> None:
        self.captures: list[SimCapture] = []
        self._by_key: dict[str, list[SimCapture]] = {}  # url_key -> its captures
        self.page_cap = page_cap  # rows per CDX page, whatever `limit` asks (the real index stops at 150,000)
        self.excluded: list[str] = []  # url_key prefixes the archive refuses (AdministrativeAccessControlException)
        self.requests: list[Request] = []  # CDX requests
        self.hits: list[Hit] = []
        self.failures: dict[str, list[Reply]] = {lane: [] for lane in LANES}
        self._storm: dict[str, tuple[int, float]] = {}  # lane -> (requests left, until monotonic time)
        self._lock = threading.Lock()
        self.add(*(SimCapture(url, "20230803120000", f"<html><body>{url}</body></html>") for url in captured))
        self.add(*captures)

    def add(self, *captures: SimCapture) -> None:
        """Hold these captures too."""
        with self._lock:
            self.captures.extend(captures)
            for capture in captures:
                self._by_key.setdefault(url_key(capture.url), []).append(capture)

    def storm(self, *, lanes: Iterable[str] = LANES, count: int = 0, seconds: float = 0.0) -> None:
        """Answer 429 (no Retry-After, no Memento-Datetime) to the next `count` requests of `lanes`, or to all of
        them for `seconds`."""
        with self._lock:
            for lane in lanes:
                self._storm[lane] = (count, time.monotonic() + seconds if seconds else 0.0)

    def fail_next(self, lane: str, *replies: Reply) -> None:
        """Answer the next requests of `lane` ("cdx" or "web") with these replies (a 504, a reset)."""
        with self._lock:
            self.failures[lane].extend(replies)

    def lane_hits(self, lane: str) -> list[Hit]:
        """The requests of one lane, in order."""
        with self._lock:
            return [hit for hit in self.hits if hit.lane == lane]

    def busiest(self, lane: str, window: float) -> int:
        """The most requests of `lane` that arrived within any `window` seconds (the rate kept, at its worst)."""
        times = [hit.at for hit in self.lane_hits(lane)]
        start, most = 0, 0
        for end, moment in enumerate(times):
            while start < end and moment - times[start] >= window:
                start += 1
            most = max(most, end - start + 1)
        return most

    def quiet_after_429(self) -> list[float]:
        """For each 429 the archive itself answered, the seconds until the next request of any lane arrived
        (what a pause of every lane looks like from the archive's side); the last 429's runs to now."""
        with self._lock:
            hits = [hit for hit in self.hits if hit.lane != "other"]
        own = [i for i, hit in enumerate(hits) if hit.status == 429 and not hit.memento]
        return [(hits[i + 1].at if i + 1 < len(hits) else time.monotonic()) - hits[i].at for i in own]

    def __call__(self, request: Request) -> Reply:
        lane = "cdx" if request.path == "/cdx/search/cdx" else "web" if request.path.startswith("/web/") else "other"
        arrived = time.monotonic()  # before answering: a slow answer (a first CDX page) must not look late
        reply = self._answer(lane, request)
        with self._lock:
            memento = "Memento-Datetime" in reply.headers
            self.hits.append(Hit(arrived, lane, request.target, reply.status, memento))
        return reply

    def _answer(self, lane: str, request: Request) -> Reply:
        if lane == "other":
            return Reply(404, NOT_ARCHIVED)
        with self._lock:
            if lane == "cdx":
                self.requests.append(request)
            if self._storming(lane):
                return Reply(429, TOO_MANY)
            if self.failures[lane]:
                return self.failures[lane].pop(0)
        return self._cdx(request) if lane == "cdx" else self._playback(request)

    def _matching(self, key: str, prefix: bool) -> list[SimCapture]:
        """The captures whose URL is `key` (or starts with it)."""
        with self._lock:
            if not prefix:
                return list(self._by_key.get(key, ()))
            return [c for k, held in self._by_key.items() if k.startswith(key) for c in held]

    def _storming(self, lane: str) -> bool:
        left, until = self._storm.get(lane, (0, 0.0))
        if left > 0:
            self._storm[lane] = (left - 1, until)
            return True
        return until > time.monotonic()

    def _cdx(self, request: Request) -> Reply:
        params = parse_qsl(urlsplit(request.target).query, keep_blank_values=True)
        query = dict(params)
        asked = query.get("url", "")
        prefix = query.get("matchType") == "prefix" or asked.endswith("*")
        key = url_key(asked.rstrip("*"))
        if any(key.startswith(excluded) for excluded in self.excluded):
            return Reply(403, EXCLUDED, {"Content-Type": "text/plain"})
        rows = [c.row() for c in self._matching(key, prefix)]
        rows.sort(key=lambda row: (row["urlkey"], row["timestamp"]))
        rows = _filtered(rows, [v for k, v in params if k == "filter"], query.get("from", ""), query.get("to", ""))
        if query.get("collapse"):
            rows = _collapsed(rows, query["collapse"])
        start = int(query.get("resumeKey", "").rsplit(" ", 1)[-1] or 0)
        size = min(int(query.get("limit") or self.page_cap), self.page_cap)
        page = rows[start : start + size]
        fields = [f for f in query.get("fl", ",".join(FIELDS)).split(",") if f in FIELDS] or list(FIELDS)
        table: list[list[str]] = [[row[f] for f in fields] for row in page]
        if query.get("showResumeKey") == "true" and start + size < len(rows):
            last = page[-1] if page else rows[start]
            table += [[], [f"{last['urlkey']}+{last['timestamp']} {start + size}"]]
        if query.get("output") != "json":
            return Reply(200, "".join(" ".join(row) + "\n" for row in table), {"Content-Type": "text/plain"})
        return Reply(200, json.dumps([fields, *table] if table else []), {"Content-Type": "application/json"})

    def _playback(self, request: Request) -> Reply:
        found = _PLAYBACK.fullmatch(request.target)
        if found is None:
            return Reply(404, NOT_ARCHIVED)
        stamp, original = found[1], re.sub(r"^(https?):/+", r"\1://", found[2])
        same = [c for c in self._matching(url_key(original), False) if c.playable]
        if not same:
            return Reply(404, NOT_ARCHIVED)
        exact = next((c for c in same if c.timestamp == stamp), None)
        if exact is None:  # the archive's timegate: the nearest capture, however far away
            nearest = min(same, key=lambda c: abs(_moment(c.timestamp) - _moment(stamp)))
            return Reply(302, b"", {"Location": f"/web/{nearest.timestamp}id_/{nearest.url}"})
        return _memento(exact)


def _memento(capture: SimCapture) -> Reply:
    """A capture played back as the archive sends it."""
    moment = format_datetime(_moment(capture.timestamp), usegmt=True)
    headers = {f"X-Archive-Orig-{name}": value for name, value in capture.headers.items()}
    headers["Content-Type"] = capture.headers.get("Content-Type", capture.mimetype)
    headers["Memento-Datetime"] = moment
    headers["Link"] = (
        f'<{capture.url}>; rel="original", <{capture.url}>; rel="timemap"; type="application/link-format", '
        f'<{capture.url}>; rel="memento"; datetime="{moment}"'
    )
    if capture.redirect_to:
        headers["Location"] = f"/web/{capture.timestamp}id_/{capture.redirect_to}"
        return Reply(capture.status if 300 <= capture.status < 400 else 302, b"", headers | capture.playback_headers)
    return Reply(capture.status, capture.data(), headers | capture.playback_headers)


def _moment(stamp: str) -> datetime:
    return datetime.strptime(stamp, "%Y%m%d%H%M%S").replace(tzinfo=UTC)


def _filtered(rows: list[dict[str, str]], filters: list[str], since: str, until: str) -> list[dict[str, str]]:
    """Rows passing every `[!]field:regex` filter (a full match, as the index does) and the from/to bounds."""
    low, high = since.ljust(14, "0"), until.ljust(14, "9") if until else "9" * 14
    kept = [row for row in rows if low <= row["timestamp"] <= high]
    for spec in filters:
        negate = spec.startswith("!")
        name, _, pattern = spec.lstrip("!").partition(":")
        kept = [row for row in kept if bool(re.fullmatch(pattern, row.get(name, ""))) != negate]
    return kept


def _collapsed(rows: list[dict[str, str]], spec: str) -> list[dict[str, str]]:
    """Rows with a run of adjacent equal values of the field (or its first N characters) cut to the first."""
    name, _, width = spec.partition(":")
    size = int(width) if width.isdigit() else None
    kept: list[dict[str, str]] = []
    for row in rows:
        value = row.get(name, "")[:size]
        if not kept or kept[-1].get(name, "")[:size] != value:
            kept.append(row)
    return kept
