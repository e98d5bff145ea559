"""pressroom benchmarks: `python -m bench [extract] [crawl]` prints a table of figures."""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import resource
import tempfile
import time
from pathlib import Path

from archive.recorder import Archive
from crawler.config import Config, SiteConfig
from crawler.engine import Engine
from crawler.sites import SITES

FIXTURES = Path(__file__).parent.parent / "tests" / "fixtures"


def machine() -> str:
    return f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def bench_extract(repeat: int) -> None:
    """Parse time of every fixture page with its site parser, and the bare selectolax parse of the same HTML."""
    from selectolax.lexbor import LexborHTMLParser

    from archive.document import parse_version

    pages = []
    for site_dir in sorted(p for p in FIXTURES.iterdir() if p.is_dir() and p.name in SITES):
        site = SITES[site_dir.name]
        for html_file in sorted(site_dir.glob("*.html")):
            expected = html_file.with_suffix(".txt")
            if expected.exists():
                url = parse_version(expected.read_text(encoding="utf-8"), source=str(expected)).release.url
                pages.append((site, html_file.read_text(encoding="utf-8"), url))
    size = sum(len(h.encode()) for _, h, _ in pages) / len(pages)
    start = time.perf_counter()
    for _ in range(repeat):
        for site, html, url in pages:
            site.parse_release(html, url)
    parse_s = time.perf_counter() - start
    start = time.perf_counter()
    for _ in range(repeat):
        for _, html, _ in pages:
            LexborHTMLParser(html).css_first("body")
    floor_s = time.perf_counter() - start
    n = repeat * len(pages)
    print(f"extract: {len(pages)} fixture pages (mean {size / 1024:.1f} KB) x {repeat}")
    print(f"  site parsers        {n / parse_s:9.0f} pages/s  {parse_s / n * 1e3:6.3f} ms/page")
    print(f"  selectolax alone    {n / floor_s:9.0f} pages/s  {floor_s / n * 1e3:6.3f} ms/page")
    print(f"  parsers / floor     {floor_s / parse_s:9.2f}")


def _mofa_app(count: int):  # type: ignore[no-untyped-def]
    def make():  # type: ignore[no-untyped-def]
        from tests.sim_mofa import MofaSim, make_releases

        return MofaSim(make_releases(count, years=5))

    return make


def bench_crawl(count: int) -> None:
    """Initial crawl of `count` releases and a no-change re-crawl, politeness delays off."""
    from bench.simproc import serving

    site = SITES["mofa.go.kr"]
    with serving(_mofa_app(count)) as base_url, tempfile.TemporaryDirectory() as tmp:
        cfg = SiteConfig(base_url=base_url, min_interval=0.0, collections=("m_5676",), list_pages=-(-count // 10))
        config = Config(sites={site.name: cfg}, contact="bench@example.invalid", attempts=2, backoff=0.01)
        archive = Archive(Path(tmp))
        for label in ("initial crawl", "no-change re-crawl"):
            cpu0, wall0 = time.process_time(), time.perf_counter()
            report = asyncio.run(Engine(archive, config).crawl([site]))
            cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
            totals = report.totals()
            docs = sum(totals.get(k, 0) for k in ("new", "changed", "unchanged", "reverted"))
            written = totals.get("new", 0) + totals.get("changed", 0)
            print(f"crawl ({label}): {docs} documents, {report.requests} requests, {written} versions written")
            print(
                f"  {docs / wall:7.1f} documents/s   {cpu / max(docs, 1) * 1e3:6.2f} ms CPU/document   "
                f"{wall:6.2f} s wall"
            )
        files = sum(1 for _ in Path(tmp).rglob("*.txt"))
        size = sum(p.stat().st_size for p in Path(tmp).rglob("*") if p.is_file())
        print(f"  archive: {files} version files, {size / 1e6:.1f} MB on disk")
    print(f"  peak RSS of the crawler process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("which", nargs="*", help="extract and/or crawl (default: both)")
    parser.add_argument("--repeat", type=int, default=200, help="extraction: passes over the fixture pages")
    parser.add_argument("--releases", type=int, default=2000, help="crawl: simulated releases")
    args = parser.parse_args()
    args.which = args.which or ["extract", "crawl"]
    print(f"machine: {machine()}")
    if "extract" in args.which:
        bench_extract(args.repeat)
    if "crawl" in args.which:
        bench_crawl(args.releases)


if __name__ == "__main__":
    main()
