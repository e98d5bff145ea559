"""A document's sightings and state, derived from its observations: pure functions over the observations as the
log holds them (dicts with `kind`, `at`, `version`, `url`, `detail`), used alike when captures are imported
(archive/webarchive.py) and when `reindex` replays the log (archive/rebuild.py), so both reach the same state.

Live observations keep the order they were recorded in; the web archive's (`captured`, `capture_*`), recorded
later than the moments they tell of, are put in time order among them, a capture before a live visit of the
same second (the tie goes to the live visit).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from archive.history import (
    CAPTURE,
    CAPTURE_CHANGED,
    CAPTURE_KINDS,
    CAPTURE_REVERTED,
    CAPTURE_WITHDRAWN,
    CAPTURED,
    LIVE,
    EventDetail,
    Sighting,
    format_detail,
    parse_detail,
)
from archive.rows import SEEN_KINDS

# Outcomes of Archive.record: the page was there, so the document is active again.
RECORD_KINDS = frozenset({"new", "unchanged", "changed", "reverted", "restored"})
MISS_KINDS = frozenset({"missing", "withdrawn", "gone"})
# Live observations after which a withdrawal seen in the web archive is no news: the live visits saw it.
LIVE_GONE_KINDS = frozenset({"withdrawn", "gone"})

Observation = dict[str, Any]


def in_time_order(observations: Iterable[Observation]) -> Iterator[Observation]:
    """The observations with the web archive's put in time order among the live ones (see the module)."""
    listed = list(observations)
    live = [o for o in listed if o["kind"] not in CAPTURE_KINDS]
    caught = sorted((o for o in listed if o["kind"] in CAPTURE_KINDS), key=lambda o: str(o["at"]))
    # heapq.merge takes the first iterable's item on a tie: the capture, so the live visit counts as later.
    return heapq.merge(caught, live, key=lambda o: str(o["at"]))


def sightings(observations: Iterable[Observation]) -> list[Sighting]:
    """Every sighting of a document, oldest first (a visit recorded twice, restored then unchanged, once)."""
    found: list[Sighting] = []
    for o in in_time_order(observations):
        if o.get("version") is None:
            continue
        if o["kind"] == CAPTURED:
            s = Sighting(str(o["at"]), int(o["version"]), CAPTURE, str(o.get("detail", "")))
        elif o["kind"] in SEEN_KINDS:
            s = Sighting(str(o["at"]), int(o["version"]), LIVE, str(o.get("url", "")))
        else:
            continue
        if not found or found[-1] != s:
            found.append(s)
    return found


def derive_events(
    timeline: Sequence[Sighting], observations: Iterable[Observation], gone: Iterable[tuple[str, str]]
) -> list[Observation]:
    """The capture events the timeline shows that are not recorded yet: an edit or a revert between two
    consecutive sightings of different versions (unless the live visits saw that very edit), and a withdrawal
    at the first `gone` capture ((at, capture URL)) after the last sighting (unless a live visit saw it).
    Each is an observation (kind, at, version, detail) without key, url or run."""
    listed = list(observations)
    recorded = {(o["kind"], o["at"], o.get("version"), o.get("detail", "")) for o in listed}
    events = []
    for i in range(1, len(timeline)):
        a, b = timeline[i - 1], timeline[i]
        if a.version == b.version or (a.source == LIVE and b.source == LIVE) or _seen_live(timeline, i):
            continue
        earlier = {s.version for s in timeline[:i]}
        kind, verb = (CAPTURE_REVERTED, "reverted") if b.version in earlier else (CAPTURE_CHANGED, "changed")
        detail = format_detail(EventDetail(verb, a.source, a.at, a.version, b.source, b.at))
        events.append({"kind": kind, "at": b.at, "version": b.version, "detail": detail})
    withdrawal = _withdrawal(timeline, listed, gone)
    if withdrawal is not None:
        events.append(withdrawal)
    return [e for e in events if (e["kind"], e["at"], e["version"], e["detail"]) not in recorded]


