"""`python -m bench history`: past versions from the web archive, imported at the default rates.

An archive holding the live site's releases (crawled from the mofa.go.kr simulator first, untimed), then an
`import-history mofa.go.kr` of their past captures from the web-archive simulator, both simulators in their
own processes. The figures: what was written, requests per lane and the rate each lane kept, measured on the
servers' side (the time every request arrived), wall time against the time the rates alone need, CPU and
peak memory of the importing process and of its fetch process.
"""

from __future__ import annotations

import asyncio
import tempfile
import threading
import time
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from archive.recorder import Archive
from bench import histsim
from bench.procstat import children_cpu, sampling
from bench.simproc import served
from crawler.config import Config
from crawler.pipeline.backfill import Backfill
from crawler.sites import SITES

SITE = SITES["mofa.go.kr"]
LANES = ("CDX", "captures", "live")


@dataclass
class Lane:
    """One lane's requests as the server saw them, and the rate it was allowed (requests a second)."""

    name: str
    allowed: float
    times: list[float] = field(default_factory=list)

    @property
    def span(self) -> float:
        """Seconds from the lane's first request to its last."""
        return self.times[-1] - self.times[0] if len(self.times) > 1 else 0.0

    @property
    def rate(self) -> float:
        """Requests a second kept: intervals over the span (a gate spaces request starts, so n requests
        take n - 1 intervals)."""
        return (len(self.times) - 1) / self.span if self.span else 0.0

    @property
    def floor(self) -> float:
        """The seconds the allowed rate alone needs for these requests."""
        return (len(self.times) - 1) / self.allowed if len(self.times) > 1 else 0.0


@dataclass
class Figures:
    """What one import did and what it cost."""

    plan: histsim.Plan
    rate_scale: float
    wall: float = 0.0
    versions: int = 0
    sightings: int = 0
    events: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    failed: int = 0  # captures that could not be fetched
    reported: dict[str, int] = field(default_factory=dict)  # requests per lane as the import counted them
    lanes: dict[str, Lane] = field(default_factory=dict)
    other: int = 0  # robots.txt and anything else the servers answered
    cpu: float = 0.0
    fetch_cpu: float = 0.0
    rss_mb: float = 0.0
    fetch_rss_mb: float = 0.0


def base_config(live_url: str, wayback_url: str, rate_scale: float, *, setup: bool = False) -> Config:
    """The default settings, pointed at the simulators, every rate multiplied by `rate_scale` (the setup
    crawl that fills the archive first runs unspaced: it is not what is measured)."""
    defaults = Config(sites={})
    site = SITE.defaults  # the site's own settings: its spacing (1 s) included
    interval = 0.0 if setup else site.min_interval / rate_scale
    cfg = replace(site, base_url=live_url, min_interval=interval, collections=("m_5676",), list_pages=1)
    return replace(
        defaults,
        sites={name: other.defaults for name, other in SITES.items()} | {SITE.name: cfg},
        contact="bench@example.invalid",
        wayback_url=wayback_url,
        wayback_cdx_per_minute=defaults.wayback_cdx_per_minute * rate_scale,
        wayback_captures_per_second=defaults.wayback_captures_per_second * rate_scale,
    )


def allowed(config: Config) -> dict[str, float]:
    """Each lane's allowed rate, requests a second."""
    live = config.site(SITE.name).min_interval
    return {
        "CDX": config.wayback_cdx_per_minute / 60,
        "captures": config.wayback_captures_per_second,
        "live": 1 / live if live else float("inf"),
    }


def fill_live(root: Path, config: Config) -> Archive:
    """The common case: the live site's releases are archived already (a backfill of the simulator)."""
    archive = Archive(root)
    asyncio.run(Backfill(archive, config).run(SITE, date(2018, 1, 1), date(2024, 12, 31)))
    return archive


def run(plan: histsim.Plan, rate_scale: float, scratch: Path) -> Figures:
    """Fill an archive from the live simulator, import the plan's captures, and measure the import."""
    from crawler.pipeline.history import HistoryImport, Target

    figures = Figures(plan, rate_scale)
    with (
        served(lambda: histsim.live_app(plan), histsim.request_log) as live,
        served(lambda: histsim.wayback_app(plan), histsim.request_log) as wayback,
    ):
        root = Path(tempfile.mkdtemp(prefix="history-", dir=scratch))
        archive = fill_live(root, base_config(live.base_url, wayback.base_url, 1.0, setup=True))
        config = base_config(live.base_url, wayback.base_url, rate_scale)
        importer = HistoryImport(archive, config)
        assert threading.active_count() == 1, "a thread would keep the import from fetching in its own process"
        with sampling() as peaks:
            cpu0, kids0, start = time.process_time(), children_cpu(), time.monotonic()
            asyncio.run(importer.run([Target(SITE)]))
            figures.wall = time.monotonic() - start
            figures.cpu, figures.fetch_cpu = time.process_time() - cpu0, children_cpu() - kids0
        archive.close()
    figures.rss_mb, figures.fetch_rss_mb = peaks
    report = importer.report
    figures.versions, figures.sightings, figures.events = report.versions, report.sightings, report.events
    figures.skipped = dict(report.skipped) | ({"unparsable": report.unparsable.total()} if report.unparsable else {})
    figures.reported = {lane: report.requests[lane] for lane in LANES}
    figures.failed = report.failed
    figures.lanes = {name: Lane(name, rate) for name, rate in allowed(config).items()}
    for when, lane in sorted(live.report + wayback.report):
        if when < start:
            continue  # the setup crawl
        if lane in figures.lanes:
            figures.lanes[lane].times.append(when)
        else:
            figures.other += 1
    return figures


