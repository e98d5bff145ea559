"""Health per site, judged from the run records: healthy, degraded or broken, with a one-line reason and figures.

The rules (README "Health" says the same):
- broken: the site's last finished run found a layout change (most of the release pages, or the list pages, it
  tried to parse failed the same way), or its list pages gave no items in each of its last BARREN_RUNS runs;
- degraded: its last finished run had pages that did not parse, were blocked or failed to fetch, list pages
  that gave no items, or it ended failed; or nothing new has been published for longer than the site's rhythm
  allows (see `silence`);
- healthy: none of these; unknown: no finished run of the site yet.
The verdict follows the last run (a site comes back to healthy with its first clean run); the figures add up
the recent runs, for scripts that want the trend. Only the runs that fetch the site's list and release pages
count (JUDGED_COMMANDS): an import-history run reads the web archive, a reextract run reads stored captures,
and neither says whether the site's pages can still be listed and parsed today.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from statistics import median
from typing import Any

from archive.recorder import Archive
from archive.rows import SiteDates, SiteRunRow
from crawler.wording import count

HEALTHY, DEGRADED, BROKEN, UNKNOWN = "healthy", "degraded", "broken", "unknown"
RECENT_RUNS = 5  # the figures add up this many of the site's latest runs
# The runs that read the live site's list and release pages; `schedule` records its crawls under its own name.
JUDGED_COMMANDS = frozenset({"crawl", "schedule", "backfill", "add"})
BARREN_RUNS = 3  # list pages without items this many runs in a row: no longer an empty day, a broken list
# Silence: nothing published for longer than SILENCE_FACTOR times the site's usual gap between publication
# days (the median over its RHYTHM_DOCS newest documents), and never less than SILENCE_MIN_DAYS: a daily site
# silent for a week is suspect, a weekly one only after a month. Counted from when the archive began watching,
# so a new archive of old releases is not "silent for years".
SILENCE_FACTOR = 4
SILENCE_MIN_DAYS = 7
RHYTHM_DOCS = 30
RHYTHM_MIN_DAYS = 5  # fewer distinct publication days than this: no rhythm to judge by


@dataclass(frozen=True)
class Health:
    """A site's verdict, the reason in one line, and the figures it was judged by (stable names: README)."""

    site: str
    verdict: str  # healthy | degraded | broken | unknown
    reason: str
    figures: dict[str, Any] = field(default_factory=dict)


def site_health(archive: Archive, site: str, now: datetime) -> Health:
    """The health of `site` now, from the archive's record of its recent runs and documents."""
    runs = judged_runs(archive, site)
    figures = _figures(runs)
    quiet = silence(archive.site_dates(site, RHYTHM_DOCS), now.date())
    figures.update(quiet)
    if not runs:
        return Health(site, UNKNOWN, "no finished crawl, backfill or add run yet", figures)
    verdict, reason = _judge(runs, quiet)
    return Health(site, verdict, reason, figures)


def judged_runs(archive: Archive, site: str) -> list[SiteRunRow]:
    """The site's RECENT_RUNS latest finished runs of JUDGED_COMMANDS, newest first. Read in growing windows:
    a series of imports or re-extractions must not hide the crawls before them."""
    limit = RECENT_RUNS * 2
    while True:
        rows = archive.site_runs(site, limit)
        runs = [r for r in rows if r.run.finished and r.run.command in JUDGED_COMMANDS]
        if len(runs) >= RECENT_RUNS or len(rows) < limit:
            return runs[:RECENT_RUNS]
        limit *= 4


def _judge(runs: list[SiteRunRow], quiet: dict[str, Any]) -> tuple[str, str]:
    """The verdict and its reason: the last run first, then the list pages' recent yield, then the rhythm."""
    last = runs[0].figures
    when = f"run {runs[0].run.id}"
    if last.get("layout_change"):
        line = str(last["layout_change"]).split(": ", 1)[-1].replace(" — ", ", ")
        return BROKEN, f"{when}: {line}"
    barren = [r for r in runs[:BARREN_RUNS] if r.figures.get("list_pages") and not r.figures.get("list_items")]
    if len(barren) == BARREN_RUNS:
        return BROKEN, f"the list pages gave no items in the last {BARREN_RUNS} runs"
    problems = _problems(last)
    if problems:
        return DEGRADED, f"{when}: {problems}"
    if runs[0].run.status in ("failed", "partial") and (not last or runs[0].run.status == "failed"):
        # a failed run, or a partial one from before runs recorded what failed: only its status to go by
        return DEGRADED, f"{when} ended {runs[0].run.status} (see `pressroom runs` and the log)"
    if quiet.get("silent_days") is not None and quiet["silent_days"] > quiet["silence_limit_days"]:
        usual = "day" if quiet["usual_gap_days"] == 1 else f"{quiet['usual_gap_days']:g} days"
        return DEGRADED, f"nothing published for {quiet['silent_days']} days (usually something every {usual})"
    if not last:
        return HEALTHY, f"{when} ended {runs[0].run.status}"
    found = last.get("counts", {}).get("new", 0)
    return HEALTHY, f"{when}: {count(last.get('list_items', 0), 'item')} listed, {found} new"