def stale_events(observations: Iterable[Observation]) -> list[Observation]:
    """The recorded edits and reverts between captures that the timeline no longer shows: a capture imported
    later fell between their two sightings, so the event derived from it, dated more closely, replaces them
    (an import over a narrower period, or of another URL form, followed by one that fills the gap)."""
    listed = list(observations)
    timeline = sightings(listed)
    pairs = {
        ((a.at, a.version, a.source), (b.at, b.version, b.source)) for a, b in zip(timeline, timeline[1:], strict=False)
    }
    stale = []
    for o in listed:
        if o["kind"] not in (CAPTURE_CHANGED, CAPTURE_REVERTED):
            continue
        said = parse_detail(str(o.get("detail", "")))
        if said is None:
            continue
        before = (said.before_at, said.before_version, said.before_source)
        if (before, (str(o["at"]), o.get("version"), said.after_source)) not in pairs:
            stale.append(o)
    return stale


def _seen_live(timeline: Sequence[Sighting], i: int) -> bool:
    """Whether the edit between sightings i-1 and i is one the live visits recorded: the live visits around
    them (at or before the first, at or after the second) show the same two versions."""
    before = next((s for s in reversed(timeline[:i]) if s.source == LIVE), None)
    after = next((s for s in timeline[i:] if s.source == LIVE), None)
    if before is None or after is None:
        return False
    return before.version == timeline[i - 1].version and after.version == timeline[i].version


def _withdrawal(
    timeline: Sequence[Sighting], observations: list[Observation], gone: Iterable[tuple[str, str]]
) -> Observation | None:
    """The withdrawal the `gone` captures show, if no good sighting and no recorded withdrawal follows them."""
    if not timeline:
        return None
    last = timeline[-1]
    after = sorted(g for g in gone if g[0] > last.at)
    known = LIVE_GONE_KINDS | {CAPTURE_WITHDRAWN}
    if not after or any(o["kind"] in known and str(o["at"]) > last.at for o in observations):
        return None
    at, url = after[0]
    detail = format_detail(EventDetail("withdrawn", last.source, last.at, last.version, CAPTURE, at, url))
    return {"kind": CAPTURE_WITHDRAWN, "at": at, "version": last.version, "detail": detail}


def replay(visits: Iterable[Observation], numbers: set[int], latest: int) -> dict[str, Any]:
    """A document's state after its observations, as recorded (the rules of record, observe, miss and
    import_captures): current version (that of the latest sighting), status, misses, validators, first
    sighting, last live sighting and last live visit (for a document only the web archive saw: its captures')."""
    state: dict[str, Any] = {
        "current_version": latest,
        "status": "active",
        "misses": 0,
        "etag": None,
        "last_modified": None,
        "first_seen": None,
        "last_seen": None,
        "last_visit": None,
    }
    by_capture = False  # the withdrawal in `status` is one the web archive showed, not the live site
    last_capture = last_good = None
    for o in in_time_order(visits):
        kind, at = o["kind"], o["at"]
        if kind in CAPTURE_KINDS:
            last_capture = at
            if kind == CAPTURED and o.get("version") in numbers:
                state["current_version"] = o["version"]
                state["first_seen"] = state["first_seen"] or at
                last_good = at
                if by_capture and state["status"] == "withdrawn":
                    state["status"], by_capture = "active", False
            elif kind == CAPTURE_WITHDRAWN and state["status"] != "withdrawn":
                state["status"], by_capture = "withdrawn", True
            continue
        _live_step(state, o, numbers)
        if kind in RECORD_KINDS or kind in MISS_KINDS:
            by_capture = False
    state["last_seen"] = state["last_seen"] or last_good
    state["last_visit"] = state["last_visit"] or last_capture
    return state


def _live_step(state: dict[str, Any], o: Observation, numbers: set[int]) -> None:
    """Apply one live observation to a document's state."""
    kind, at = o["kind"], o["at"]
    if o.get("version") in numbers:
        state["current_version"] = o["version"]
    state["last_visit"] = at
    if kind in SEEN_KINDS:
        state["misses"] = 0
        state["last_seen"] = at
        state["first_seen"] = state["first_seen"] or at
    if kind in RECORD_KINDS:
        state["status"] = "active"
    elif kind in MISS_KINDS:
        state["misses"] += 1
        state["status"] = "withdrawn" if kind == "withdrawn" else state["status"]
    for validator in ("etag", "last_modified"):
        if o.get(validator) is not None:
            state[validator] = o[validator]
