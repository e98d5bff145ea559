"""pressroom benchmarks, run by hand: `python -m bench [extract] [crawl] [politeness] [backfill] [publish] [scale]
[history] [check]`.

Prints figures; asserts nothing. Each section runs in a fresh process, and the simulator in its own, so the
crawler's CPU and memory figures are its own. trafilatura is installed only for this (`pip install -e '.[bench]'`).
`scale` (the growth curve to a million documents, an hour or more) and `history` (an import of past versions
from the web-archive simulator at the default rates, some 20 minutes) run only when named; `check` imports what
every section needs and runs a quick import of past versions (its correctness figures, never its times), so an
installation can be checked in seconds.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from bench import crawl, extract, history, publish, scale

SECTIONS = ("extract", "crawl", "politeness", "backfill")  # the default run
# publish: 6 minutes more (a 20,000-document archive, published 3 times); history: 20 minutes (the rates bound it)
ON_REQUEST = ("publish", "scale", "history", "check")


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as info:
            cpu = next((ln.split(":", 1)[1].strip() for ln in info if ln.startswith("model name")), cpu)
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"


@contextlib.contextmanager
def scratch_dir(given: str | None) -> Iterator[Path]:
    """Where the runs' archives go: kept until the whole bench is over, then removed.

    Deleting a run's archive (some 5,000 files and folders) right before the next run would slow that run
    down: for a minute or more after a mass deletion, ext4 skips the freed inodes when it allocates new ones
    and reads their inode-table blocks to find out, which here made every mkdir and file creation of the
    next crawl several times dearer (system time per document 0.7 ms after a pause, 1.4 ms after three
    deleting runs). A crawl into a real archive is not preceded by such a deletion.
    """
    if given:
        yield Path(given)
        return
    with tempfile.TemporaryDirectory(prefix="pressroom-bench-") as tmp:
        yield Path(tmp)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("which", nargs="*", help=f"sections to run (default: all of {', '.join(SECTIONS)})")
    parser.add_argument("--repeat", type=int, default=30, help="extraction: passes over the fixture pages")
    parser.add_argument("--releases", type=int, default=2000, help="crawl: simulated releases")
    parser.add_argument("--runs", type=int, default=3, help="crawl: runs (the median and best are reported)")
    parser.add_argument("--interval", type=float, default=0.05, help="politeness: per-host spacing, seconds")
    parser.add_argument("--backfill-releases", type=int, default=20000, help="backfill: releases to backfill")
    parser.add_argument("--publish-documents", type=int, default=20000, help="publish: documents in the archive")
    parser.add_argument("--sizes", default="10000,100000,1000000", help="scale: archive sizes, comma-separated")
    parser.add_argument("--docs", type=int, default=1000, help="history: documents in the web archive")
    parser.add_argument("--captures", type=int, default=5, help="history: captures of each document")
    parser.add_argument(
        "--rate-scale",
        type=float,
        default=1.0,
        help="history: multiply the web archive's and the site's rates (a quick run; the figures say so)",
    )
    parser.add_argument(
        "--prepare-only",
        action="store_true",
        help="scale: write the archives into --scratch and stop; a later run there reuses them",
    )
    parser.add_argument("--scratch", help="where the runs' archives go (default: a temporary folder, removed after)")
    parser.add_argument("--quiet-machine", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    chosen = args.which or list(SECTIONS)
    unknown = [name for name in chosen if name not in SECTIONS + ON_REQUEST]
    if unknown:
        parser.error(f"unknown section {unknown[0]!r} (choose from {', '.join(SECTIONS + ON_REQUEST)})")
    if args.docs < 1 or args.captures < 1 or args.rate_scale <= 0:
        parser.error("--docs and --captures must be at least 1, --rate-scale above 0")
    if "check" in chosen:
        check()
        with scratch_dir(args.scratch) as scratch:
            history.check(scratch)
        return
    with scratch_dir(args.scratch) as scratch:
        if len(chosen) > 1:  # each section in a fresh process: one's imports and heap must not weigh on the next
            print(f"machine: {machine()}", flush=True)
            options = [f"--repeat={args.repeat}", f"--releases={args.releases}", f"--runs={args.runs}"]
            options += [f"--interval={args.interval}", f"--backfill-releases={args.backfill_releases}"]
            options += [f"--publish-documents={args.publish_documents}"]
            options += [f"--sizes={args.sizes}", f"--scratch={scratch}"]
            options += [f"--docs={args.docs}", f"--captures={args.captures}", f"--rate-scale={args.rate_scale}"]
            for section in chosen:
                subprocess.run([sys.executable, "-m", "bench", section, *options, "--quiet-machine"], check=True)
            return
        if not args.quiet_machine:
            print(f"machine: {machine()}")
        if "extract" in chosen:
            extract.run(args.repeat)
        if "crawl" in chosen:
            crawl.crawl(args.releases, args.runs, scratch)
        if "politeness" in chosen:
            crawl.politeness(100, args.interval, scratch)
        if "backfill" in chosen:
            crawl.scale(args.backfill_releases, scratch)
        if "publish" in chosen:
            publish.run(args.publish_documents, scratch)
        if "scale" in chosen:
            scale.run(sizes(args.sizes), scratch, prepare_only=args.prepare_only)
        if "history" in chosen:
            history.bench(args.docs, args.captures, args.rate_scale, scratch)


def sizes(text: str) -> list[int]:
    """The --sizes list."""
    try:
        values = sorted({int(part.replace("_", "")) for part in text.split(",") if part.strip()})
    except ValueError:
        raise SystemExit(f"--sizes: expected numbers separated by commas, got {text!r}") from None
    if not values or values[0] <= scale.SIM_RELEASES:
        raise SystemExit(f"--sizes: every size must exceed {scale.SIM_RELEASES} (the simulator's releases)")
    return values


def check() -> None:
    """Import what every section needs, trafilatura included, and parse one page with it."""
    try:
        import trafilatura

        trafilatura.extract("<html><body><article><p>pressroom bench check</p></article></body></html>")
    except ImportError as exc:
        raise SystemExit(f"bench check: {exc} (install the bench extra: pip install -e '.[bench]')") from None
    print(f"bench check: every section's imports resolve (trafilatura {trafilatura.__version__})")


if __name__ == "__main__":
    main()
