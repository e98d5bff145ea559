"""What a run did: counts per site, the problems of single URLs, and the problems of the run as a whole."""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

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

# A layout change: at least this many pages of a site failed to parse the same way in one run, and they were
# most of the pages it tried to parse. One odd page is an odd page; two alike and a majority is a pattern.
LAYOUT_MIN_PAGES = 2
LAYOUT_HINT = "the page layout may have changed"
# The page's own words inside a reason ("no publication date (photo-content__date: '32 Febr')"): dropped, so
# that the same failure on every page counts as one reason.
_QUOTED = re.compile(r"^(.*\([^():]*):[^()]*\)$")


def reason_of(reason: str) -> str:
    """A parse failure's reason without the page's own words: the same for every page that fails alike."""
    return _QUOTED.sub(r"\1)", reason)


@dataclass
class SiteReport:
    """What a run did on one site."""

    site: str
    counts: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    hosts_down: set[str] = field(default_factory=set)  # the reasons of hosts given up, each said once
    pages_parsed: int = 0  # release pages understood (a 304 is not parsed)
    unparsed: Counter[str] = field(default_factory=Counter)  # release pages not understood, by reason
    list_pages: int = 0  # list pages read and understood
    list_items: int = 0  # the items they gave
    list_unparsed: Counter[str] = field(default_factory=Counter)  # list pages not understood, by reason

    def page_unparsed(self, reason: str) -> None:
        """Count a release page that did not parse (its failed visit is counted by `problem`)."""
        self.unparsed[reason_of(reason)] += 1

    def listing(self, items: int) -> None:
        """Count a list page read, and its items."""
        self.list_pages += 1
        self.list_items += items

    def layout_change(self) -> str | None:
        """The run's line for a layout change, if most of the pages it tried to parse failed the same way."""
        for pages, failures, what in (
            (self.pages_parsed, self.unparsed, "pages"),
            (self.list_pages, self.list_unparsed, "list pages"),
        ):
            if not failures:
                continue
            reason, alike = failures.most_common(1)[0]
            tried = pages + sum(failures.values())
            enough = alike >= LAYOUT_MIN_PAGES or (what == "list pages" and not pages)
            if enough and alike * 2 > tried:
                return f"{self.site}: {alike} of {tried} {what}: {reason} — {LAYOUT_HINT}"
        return None

    def figures(self) -> dict[str, Any]:
        """What the run found on this site, as its record keeps it (the health of the site comes from these)."""
        return {
            "counts": {k: v for k, v in sorted(self.counts.items()) if v},
            "pages_parsed": self.pages_parsed,
            "unparsed": dict(sorted(self.unparsed.items())),
            "list_pages": self.list_pages,
            "list_items": self.list_items,
            "list_unparsed": dict(sorted(self.list_unparsed.items())),
            "layout_change": self.layout_change(),
        }

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

    @property
    def layout_changes(self) -> list[str]:
        """One line per site whose pages mostly failed to parse the same way in this run."""
        return [line for line in (r.layout_change() for r in self.sites) if line]

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
