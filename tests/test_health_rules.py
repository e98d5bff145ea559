"""The health rules one by one: what counts as a layout change in one run, and each verdict from the run
records (written by real runs of an Archive, with the figures a SiteReport gives), and that reindex keeps them."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from archive.recorder import Archive
from crawler.pipeline.health import site_health
from crawler.pipeline.report import SiteReport, reason_of
from tests.test_archive import release

SITE = "mofa.go.kr"
NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("reason", "expected"),
    [
        ("no title (div.bo_head h2)", "no title (div.bo_head h2)"),
        ("no publication date (photo-content__date: '32 Febr')", "no publication date (photo-content__date)"),
        ("no publication date (tried span.date, p.when: 'soon')", "no publication date (tried span.date, p.when)"),
        ("no article (div.photo-content) on the page", "no article (div.photo-content) on the page"),
        ("empty body (div.text.article-content)", "empty body (div.text.article-content)"),
    ],
)
def test_a_reason_loses_the_pages_own_words(reason: str, expected: str) -> None:
    assert reason_of(reason) == expected


def report(parsed: int = 0, unparsed: dict[str, int] | None = None, **lists: object) -> SiteReport:
    site = SiteReport("mid.ru", pages_parsed=parsed, unparsed=Counter(unparsed or {}))
    site.list_pages = int(lists.get("list_pages", 0))  # type: ignore[call-overload]
    site.list_items = int(lists.get("list_items", 0))  # type: ignore[call-overload]
    site.list_unparsed = Counter(lists.get("list_unparsed", {}))  # type: ignore[arg-type]
    return site


@pytest.mark.parametrize(
    ("site", "line"),
    [
        (report(1, {"no title (h1.t)": 4}), "mid.ru: 4 of 5 pages: no title (h1.t) — the page layout may have changed"),
        (report(0, {"no title (h1.t)": 2}), "mid.ru: 2 of 2 pages: no title (h1.t) — the page layout may have changed"),
        (report(0, {"no title (h1.t)": 1}), None),  # one odd page is an odd page
        (report(3, {"no title (h1.t)": 2}), None),  # not most of them
        (report(1, {"no title (h1.t)": 2, "empty body (div.b)": 2}), None),  # two reasons, neither a majority
        (
            report(0, list_unparsed={"no article list (ul.a)": 1}),
            "mid.ru: 1 of 1 list pages: no article list (ul.a) — the page layout may have changed",
        ),
        (report(0, list_pages=2, list_items=40, list_unparsed={"no article list (ul.a)": 1}), None),
        (report(20), None),
    ],
)
def test_what_counts_as_a_layout_change(site: SiteReport, line: str | None) -> None:
    assert site.layout_change() == line


def ran(archive: Archive, site: SiteReport, *, status: str = "ok", command: str = "crawl") -> int:
    """A run of the site that found what `site` says, recorded as a crawl (or `command`) records it."""
    with archive.run(command, [site.site]) as run:
        run.status = status
        run.site_figures = {site.site: site.figures()}
    return run.id


def clean(items: int = 10, new: int = 0) -> SiteReport:
    site = SiteReport(SITE, pages_parsed=new, list_pages=1, list_items=items)
    site.counts["new"] = new
    return site


def test_no_run_yet_is_unknown(tmp_path: Path) -> None:
    assert site_health(Archive(tmp_path), SITE, NOW).verdict == "unknown"


def test_a_clean_run_is_healthy(tmp_path: Path) -> None:
    archive = Archive(tmp_path)
    ran(archive, clean(10, 2))
    health = site_health(archive, SITE, NOW)
    assert (health.verdict, health.reason) == ("healthy", "run 1: 10 items listed, 2 new")
    assert health.figures["list_items"] == 10 and health.figures["new"] == 2


def test_a_page_that_did_not_parse_or_a_blocked_one_degrades(tmp_path: Path) -> None:
    archive = Archive(tmp_path)
    site = clean(10, 4)
    site.problem("failed", "https://x/1: no title (div.bo_head h2)")
    site.page_unparsed("no title (div.bo_head h2)")
    site.problem("blocked", "https://x/2: anti-bot challenge page")
    ran(archive, site, status="partial")
    health = site_health(archive, SITE, NOW)
    assert health.verdict == "degraded"
    assert health.reason == "run 1: 1 page did not parse (no title (div.bo_head h2)); 1 blocked"
    assert health.figures["commonest_parse_failure"] == "no title (div.bo_head h2)"
    assert (health.figures["pages_unparsed"], health.figures["blocked"], health.figures["failed"]) == (1, 1, 0)
    ran(archive, clean())
    assert site_health(archive, SITE, NOW).verdict == "healthy", "the verdict follows the last run"


def test_imports_and_reextractions_do_not_count_toward_the_verdict(tmp_path: Path) -> None:
    archive = Archive(tmp_path)
    # An import-history or reextract run lists no page of the live site: its part looks like an empty, clean run.
    ran(archive, SiteReport(SITE), command="import-history")
    health = site_health(archive, SITE, NOW)
    assert (health.verdict, health.reason) == ("unknown", "no finished crawl, backfill or add run yet")
    broken = SiteReport(SITE, list_pages=1, list_items=10, unparsed=Counter({"no title (div.bo_head h2)": 5}))
    first = ran(archive, broken, status="partial", command="schedule")
    for command in ["import-history", "reextract"] * 6:  # more than the window the figures are read in
        ran(archive, SiteReport(SITE), command=command)
    health = site_health(archive, SITE, NOW)
    assert health.verdict == "broken" and health.reason.startswith(f"run {first}: 5 of 5 pages"), health
    assert (health.figures["runs"], health.figures["last_run"]) == (1, first)
    ran(archive, clean(8, 1), command="backfill")
    ran(archive, SiteReport(SITE), command="import-history")
    assert site_health(archive, SITE, NOW).reason == f"run {first + 13}: 8 items listed, 1 new"


def test_list_pages_without_items_degrade_then_break(tmp_path: Path) -> None:
    archive = Archive(tmp_path)
    for run in range(3):
        ran(archive, clean(items=0))
        health = site_health(archive, SITE, NOW)
        assert health.verdict == ("broken" if run == 2 else "degraded"), health
    assert health.reason == "the list pages gave no items in the last 3 runs"


def test_a_daily_site_silent_for_weeks_is_degraded(tmp_path: Path) -> None:
    start = NOW - timedelta(days=40)
    archive = Archive(tmp_path, clock=lambda: start)
    with archive.run("crawl", [SITE]) as run:
        for day in range(10):  # published daily, the newest 21 days before NOW
            published = date(2026, 5, 2) - timedelta(days=day)
            archive.record(release(doc_id=str(100 + day), published=published), run_id=run.id)
        run.site_figures = {SITE: clean(10, 10).figures()}
    health = site_health(archive, SITE, NOW)
    assert health.verdict == "degraded"
    assert health.reason == "nothing published for 30 days (usually something every day)"
    assert (health.figures["usual_gap_days"], health.figures["silence_limit_days"]) == (1.0, 7)
    assert health.figures["last_published"] == "2026-05-02"
    fresh = site_health(archive, SITE, datetime(2026, 5, 6, tzinfo=UTC))
    assert fresh.verdict == "healthy", "four days of silence from a daily site is a long weekend"


def test_an_archive_of_old_releases_just_begun_is_not_silent(tmp_path: Path) -> None:
    archive = Archive(tmp_path, clock=lambda: NOW)
    with archive.run("crawl", [SITE]) as run:
        for day in range(10):
            archive.record(release(doc_id=str(100 + day), published=date(2021, 1, 10 + day)), run_id=run.id)
        run.site_figures = {SITE: clean(10, 10).figures()}
    health = site_health(archive, SITE, NOW)
    assert health.verdict == "healthy" and health.figures["silent_days"] == 0


def test_reindex_keeps_each_sites_figures(tmp_path: Path) -> None:
    archive = Archive(tmp_path)
    site = clean(5, 1)
    site.page_unparsed("no title (h1.t)")
    ran(archive, site)
    before = archive.site_runs(SITE)
    archive.reindex()
    assert archive.site_runs(SITE) == before and before[0].figures["unparsed"] == {"no title (h1.t)": 1}


def test_runs_recorded_before_the_figures_are_judged_by_their_status(tmp_path: Path) -> None:
    archive = Archive(tmp_path)
    with archive.run("crawl", [SITE]) as run:
        run.status = "partial"  # no site_figures: as a run of an earlier pressroom recorded it
    health = site_health(archive, SITE, NOW)
    assert (health.verdict, health.reason) == ("degraded", "run 1 ended partial (see `pressroom runs` and the log)")
    with archive.run("crawl", [SITE]):
        pass
    assert (site_health(archive, SITE, NOW).verdict, site_health(archive, SITE, NOW).reason) == (
        "healthy",
        "run 2 ended ok",
    )
