"""What a run did: counts per site, the problems of single URLs, and the problems of the run as a whole."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field

logger = logging.getLogger("crawler.pipeline.engine")

# Outcomes that make a run unsuccessful. A lost capture is one: the version is safe, but the evidence of
# where its text came from is missing.
PROBLEM_KINDS = ("blocked", "failed", "captures_lost")
SUMMARY_ORDER = (
    "new",
    "changed",
    "reverted",
    "restored",
    "unchanged",
    "not_modified",
    "already_archived",
    "missing",
    "withdrawn",
    "skipped",
    "blocked",
    "failed",
    "captures_lost",
)


@dataclass
class SiteReport:
    """What a run did on one site."""

    site: str
    counts: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    hosts_down: set[str] = field(default_factory=set)  # the reasons of hosts given up, each said once

    def problem(self, kind: str, message: str, *, host_down: str | None = None) -> None:
        """Count and log one failed or blocked URL (or a capture not kept); for a host given up
        (`host_down`: its reason, the same for every URL of the host), log the reason once, not every URL."""
        self.counts[kind] += 1
        self.problems.append(f"{kind}: {message}")
        if host_down is None:
            logger.error("%s %s", kind.replace("_", " "), message)
        elif host_down not in self.hosts_down:
            self.hosts_down.add(host_down)
            logger.error("%s %s: %s", kind, self.site, host_down)

    def summary(self, *, interrupted: bool = False) -> str:
        """One line: the counts of this site's run."""
        parts = [f"{self.counts[k]} {k.replace('_', ' ')}" for k in SUMMARY_ORDER if self.counts[k]]
        nothing = "nothing visited before the stop" if interrupted else "nothing found"
        return f"{self.site}: {', '.join(parts) or nothing}"


@dataclass
class RunReport:
    """What a whole run did."""

    run_id: int
    sites: list[SiteReport]
    requests: int = 0
    errors: list[str] = field(default_factory=list)  # problems of the run itself: its record, its WARC files
    stopped_by: str | None = None  # the signal that stopped the run early, by name
    notes: list[str] = field(default_factory=list)  # lines for the summary: what an interruption left to do

    @property
    def ok(self) -> bool:
        """Whether every URL of the run was fetched, understood and kept, and the run recorded."""
        return not self.errors and not any(r.counts[k] for r in self.sites for k in PROBLEM_KINDS)

    @property
    def status(self) -> str:
        """How the run ended, as the catalog records it."""
        if self.stopped_by:
            return "interrupted"
        return "ok" if self.ok else "partial"

    def error(self, message: str) -> None:
        """Log and keep a problem of the run as a whole."""
        self.errors.append(message)
        logger.error("%s", message)

    def totals(self) -> dict[str, int]:
        """Counts summed over sites."""
        total: Counter[str] = Counter()
        for report in self.sites:
            total.update(report.counts)
        return dict(sorted(total.items()))
