"""Reading a document's timeline: which versions the site showed, in what order, seen how (live or captured).

A sighting (archive/history.py) is one moment a version's text was seen on the site: a live visit or a
web-archive capture. Every reading command orders versions by them, never by number, and names each
version's sightings; what they share is here. Consecutive live visits that saw the same text are folded into
one span (a document visited daily for a year is one line, not 365), while every capture is its own span:
captures are few and each has its own URL, the source a reader may want to open.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass

from archive.document import Version, parse_captured
from archive.history import CAPTURE as CAPTURE  # re-exported: the readers name sources through this module
from archive.history import WEB_ARCHIVE as WEB_ARCHIVE
from archive.history import Sighting


@dataclass(frozen=True)
class Span:
    """Sightings of one version one after the other: one capture, or a run of live visits."""

    version: int
    source: str  # live | capture
    first: str
    last: str
    visits: int
    url: str  # the capture's URL; the page's URL for live visits

    def words(self) -> str:
        """`2019-03-12 09:45Z  web archive  URL`, `2026-03-01 09:00Z  live visit`, or a run of visits."""
        first = _minute(self.first)
        if self.source == CAPTURE:
            return f"{first}  web archive  {self.url}"
        if self.visits == 1:
            return f"{first}  live visit"
        return f"{first} – {_minute(self.last)}  {self.visits} live visits"


def _minute(at: str) -> str:
    """`2019-03-12T09:45:12Z` as `2019-03-12 09:45Z`."""
    return at[:16].replace("T", " ") + "Z"


def source_name(source: str) -> str:
    """A sighting's source as JSON output names it: `live` or `web-archive`."""
    return WEB_ARCHIVE if source == CAPTURE else source


def spans(timeline: Iterable[Sighting]) -> list[Span]:
    """The timeline (oldest first) folded into spans, oldest first."""
    out: list[Span] = []
    for s in timeline:
        last = out[-1] if out else None
        if last and s.source == last.source == "live" and s.version == last.version:
            out[-1] = Span(s.version, "live", last.first, s.at, last.visits + 1, last.url)
        else:
            out.append(Span(s.version, s.source, s.at, s.at, 1, s.url))
    return out


def order(first_seen: dict[int, str], captured: dict[int, str]) -> list[int]:
    """The version numbers of `captured` (number -> its Captured time) in the order their text was first seen
    (`first_seen`: number -> time); a version without a sighting (a re-extraction's) takes its Captured time."""
    return sorted(captured, key=lambda n: (first_seen.get(n, captured[n]), n))


def as_seen(version: Version, sighting: Sighting | None) -> Version:
    """The version as a diff names its side: by `sighting` when that is a web-archive capture (the capture an
    edit is dated by, which may be another than the one the version's file was first written from), else as
    its file says. Only the naming changes: Captured and Origin are no part of the diffed text."""
    if sighting is None or sighting.source != CAPTURE:
        return version
    return dataclasses.replace(version, captured=parse_captured(sighting.at), origin=sighting.url)
