"""What a correct import of web-archive captures produces, written down while a scenario is built.

`Builder` collects a scenario's captures (tests/sim_wayback.SimCapture) and, for each, what it must become:
a sighting of a document's text (a new version the first time the text is seen, an event when it differs
from the sighting before), a capture skipped for a reason, or a soft 404 after the document existed (skipped,
and its withdrawal seen in the archive). tests/wayback_scenarios.py writes the scenarios with it.
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime

from tests.sim_wayback import SimCapture, WaybackSim

# Skip reasons: crawler/sites/captures.py REASONS; and the importer's one name for a capture that lands on
# another URL or more than a day away (crawler/sites/cdx.landing_problem tells the two apart)
CHALLENGE, RATE_LIMIT, ERROR_PAGE, SOFT_404, EMPTY = "challenge", "rate-limit page", "error page", "soft 404", "empty"
REDIRECT = "redirect"


@dataclass(frozen=True)
class ExpectedVersion:
    """A version a correct import writes: its text and the capture times that showed it, oldest first."""

    title: str
    published: str  # as the page printed it
    body: tuple[str, ...]
    seen: tuple[datetime, ...]

    @property
    def captured(self) -> datetime:
        """Its `Captured` time: the first capture that showed it."""
        return self.seen[0]


@dataclass(frozen=True)
class ExpectedEvent:
    """A historical event: `kind` capture_changed / capture_reverted / capture_withdrawn at `at`, after `since`."""

    kind: str
    at: datetime
    since: datetime


@dataclass
class ExpectedDoc:
    """What a correct import knows of one document."""

    url: str  # its canonical URL (what `import-history DOC` may be given)
    versions: list[ExpectedVersion]
    events: list[ExpectedEvent] = field(default_factory=list)
    withdrawn: bool = False  # gone in the archive's record (the live site answers 404 too, in the tests)


@dataclass
class Scenario:
    """Captures for the simulator and what importing all of them must produce."""

    name: str
    sites: list[str]
    captures: list[SimCapture]
    docs: dict[str, ExpectedDoc]
    skipped: Counter[str]
    page_cap: int = 150_000  # the simulator's CDX page cap: small ones split every answer by resume keys
    # What the live site serves today, per key (a MofaRelease, MidArticle or OldArticle for its simulator);
    # a key not here is gone from the live site (404).
    live: dict[str, object] = field(default_factory=dict)

    def load(self, sim: WaybackSim) -> WaybackSim:
        """Put the captures into `sim` and set its page cap."""
        sim.add(*self.captures)
        sim.page_cap = min(sim.page_cap, self.page_cap)
        return sim

    def sim(self) -> WaybackSim:
        """A new simulator holding this scenario."""
        return self.load(WaybackSim())

    @property
    def doc_args(self) -> list[str]:
        """One argument per document for `import-history DOC...` (its canonical URL)."""
        return [doc.url for doc in self.docs.values()]

    @property
    def versions(self) -> int:
        """How many versions a first import writes."""
        return sum(len(doc.versions) for doc in self.docs.values())

    @property
    def sightings(self) -> int:
        """How many captures a first import records as sightings."""
        return sum(len(v.seen) for doc in self.docs.values() for v in doc.versions)


def stamp_time(stamp: str) -> datetime:
    """A 14-digit timestamp as an aware UTC datetime."""
    return datetime.strptime(stamp, "%Y%m%d%H%M%S").replace(tzinfo=UTC)


class Builder:
    """Collects captures, expected versions, events and skips while a scenario is written."""

    def __init__(self) -> None:
        self.captures: list[SimCapture] = []
        self.docs: dict[str, ExpectedDoc] = {}
        self.skipped: Counter[str] = Counter()
        self.last: dict[str, tuple[int, datetime]] = {}  # key -> (version index, time) of the latest sighting
        self.hits = itertools.count(1000)  # a page counter, so that a scenario's captures are the same each time
        self.live: dict[str, object] = {}

    def doc(self, key: str, url: str) -> None:
        self.docs[key] = ExpectedDoc(url, [])

    def good(self, key: str, capture: SimCapture, title: str, published: str, body: list[str]) -> None:
        """A capture that is the release: a sighting of its text, a new version, and an event when it differs."""
        self.captures.append(capture)
        doc, at = self.docs[key], stamp_time(capture.timestamp)
        text = (title, published, tuple(body))
        index = next((i for i, v in enumerate(doc.versions) if (v.title, v.published, v.body) == text), None)
        if index is None:
            doc.versions.append(ExpectedVersion(title, published, tuple(body), (at,)))
            kind, index = "capture_changed", len(doc.versions) - 1
        else:
            doc.versions[index] = replace(doc.versions[index], seen=(*doc.versions[index].seen, at))
            kind = "capture_reverted"  # a text seen before, after another one
        if key in self.last and self.last[key][0] != index:
            doc.events.append(ExpectedEvent(kind, at, self.last[key][1]))
        self.last[key] = (index, at)

    def collapsed(self, capture: SimCapture) -> None:
        """A capture with the same bytes as the one before it: the CDX (collapse=digest) never lists it."""
        self.captures.append(capture)

    def skip(self, reason: str, *captures: SimCapture) -> None:
        self.captures.extend(captures)
        self.skipped[reason] += 1

    def gone(self, key: str, capture: SimCapture) -> None:
        """A soft 404 after the document existed: skipped, and the withdrawal seen in the archive."""
        self.skip(SOFT_404, capture)
        doc = self.docs[key]
        if not doc.withdrawn:
            doc.withdrawn = True
            doc.events.append(ExpectedEvent("capture_withdrawn", stamp_time(capture.timestamp), self.last[key][1]))

    def scenario(self, name: str, sites: list[str], page_cap: int = 150_000) -> Scenario:
        return Scenario(name, sites, self.captures, self.docs, self.skipped, page_cap, self.live)


def bounds(scenario: Scenario, since: date | None, until: date | None) -> dict[str, list[ExpectedVersion]]:
    """The versions per key that an import limited to captures from `since` to `until` (inclusive days) sees."""
    out: dict[str, list[ExpectedVersion]] = {}
    for key, doc in scenario.docs.items():
        kept = []
        for version in doc.versions:
            seen = tuple(
                t for t in version.seen if (not since or t.date() >= since) and (not until or t.date() <= until)
            )
            if seen:
                kept.append(replace(version, seen=seen))
        if kept:
            out[key] = sorted(kept, key=lambda v: v.captured)
    return out
