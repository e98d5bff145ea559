"""The growth curve: how long each command takes, and how much memory, as the archive grows to a million.

For each size: a synthetic archive (`bench.synth`) plus the newest releases of the mofa.go.kr simulator, crawled
for real; then every command runs as a user runs it, in its own `pressroom` process (so the times include
Python's start, as a person or a cron job meets them), and its wall time and peak RSS are taken.
"""

from __future__ import annotations

import math
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from bench import synth
from bench.crawl import mofa_app
from bench.simproc import serving

SIM_RELEASES = 150  # the simulator's releases: the newest list pages and the documents due for a revisit
QUERIES = (
    "cooperation",  # in most English documents
    "bilateral cooperation",
    '"foreign affairs"',
    "semiconductors vaccine",  # rarer terms
    "сотрудничество",
    "министр иностранных дел",
    "ещё",  # folded to еще
    "외교",  # a Hangul bigram inside 외교부는, 외교장관
    "반도체",
    "переговорах",  # stemmed: finds переговоры
    "Kore*",  # a prefix
    '"foreign affairs" OR дружбы',
    "cooperation -semiconductors",
    "NEAR(bilateral cooperation, 5)",
)
GNU_TIME = "/usr/bin/time"
PRESSROOM = str(Path(sys.executable).with_name("pressroom"))


@dataclass
class Row:
    """One line of the table: a command's figures at every size."""

    label: str
    seconds: dict[int, float] = field(default_factory=dict)
    rss_mb: dict[int, float] = field(default_factory=dict)
    cpu: dict[int, float] = field(default_factory=dict)
    note: dict[int, str] = field(default_factory=dict)


def timed(args: list[str], *, output: Path | None = None) -> tuple[float, float, float, str]:
    """Run `pressroom ARGS`; return wall seconds, peak RSS in MB, CPU seconds and the last line on stderr.

    CPU time (user + system) is given beside wall time because the machine may be shared.

    The peak RSS comes from GNU time, a small process: Linux carries a process's high-water mark over
    exec(), so a child forked from this (large) process would report this process's size as its own.
    """
    with tempfile.NamedTemporaryFile("r", prefix="rss-", suffix=".txt") as rss_file:
        with open(output or os.devnull, "wb") as out:
            start = time.perf_counter()
            proc = subprocess.run(
                [GNU_TIME, "-f", "%M %U %S", "-o", rss_file.name, PRESSROOM, *args], stdout=out, stderr=subprocess.PIPE
            )
            wall = time.perf_counter() - start
        rss, user, system = rss_file.read().split()[-3:]
        rss_kb = int(rss)

    err = proc.stderr.decode(errors="replace").strip()
    last = err.splitlines()[-1] if err else ""
    if proc.returncode not in (0, 1):
        raise SystemExit(f"pressroom {' '.join(args)} failed ({proc.returncode}): {last}")
    return wall, rss_kb / 1024, float(user) + float(system), last


def write_config(path: Path, list_pages: int) -> Path:
    """Settings for the simulated mofa.go.kr: no politeness delay, one board."""
    path.write_text(
        '[pressroom]\ncontact = "bench@example.invalid"\n\n[sites."mofa.go.kr"]\n'
        f'min_interval = 0\nlist_pages = {list_pages}\ncollections = ["m_5676"]\n',
        encoding="utf-8",
    )
    return path