def per_second(value: float) -> str:
    """A rate, short: 4.98/s, or 0.40/s (24/min) where a minute reads better."""
    if value < 1:
        return f"{value:.2f}/s ({value * 60:.3g}/min)"
    return f"{value:.3g}/s"


def show(figures: Figures) -> list[str]:
    """The figures as the bench prints them."""
    plan, scale = figures.plan, figures.rate_scale
    rates = "the default rates" if scale == 1 else f"the default rates x {scale:g} (a quick run: not the real ones)"
    skipped = ", ".join(f"{n} {reason}" for reason, n in sorted(figures.skipped.items())) or "none"
    skipped += f"; {figures.failed:,} could not be fetched" if figures.failed else ""
    lines = [
        f"history: import-history of {plan.docs:,} documents x {plan.captures} captures at {rates}; "
        f"{plan.live:,} archived live first, {plan.withdrawn:,} gone from the live site",
        f"  written: {figures.versions:,} versions (a correct import writes {plan.expected_versions():,}), "
        f"{figures.sightings:,} sightings, {figures.events:,} events; skipped: {skipped}",
        "  requests: "
        + ", ".join(f"{len(figures.lanes[lane].times):,} {lane}" for lane in LANES)
        + f" (the import counted {', '.join(f'{figures.reported[lane]:,}' for lane in LANES)}); "
        + f"{figures.other} other (robots.txt)",
    ]
    for lane in LANES:
        kept = figures.lanes[lane]
        if len(kept.times) > 1:
            lines.append(
                f"  {lane + ':':9} {len(kept.times):,} in {kept.span:,.0f} s = {per_second(kept.rate)} "
                f"of {per_second(kept.allowed)} allowed ({kept.rate / kept.allowed:.1%})"
            )
    floor = sum(kept.floor for kept in figures.lanes.values())
    lines += [
        f"  wall time {figures.wall:,.0f} s; the rates alone need {floor:,.0f} s: "
        f"{floor / figures.wall:.1%} of the time is the rates' (the rest: parsing, archiving, lane changes)",
        f"  CPU {figures.cpu:,.1f} s in the importing process + {figures.fetch_cpu:,.1f} s in the fetch process; "
        f"peak RSS {figures.rss_mb:,.0f} MB + {figures.fetch_rss_mb:,.0f} MB in the fetch process (forked from the "
        "importer: the pages they share count in both; sampled every 0.25 s)",
    ]
    return lines


def bench(docs: int, captures: int, rate_scale: float, scratch: Path) -> Figures:
    """`python -m bench history`: run and print."""
    plan = histsim.Plan(docs, captures)
    print(f"history: preparing {docs:,} documents x {captures} captures...", flush=True)
    figures = run(plan, rate_scale, scratch)
    print("\n".join(show(figures)), flush=True)
    return figures


def check(scratch: Path) -> None:
    """`bench check`'s quick import: its correctness figures, never its times (CI machines vary)."""
    plan = histsim.Plan(20, 3)
    figures = run(plan, 100.0, scratch)
    served = {lane: len(figures.lanes[lane].times) for lane in LANES}
    problems = []
    if figures.versions != plan.expected_versions():
        problems.append(f"{figures.versions} versions written, expected {plan.expected_versions()}")
    if served["captures"] != plan.docs * plan.captures:
        problems.append(f"{served['captures']} captures fetched, expected {plan.docs * plan.captures}")
    if served["CDX"] < 1 or served["live"] < plan.withdrawn:
        problems.append(
            f"{served['CDX']} CDX and {served['live']} live requests (expected at least 1 and {plan.withdrawn})"
        )
    if figures.reported["CDX"] != served["CDX"] or figures.reported["captures"] != served["captures"]:
        problems.append(f"the import counted {figures.reported} requests; the servers answered {served}")
    for lane in ("CDX", "captures"):  # faster than allowed is a broken gate, on any machine
        kept = figures.lanes[lane]
        if kept.rate > kept.allowed * 1.1:
            problems.append(f"{lane} kept {kept.rate:.1f}/s, above the {kept.allowed:.1f}/s allowed")
    if figures.skipped or figures.failed:
        problems.append(
            f"captures skipped {figures.skipped}, {figures.failed} failed (each capture of the scenario is the release)"
        )
    if problems:
        raise SystemExit("bench check, history: " + "; ".join(problems))
    print(
        f"bench check: history import of {plan.docs} x {plan.captures} captures as expected "
        f"({figures.versions} versions, requests {served})"
    )
