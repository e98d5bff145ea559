"""Crawling figures against the mofa.go.kr simulator on 127.0.0.1, running in its own process."""

from __future__ import annotations

import asyncio
import resource
import tempfile
import time
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from archive import diff
from archive import search as fts
from archive.recorder import Archive
from bench.simproc import serving
from crawler.config import Config, SiteConfig
from crawler.pipeline.backfill import Backfill
from crawler.pipeline.engine import Engine
from crawler.sites import SITES

SITE = SITES["mofa.go.kr"]


def mofa_app(count: int, years: int = 5, *, prerender: bool = False) -> Any:
    def make() -> Any:
        from tests.sim_mofa import MofaSim, make_releases

        sim = MofaSim(make_releases(count, years=years))
        if prerender:  # the simulator stands in for a remote server: keep its page rendering out of the timing
            sim.prerender()
        return sim

    return make


def config_for(base_url: str, *, interval: float = 0.0, pages: int = 1) -> Config:
    cfg = SiteConfig(base_url=base_url, min_interval=interval, collections=("m_5676",), list_pages=pages)
    return Config(sites={SITE.name: cfg}, contact="bench@example.invalid", attempts=2, backoff=0.01)


def rss_mb() -> float:
    """Current resident set size of this process."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def children_cpu() -> float:
    """CPU seconds of this process's ended children (the fetch process of each run)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def crawl(count: int, runs: int, scratch: Path) -> dict[str, float]:
    """Initial crawl of `count` releases and a no-change re-crawl, politeness delays off, `runs` times over.

    The machine's speed varies from run to run (the same CPU loop takes 0.6 to 1.2 s here), so every run is
    printed and the median and best are reported. Each run's archive stays in `scratch` until the whole
    bench is over (see `bench.__main__.scratch_dir`).
    """
    rates: dict[str, list[float]] = {"initial": [], "recrawl": []}
    figures: dict[str, float] = {}
    for _ in range(runs):
        with serving(mofa_app(count, prerender=True)) as base_url:
            archive = Archive(Path(tempfile.mkdtemp(prefix="crawl-", dir=scratch)))
            config = config_for(base_url, pages=-(-count // 10))
            for label in ("initial", "recrawl"):
                cpu0, wall0, kids0 = time.process_time(), time.perf_counter(), children_cpu()
                report = asyncio.run(Engine(archive, config).crawl([SITE]))
                cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
                fetch_cpu = children_cpu() - kids0  # the fetch process, ended and waited for by now
                totals = report.totals()
                docs = sum(totals.get(k, 0) for k in ("new", "changed", "unchanged", "reverted"))
                written = totals.get("new", 0) + totals.get("changed", 0)
                rates[label].append(docs / wall)
                figures |= {
                    f"{label}_cpu_ms": cpu / docs * 1000,
                    f"{label}_fetch_cpu_ms": fetch_cpu / docs * 1000,
                    f"{label}_requests": report.requests,
                    f"{label}_written": written,
                }
                print(
                    f"crawl, {label:8}: {docs} documents in {wall:5.1f} s = {docs / wall:6.1f} documents/s, "
                    f"CPU/document {cpu / docs * 1000:4.2f} ms + {fetch_cpu / docs * 1000:4.2f} ms in the fetch "
                    f"process, {report.requests} requests, {written} versions written"
                )
            archive.close()
    for label, values in rates.items():
        values.sort()
        figures[f"{label}_docs_s"] = values[len(values) // 2]
        figures[f"{label}_best_docs_s"] = values[-1]
        print(
            f"crawl, {label:8}: median {values[len(values) // 2]:.1f} documents/s over {runs} runs "
            f"(best {values[-1]:.1f}, worst {values[0]:.1f})"
        )
    return figures


def politeness(count: int, interval: float, scratch: Path) -> float:
    """Wall time of a crawl divided by (requests x interval): 1.0 is the politeness floor itself."""
    with serving(mofa_app(count, prerender=True)) as base_url:
        config = config_for(base_url, interval=interval, pages=-(-count // 10))
        start = time.perf_counter()
        archive = Archive(Path(tempfile.mkdtemp(prefix="politeness-", dir=scratch)))
        report = asyncio.run(Engine(archive, config).crawl([SITE]))
        wall = time.perf_counter() - start
        archive.close()
    ratio = wall / (report.requests * interval)
    print(
        f"politeness: {report.requests} requests at {interval * 1000:.0f} ms spacing took {wall:.2f} s: "
        f"overhead ratio {ratio:.3f}"
    )
    return ratio


# Plain words (stemmed), a number, a phrase with OR, a prefix, a negation, NEAR and a field: the query forms.
SEARCHES = (
    "bilateral cooperation",
    "Consultation 1234",
    "energy culture",
    "unofficial translation",
    '"foreign affairs" OR consultations',
    "Kore*",
    "cooperation -energy",
    "NEAR(bilateral cooperation, 5)",
    "title:consultation",
)


def scale(count: int, scratch: Path) -> dict[str, float]:
    """A backfill of `count` releases, then reindex, diff, search, and memory over repeated runs."""
    figures: dict[str, float] = {}
    with serving(mofa_app(count, years=5)) as base_url:
        root = Path(tempfile.mkdtemp(prefix="scale-", dir=scratch))
        archive = Archive(root)
        config = config_for(base_url, pages=2)
        start = time.perf_counter()
        report = asyncio.run(Backfill(archive, config).run(SITE, date(2020, 1, 1), date(2024, 12, 31)))
        wall = time.perf_counter() - start
        new = report.totals().get("new", 0)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        size = sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
        texts = sum(p.stat().st_size for p in root.rglob("*.txt"))
        print(
            f"scale: backfill of {new} releases in {wall:.0f} s ({new / wall:.0f}/s), {report.requests} requests, "
            f"peak RSS {peak:.0f} MB"
        )
        print(f"  archive on disk {size / 1e6:.0f} MB (version files {texts / 1e6:.0f} MB, the rest catalog and WARC)")
        figures |= {"backfill_docs": new, "backfill_s": wall, "peak_rss_mb": peak, "disk_mb": size / 1e6}

        start = time.perf_counter()
        archive.reindex()
        figures["reindex_s"] = time.perf_counter() - start
        print(f"  reindex of {new} documents: {figures['reindex_s']:.1f} s")

        key = next(iter(archive.catalog.documents())).key
        _, first = archive.version(key)
        edited = replace(first.release, body=(*first.release.body[:-1], "An edited last paragraph."))
        archive.record(edited)
        timings = []
        for _ in range(20):
            start = time.perf_counter()
            (_, a), (_, b) = archive.version(key, 1), archive.version(key, 2)
            diff.unified(a, b, old_label="v1", new_label="v2")
            diff.word(a, b)
            timings.append(time.perf_counter() - start)
        figures["diff_ms"] = sorted(timings)[len(timings) // 2] * 1000
        timings = []
        for query in SEARCHES:
            start = time.perf_counter()
            for hit in fts.search(archive.catalog.db, query):
                fts.snippet(archive.version(hit.key)[1].release.body, query, language="en")
            timings.append(time.perf_counter() - start)
        figures["search_ms"] = max(timings) * 1000
        print(
            f"  diff (read two versions, unified + word): median {figures['diff_ms']:.1f} ms; "
            f"search (20 hits with snippets): worst of {len(SEARCHES)} queries {figures['search_ms']:.1f} ms"
        )

        rss = []
        for _ in range(5):
            asyncio.run(Engine(archive, config).crawl([SITE]))
            rss.append(rss_mb())
        print("  RSS after each of 5 scheduled-style runs (MB): " + ", ".join(f"{r:.0f}" for r in rss))
        figures["rss_runs"] = rss[-1] - rss[0]
        archive.close()
    return figures