def prepare(root: Path, size: int, base_url: str) -> float:
    """Crawl the simulator's releases for real, add the synthetic rest; return the seconds the synthesis took."""
    seed_config = write_config(root.parent / f"seed-{size}.toml", -(-SIM_RELEASES // 10))
    timed(["--archive", str(root), "--config", str(seed_config), "--base-url", f"mofa.go.kr={base_url}", "-q",
           "crawl", "mofa.go.kr"])  # fmt: skip
    now = synth.utc_now()
    start = time.perf_counter()
    synth.write(root, size - SIM_RELEASES, now)
    return time.perf_counter() - start


def make_overdue(root: Path) -> None:
    """Date the crawled releases' last visit long ago: they are the revisits the timed crawl will choose."""
    db = sqlite3.connect(root / "catalog.sqlite")
    with db:
        db.execute("UPDATE documents SET last_visit = ? WHERE CAST(doc_id AS INTEGER) < ?", (
            synth.format_captured(synth.utc_now() - timedelta(days=400)), synth.FIRST_ID))  # fmt: skip
    db.close()


def one_document(root: Path) -> str:
    """A document with two versions (what `history` and `diff` are shown)."""
    db = sqlite3.connect(root / "catalog.sqlite")
    try:
        row = db.execute("SELECT key FROM documents WHERE latest_version = 2 ORDER BY key LIMIT 1").fetchone()
    finally:
        db.close()
    return str(row[0])


READY = "bench-ready"  # written into an archive once it is complete: a later run may reuse it


def build(size: int, scratch: Path, base_url: str) -> Path:
    """The archive of `size` documents in `scratch`: one a previous `--prepare-only` run left, or a new one."""
    root = scratch / f"scale-{size}"
    if (root / READY).exists():
        print(f"scale {size:,}: reusing the archive prepared in {root} (kept afterwards)", flush=True)
        return root
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    took = prepare(root, size, base_url)
    (root / READY).write_text(f"{size}\n", encoding="utf-8")
    print(f"scale {size:,}: synthetic archive written in {took:.0f} s", flush=True)
    return root


def measure(size: int, scratch: Path, rows: dict[str, Row]) -> None:
    """Build an archive of `size` documents (or reuse a prepared one) and time every command on it."""
    with serving(mofa_app(SIM_RELEASES, prerender=True)) as base_url:
        reused = (scratch / f"scale-{size}" / READY).exists()
        root = build(size, scratch, base_url)
        base = ["--archive", str(root)]
        key = one_document(root)
        since = synth.format_captured(synth.utc_now() - timedelta(days=30))[:10]

        def record(label: str, args: list[str], output: Path | None = None) -> str:
            wall, rss, cpu, last = timed(base + args, output=output)
            row = rows.setdefault(label, Row(label))
            row.seconds[size], row.rss_mb[size], row.cpu[size] = wall, rss, cpu
            print(f"  {label:<28} {wall:8.2f} s  cpu {cpu:7.2f} s  {rss:6.0f} MB  {last[:70]}", flush=True)
            return last

        record("start-up (pressroom --version)", ["--version"])
        record("status", ["status"])
        searches = [timed(base + ["search", q]) for q in QUERIES]
        n = len(QUERIES)
        for label, pick in ((f"search, median of {n} queries", statistics.median), (f"search, worst of {n}", max)):
            row = rows.setdefault(label, Row(label))
            row.seconds[size] = pick(s for s, _, _, _ in searches)
            row.rss_mb[size] = max(r for _, r, _, _ in searches)
            row.cpu[size] = pick(c for _, _, c, _ in searches)
            print(
                f"  {label:<28} {row.seconds[size]:8.2f} s  cpu {row.cpu[size]:7.2f} s  {row.rss_mb[size]:6.0f} MB",
                flush=True,
            )
        record("history (one document)", ["history", key])
        record("diff (one document)", ["diff", key])
        record("changes, last 30 days", ["changes", "--since", since])
        make_overdue(root)
        crawl_config = write_config(root.parent / f"crawl-{size}.toml", 2)
        record("crawl, nothing new", ["--config", str(crawl_config), "--base-url", f"mofa.go.kr={base_url}",
                                      "crawl", "mofa.go.kr"])  # fmt: skip
        record("changes, all", ["changes"])
        export = root.parent / f"export-{size}.jsonl"
        record("export, everything", ["export", "--output", str(export)])
        export.unlink()
        record("reindex", ["reindex"])
        search_in_process(root, size, rows)
    disk = rows.setdefault("archive on disk (GB)", Row("archive on disk (GB)"))
    du = subprocess.run(["du", "-sk", str(root)], capture_output=True, text=True, check=True).stdout.split()[0]
    catalog = (root / "catalog.sqlite").stat().st_size
    disk.seconds[size] = int(du) * 1024 / 1e9
    disk.note[size] = f"catalog {catalog / 1e9:.2f}"
    print(f"  archive on disk {disk.seconds[size]:.2f} GB (catalog {catalog / 1e9:.2f} GB)", flush=True)
    if not reused:
        shutil.rmtree(root)


def search_in_process(root: Path, size: int, rows: dict[str, Row]) -> None:
    """Search without Python's start-up: the 20 best hits of each query and their snippets, as `search` shows
    them; and how much of the catalog the search index takes (it holds each text exact and stemmed)."""
    from archive import search
    from archive.recorder import Archive

    archive = Archive(root)
    timings, cpu = [], []
    for query in QUERIES:
        start, start_cpu = time.perf_counter(), time.process_time()
        for hit in archive.search(query):
            release = archive.version(hit.key, hit.version)[1].release
            search.snippet(release.body, query, language=release.language)
        timings.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    index = archive.catalog.db.execute("SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'search%'").fetchone()[0]
    archive.close()
    label = f"search in-process, worst of {len(QUERIES)}"
    row = rows.setdefault(label, Row(label))
    row.seconds[size], row.cpu[size] = max(timings), max(cpu)
    row.rss_mb[size] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    worst = QUERIES[timings.index(max(timings))]
    print(
        f"  {label:<28} {max(timings) * 1000:8.1f} ms  cpu {max(cpu) * 1000:.1f} ms"
        f"  (median {statistics.median(timings) * 1000:.1f} ms; worst: {worst})"
    )
    print(f"  search index {index / 1e6:.0f} MB of the catalog", flush=True)


def growth(figures: dict[int, float], base: dict[int, float] | None = None) -> str:
    """Constant, log or linear: the exponent k of t ~ n^k between the smallest and the largest size, of the
    time above Python's start-up (`base`), which would otherwise hide how the work itself grows."""
    sizes = sorted(figures)
    if len(sizes) < 2 or min(figures.values()) <= 0:
        return "-"
    excess = {n: figures[n] - (base or {}).get(n, 0.0) for n in sizes}
    if base and max(excess.values()) < 0.1:
        return "constant (within start-up noise)"
    k = math.log(max(excess[sizes[-1]], 0.02) / max(excess[sizes[0]], 0.02)) / math.log(sizes[-1] / sizes[0])
    name = "constant" if k < 0.1 else "log" if k < 0.5 else "linear" if k < 1.2 else "worse than linear"
    return f"{name} (n^{k:.2f})"


def table(rows: dict[str, Row], sizes: list[int]) -> str:
    """The curve as a Markdown table."""
    head = "| command | " + " | ".join(f"{n:,} documents" for n in sizes) + " | growth |"
    lines = [head, "|---|" + "---|" * (len(sizes) + 1)]
    start = rows.get("start-up (pressroom --version)")
    for row in rows.values():
        # CPU time, when there is one: wall time on a shared machine also counts the other users' work.
        base = (
            (start.cpu or start.seconds) if start and row is not start and not row.label.startswith("archive") else None
        )
        if row.label.startswith("archive"):
            cells = [f"{row.seconds[n]:.2f} GB ({row.note[n]})" for n in sizes]
        else:
            cells = [f"{row.seconds[n]:.2f} s (CPU {row.cpu.get(n, 0):.2f} s), {row.rss_mb[n]:.0f} MB" for n in sizes]
        lines.append(f"| {row.label} | " + " | ".join(cells) + f" | {growth(row.cpu or row.seconds, base)} |")
    return "\n".join(lines)


def run(sizes: list[int], scratch: Path, *, prepare_only: bool = False) -> str:
    """Measure every size, print the table and return it (with `prepare_only`, write the archives and stop)."""
    rows: dict[str, Row] = {}
    if prepare_only:
        for size in sizes:
            with serving(mofa_app(SIM_RELEASES, prerender=True)) as base_url:
                build(size, scratch, base_url)
        return ""
    for size in sizes:
        measure(size, scratch, rows)
    text = table(rows, sizes)
    print("\nscale: wall time and peak RSS of each command, in its own process\n" + text, flush=True)
    return text
