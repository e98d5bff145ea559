"""Past versions from the web archive, as the archive records them: neutral values, no HTTP.

A *sighting* is a moment a version's text was seen on the site: a live visit (an observation of kind new,
unchanged, not_modified, changed, reverted or restored) or a web-archive capture (an observation of kind
`captured`: `at` the capture's time, `version` the version whose text it showed, `detail` the capture URL).
A version's "seen" time is its earliest sighting; the document's current version is that of its latest
sighting (a tie goes to the live visit).

Edits and withdrawals found between sightings when captures are imported are recorded as events of their own
kinds (`capture_changed`, `capture_reverted`, `capture_withdrawn`), never taken for live visits. Their `detail`
names the two sightings they lie between, in the one format `format_detail` writes and `parse_detail` reads:

    changed between the capture of 2019-03-12T09:45:12Z (v1) and the capture of 2019-05-01T10:00:00Z
    reverted between the live visit of 2026-01-02T03:04:05Z (v2) and the capture of 2026-02-01T00:00:00Z
    withdrawn between the capture of 2020-01-01T00:00:00Z (v2) and the capture of 2021-06-01T00:00:00Z: <URL>

(the version after a change is the observation's own `version`; a withdrawal names the capture that showed the
page gone).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

# The observation kinds this module adds (archive/rows.py lists every kind).
CAPTURED = "captured"
CAPTURE_CHANGED = "capture_changed"
CAPTURE_REVERTED = "capture_reverted"
CAPTURE_WITHDRAWN = "capture_withdrawn"
CAPTURE_EVENTS = (CAPTURE_CHANGED, CAPTURE_REVERTED, CAPTURE_WITHDRAWN)
CAPTURE_KINDS = frozenset({CAPTURED, *CAPTURE_EVENTS})
# What a capture of an attachment's page says of the file: it is listed, but nothing was fetched from the archive.
ATTACHMENT_NOT_FETCHED = "seen in a web-archive capture"

LIVE, CAPTURE = "live", "capture"
_SOURCE_WORDS = {LIVE: "live visit", CAPTURE: "capture"}
WEB_ARCHIVE = "web-archive"  # how the reading commands' JSON names the source of a capture (LIVE: "live")


def source_words(source: str) -> str:
    """What a sighting's source is called in text: `capture` or `live visit`."""
    return _SOURCE_WORDS.get(source, _SOURCE_WORDS[LIVE])


_TIME = r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z"
_DETAIL = re.compile(
    rf"^(?P<verb>changed|reverted|withdrawn) between the (?P<src_a>capture|live visit) of (?P<at_a>{_TIME}) "
    rf"\(v(?P<version_a>[0-9]+)\) and the (?P<src_b>capture|live visit) of (?P<at_b>{_TIME})(?:: (?P<url>\S+))?$"
)


@dataclass(frozen=True)
class Capture:
    """One web-archive capture of a document."""

    at: datetime  # the capture's time, UTC
    url: str  # the capture URL: https://web.archive.org/web/20190312094512id_/https://www.mid.ru/...


@dataclass(frozen=True)
class CaptureResult:
    """What importing one document's captures did."""

    key: str
    new_versions: list[int]  # version numbers written (entry order)
    sightings: int  # captures recorded as sightings (new ones only: a repeat import records none)
    events: int  # historical events recorded (capture_changed / capture_reverted / capture_withdrawn)
    # capture URL -> the version whose text it showed, for every capture given (recorded now or before): what
    # the capture's WARC record names (Run.capture_memento)
    versions: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Sighting:
    """A moment a version's text was seen on the site."""

    at: str  # ISO 8601 UTC, as the catalog writes times
    version: int
    source: str  # "live" | "capture"
    url: str  # the page visited (live) or the capture URL it was read from (capture)


@dataclass(frozen=True)
class SeenVersion:
    """A version and when its text was seen: its first and last sightings, and by what."""

    number: int
    first_seen: str
    last_seen: str
    sources: set[str] = field(default_factory=set)  # {"live", "capture"}; empty: no sighting recorded


@dataclass(frozen=True)
class EventDetail:
    """What the `detail` of a capture event says: the sighting before the event and the one after it."""

    verb: str  # changed | reverted | withdrawn
    before_source: str  # "live" | "capture"
    before_at: str
    before_version: int
    after_source: str
    after_at: str  # the event's own time
    url: str = ""  # a withdrawal: the capture that showed the page gone


def format_detail(d: EventDetail) -> str:
    """The `detail` of a capture event (see the module's docstring)."""
    text = (
        f"{d.verb} between the {_SOURCE_WORDS[d.before_source]} of {d.before_at} (v{d.before_version}) "
        f"and the {_SOURCE_WORDS[d.after_source]} of {d.after_at}"
    )
    return f"{text}: {d.url}" if d.url else text


def parse_detail(text: str) -> EventDetail | None:
    """What `format_detail` wrote (None: not a capture event's detail)."""
    m = _DETAIL.match(text)
    if m is None:
        return None
    source = {word: name for name, word in _SOURCE_WORDS.items()}
    return EventDetail(
        m["verb"], source[m["src_a"]], m["at_a"], int(m["version_a"]), source[m["src_b"]], m["at_b"], m["url"] or ""
    )