def _problems(last: dict[str, Any]) -> str:
    """What went wrong in a run's part of one site, in one phrase ('' if nothing)."""
    counts = last.get("counts", {})
    unparsed = Counter(last.get("unparsed", {}))
    parts = []
    if unparsed:
        reason, _ = unparsed.most_common(1)[0]
        parts.append(f"{count(unparsed.total(), 'page')} did not parse ({reason})")
    list_unparsed = Counter(last.get("list_unparsed", {}))
    if list_unparsed:
        reason, _ = list_unparsed.most_common(1)[0]
        parts.append(f"{count(list_unparsed.total(), 'list page')} did not parse ({reason})")
    if counts.get("blocked"):
        parts.append(f"{counts['blocked']} blocked")
    fetch_failed = counts.get("failed", 0) - unparsed.total() - list_unparsed.total()
    if fetch_failed > 0:
        parts.append(f"{fetch_failed} failed")
    if last.get("list_pages") and not last.get("list_items"):
        parts.append("the list pages gave no items")
    return "; ".join(parts)


def _figures(runs: list[SiteRunRow]) -> dict[str, Any]:
    """The recent runs' figures added up (see README for each name)."""
    unparsed: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for r in runs:
        unparsed.update(r.figures.get("unparsed", {}))
        unparsed.update(r.figures.get("list_unparsed", {}))
        counts = r.figures.get("counts", {})
        total.update(
            pages_parsed=r.figures.get("pages_parsed", 0),
            list_pages=r.figures.get("list_pages", 0),
            list_items=r.figures.get("list_items", 0),
            blocked=counts.get("blocked", 0),
            failed=counts.get("failed", 0),
            new=counts.get("new", 0),
        )
    last = runs[0] if runs else None
    return {
        "runs": len(runs),
        "last_run": last.run.id if last else None,
        "last_run_finished": last.run.finished if last else None,
        "last_run_status": last.run.status if last else None,
        "pages_parsed": total["pages_parsed"],
        "pages_unparsed": unparsed.total(),
        "commonest_parse_failure": unparsed.most_common(1)[0][0] if unparsed else None,
        "blocked": total["blocked"],
        "failed": max(0, total["failed"] - unparsed.total()),
        "list_pages": total["list_pages"],
        "list_items": total["list_items"],
        "new": total["new"],
        "layout_change": last.figures.get("layout_change") if last else None,
    }


def silence(dates: SiteDates, today: date) -> dict[str, Any]:
    """How long the site has published nothing, its usual gap between publication days, and the limit."""
    days = sorted({date.fromisoformat(p[:10]) for p in dates.published if len(p) >= 10}, reverse=True)
    newest = days[0] if days else None
    gaps = [(a - b).days for a, b in zip(days, days[1:], strict=False)]
    usual = float(median(gaps)) if len(days) >= RHYTHM_MIN_DAYS else None
    silent = None
    if newest is not None and usual is not None and dates.watched_since:
        watched = date.fromisoformat(dates.watched_since[:10])
        silent = max(0, (today - max(newest, watched)).days)
    limit = max(SILENCE_MIN_DAYS, SILENCE_FACTOR * usual) if usual is not None else None
    return {
        "last_published": newest.isoformat() if newest else None,
        "last_new": dates.last_new,
        "usual_gap_days": usual,
        "silent_days": silent,
        "silence_limit_days": limit,
    }


def health(archive: Archive, sites: list[str], now: datetime) -> list[Health]:
    """The health of each of `sites`."""
    return [site_health(archive, site, now) for site in sites]
