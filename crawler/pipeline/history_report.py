"""What a history import did: versions, sightings and events written, captures skipped and why, requests per lane.

Kept apart from the run's `SiteReport`: a capture of 2019 that does not parse says nothing of the live site's
layout today, so it must not reach the figures that a site's health is judged by.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

from crawler.wording import count

# The lanes a history import sends requests on (README "Past versions from the web archive").
CDX, CAPTURES, LIVE = "CDX", "captures", "live"
REDIRECTS, ROBOTS = "redirects", "robots.txt"  # the capture lane's redirect hops; the web archive's robots.txt


@dataclass
class HistoryReport:
    """The counts of one import, over every site it touched."""

    documents: int = 0  # documents whose captures were imported this run
    resumed: int = 0  # documents an earlier, interrupted run had imported
    captures: int = 0  # captures fetched and judged
    versions: int = 0  # version files written
    sightings: int = 0  # captures recorded as sightings
    events: int = 0  # edits, reverts and withdrawals found between captures
    skipped: Counter[str] = field(default_factory=Counter)  # captures that are not the release, by reason
    unparsable: Counter[str] = field(default_factory=Counter)  # captures no parser understood, by template hint
    judged_before: int = 0  # captures an earlier import judged no release: not fetched again
    failed: int = 0  # captures that could not be fetched (a rerun tries them again)
    requests: Counter[str] = field(default_factory=Counter)  # sent, by lane (`count_requests`)
    web_archive_only: int = 0  # documents known only from the web archive, visited live

    def lines(self) -> list[str]:
        """The summary, a few lines for stderr."""
        resumed = f" ({self.resumed} more imported by an earlier run)" if self.resumed else ""
        lines = [
            f"web archive: {count(self.documents, 'document')} imported{resumed}, "
            f"{count(self.captures, 'capture')} read: {count(self.versions, 'version')} added, "
            f"{count(self.sightings, 'sighting')}, {count(self.events, 'event')} between captures"
        ]
        skipped = {**{reason: n for reason, n in self.skipped.items()}}
        if self.unparsable:
            skipped["unparsable"] = self.unparsable.total()
        if skipped:
            parts = ", ".join(f"{n} {reason}" for reason, n in sorted(skipped.items(), key=lambda kv: (-kv[1], kv[0])))
            lines.append(f"skipped: {parts}")
        if self.unparsable:
            hints = ", ".join(
                f"{n} {hint}" for hint, n in sorted(self.unparsable.items(), key=lambda kv: (-kv[1], kv[0]))
            )
            lines.append(f"unparsable captures by template: {hints}")
        if self.judged_before:
            lines.append(f"{count(self.judged_before, 'capture')} judged earlier not fetched again")
        lines.append(self.requests_line())
        return lines

    def count_requests(self, sent: Mapping[tuple[str, str], int]) -> None:
        """Take the requests the run's fetcher sent, by (lane, kind), as the summary's lanes: they add up to
        the run's request count, and a request a stop kept from being sent is in none of them."""
        self.requests.clear()
        for (lane, kind), n in sent.items():
            if lane in ("cdx", "captures") and kind == "robots.txt":
                self.requests[ROBOTS] += n
            elif lane == "captures":
                self.requests[REDIRECTS if kind == "redirect" else CAPTURES] += n
            else:
                self.requests[CDX if lane == "cdx" else LIVE] += n

    def requests_line(self) -> str:
        """`requests: 11 CDX, 15 captures (+3 redirects), 1 robots.txt, 6 live`."""
        hops = f" (+{count(self.requests[REDIRECTS], 'redirect')})" if self.requests[REDIRECTS] else ""
        robots = f", {self.requests[ROBOTS]} robots.txt" if self.requests[ROBOTS] else ""
        return (
            f"requests: {self.requests[CDX]} CDX, {self.requests[CAPTURES]} captures{hops}{robots}, "
            f"{self.requests[LIVE]} live"
        )


def _most_first(counts: Counter[str]) -> str:
    """`3 challenge, 1 empty`: the most frequent first, ties by name."""
    return ", ".join(f"{n} {name}" for name, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
