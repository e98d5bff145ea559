"""The fetch process: crawls through it equal crawls without it, errors and log lines cross the pipe, its
death fails the URLs (never the archive), it does not keep the archive's lock, and a stop drops look-aheads."""

from __future__ import annotations

import asyncio
import logging
import os
import re
import signal
import subprocess
import sys
import threading
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from archive.recorder import Archive
from crawler.config import Config, SiteConfig
from crawler.errors import FetchError
from crawler.net.factory import FetcherFactory
from crawler.net.fetcher import Policy
from crawler.net.process import FetchProcess
from crawler.pipeline.engine import Engine, SiteReport
from crawler.pipeline.stop import Stop
from crawler.sites import SITES
from tests.conftest import FAST_CONFIG
from tests.procs import (
    GONE_TIMEOUT_S,
    alive,
    assert_nothing_left,
    descendants,
    kill_run,
    open_files,
    process_name,
    stderr_lines,
    wait_for,
    wait_line,
)
from tests.sim_mofa import MofaSim, make_releases
from tests.simserver import Reply, Request, SimServer

SITE = SITES["mofa.go.kr"]
ROOT = Path(__file__).parent.parent


def config(base_url: str, **site: object) -> Config:
    cfg = SiteConfig(base_url=base_url, min_interval=0.0, collections=("m_5676",), list_pages=3, **site)  # type: ignore[arg-type]
    return Config(sites={SITE.name: cfg}, contact="tests@example.invalid", attempts=2, backoff=0.01, timeout=5)


def crawl(root: Path, base_url: str, *, fork: bool, revisit_all: bool = False) -> tuple[dict[str, int], int]:
    archive = Archive(root)
    try:
        with archive.writing():
            engine = Engine(
                archive, config(base_url), revisit_all=revisit_all, fetchers=FetcherFactory(fetch_process=fork)
            )
            report = asyncio.run(engine.crawl([SITE]))
        return report.totals(), report.requests
    finally:
        archive.close()


def files(root: Path) -> dict[str, str]:
    """Every version file's path and text, with the capture time masked."""
    out = {}
    for path in sorted(root.rglob("*.txt")):
        lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if not ln.startswith("Captured: ")]
        out[path.relative_to(root).as_posix()] = "\n".join(lines)
    return out


def test_a_crawl_through_the_fetch_process_equals_one_without(tmp_path: Path) -> None:
    results = {}
    for fork in (True, False):
        sim = MofaSim(make_releases(25, start_year=2024, years=1))
        with SimServer(sim) as server:
            first = crawl(tmp_path / str(fork), server.base_url, fork=fork)
            sim.edit(sim_seq(sim, 3), body=["1. An edited first paragraph."])
            sim.remove(sim_seq(sim, 5))
            second = crawl(tmp_path / str(fork), server.base_url, fork=fork, revisit_all=True)
        results[fork] = (first, second, files(tmp_path / str(fork)))
    assert results[True] == results[False]
    (first_counts, _), (second_counts, _), texts = results[True]
    assert first_counts["new"] == 25
    assert second_counts["changed"] == 1 and second_counts.get("missing") == 1
    assert any("An edited first paragraph." in t for t in texts.values())


def sim_seq(sim: MofaSim, index: int) -> int:
    return sorted(seq for _, seq in sim.releases)[-index]


def test_errors_and_parse_failures_cross_from_the_fetch_process(tmp_path: Path) -> None:
    sim = MofaSim(make_releases(12, start_year=2024, years=1))
    seqs = sorted((seq for _, seq in sim.releases), reverse=True)
    view = "/eng/brd/m_5676/view.do?seq="
    gate = "<html><body><noscript>Please enable JavaScript to view the page content.</noscript></body></html>"
    sim.fail_next(f"{view}{seqs[0]}", Reply(200, gate))  # any site's JavaScript gate (mofa.go.kr has no markers)
    sim.fail_next(
        f"{view}{seqs[1]}", Reply(200, "<html><body><div>no release here</div>" + "x" * 30000 + "</body></html>")
    )
    sim.fail_next(f"{view}{seqs[2]}", *[Reply(503, "busy")] * 2)  # every try of two
    with SimServer(sim) as server:
        counts, requests = crawl(tmp_path, server.base_url, fork=True)
    assert counts == {"blocked": 1, "failed": 2, "new": 9}
    assert requests > 12
    archive = Archive(tmp_path)
    rows = archive.catalog.db.execute("SELECT kind, url, detail FROM observations WHERE kind != 'new'").fetchall()
    archive.close()
    details = {(kind, url.rsplit("=", 1)[-1]): detail for kind, url, detail in rows}
    assert "anti-bot challenge" in details[("blocked", str(seqs[0]))]
    assert str(seqs[1]) in details[("failed", str(seqs[1]))]  # the parser's error
    assert "HTTP 503" in details[("failed", str(seqs[2]))]


def test_the_fetch_process_log_lines_reach_the_parent(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    sim = MofaSim(make_releases(3, start_year=2024, years=1))
    sim.fail_next("/robots.txt", *[Reply(500, "down")] * 5)
    caplog.set_level(logging.DEBUG, logger="crawler")  # the child logs the robots.txt outage as detail
    with SimServer(sim) as server:
        counts, _ = crawl(tmp_path, server.base_url, fork=True)
    assert counts.get("new") is None and counts["failed"] >= 1
    forwarded = [r for r in caplog.records if r.name == "crawler.net.politeness" and "robots.txt" in r.getMessage()]
    assert forwarded, [r.getMessage() for r in caplog.records]


def test_a_dead_fetch_process_fails_the_urls_and_never_the_archive(tmp_path: Path) -> None:
    sim = MofaSim(make_releases(30, start_year=2024, years=1))
    sim.delay = 0.02
    with SimServer(sim) as server:
        crawl(tmp_path, server.base_url, fork=True)  # 30 versions
        before = files(tmp_path)
        sim.edit(sim_seq(sim, 1), body=["1. Edited."])
        archive = Archive(tmp_path)
        engine = Engine(archive, config(server.base_url), fetchers=FetcherFactory(fetch_process=True))
        report = SiteReport(SITE.name)

        async def run() -> bool:
            async with engine.open_fetcher([SITE]) as fetcher:
                assert isinstance(fetcher, FetchProcess)
                urls = [
                    f"https://www.mofa.go.kr/eng/brd/m_5676/view.do?seq={seq}"
                    for seq in sorted((s for _, s in sim.releases), reverse=True)
                ]

                def kill_after_two(url: str, kind: str) -> None:
                    if sum(report.counts.values()) == 2:
                        os.kill(fetcher._process.pid, signal.SIGKILL)

                return await engine.visit_many(fetcher, SITE, urls, report, 1, done=kill_after_two)

        stopped = asyncio.run(run())
        archive.close()
    assert not stopped
    assert sum(report.counts.values()) == 30
    assert report.counts["failed"] >= 30 - 2 - 3  # at most three were fetched ahead before the kill
    died = [p for p in report.problems if "fetch process exited unexpectedly" in p]
    assert died and all("view.do?seq=" in p for p in died)  # each failure names its URL
    after = files(tmp_path)
    assert {k: v for k, v in after.items() if k in before} == before  # nothing archived was touched


def test_the_fetch_process_holds_nothing_of_the_archive(tmp_path: Path) -> None:
    archive = Archive(tmp_path)
    with archive.writing(), archive.run("test", []):  # the WAL and the run log exist
        held = {os.path.realpath(p) for p in open_files(os.getpid())}
        archive_files = {p for p in held if p.startswith(str(tmp_path.resolve()))}
        assert {Path(p).name for p in archive_files} >= {".pressroom.lock", "catalog.sqlite", "catalog.sqlite-wal"}

        async def child_fds() -> list[str]:
            async with FetchProcess(config("http://127.0.0.1:9")) as fetcher:
                with pytest.raises(FetchError):  # answered: the child is up and serving
                    await fetcher.get("http://127.0.0.1:9/", Policy(frozenset({"127.0.0.1"}), 0.0, False))
                return open_files(fetcher._process.pid)

        links = asyncio.run(child_fds())
    archive.close()
    assert links and not archive_files & {os.path.realpath(p) for p in links}


def _run_cmd(root: Path, base_url: str) -> list[str]:
    cfg = root / "pressroom.toml"
    cfg.write_text(FAST_CONFIG, encoding="utf-8")
    return [sys.executable, "-m", "crawler", "--archive", str(root / "a"), "--config", str(cfg),
            "--base-url", f"mofa={base_url}", "crawl", "mofa"]  # fmt: skip


def _fetch_process_of(pid: int) -> int:
    """The fetch process of the run `pid`, once it has one."""
    found: list[int] = []
    wait_for(lambda: found.extend(p for p in descendants(pid) if process_name(p) == "pressroom-fetch") or found,
             "the fetch process to start")  # fmt: skip
    return found[0]


def test_kill_9_of_a_crawl_leaves_no_fetch_process(tmp_path: Path) -> None:
    sim = MofaSim(make_releases(40, start_year=2024, years=1))
    sim.delay = 0.05  # a crawl of several seconds: killed in the middle of it
    with SimServer(sim) as server:
        proc = subprocess.Popen(_run_cmd(tmp_path, server.base_url), stderr=subprocess.DEVNULL, cwd=ROOT)
        try:
            child = _fetch_process_of(proc.pid)
            wait_for(lambda: sum(sim.views.values()) >= 3, "the crawl to fetch releases")
            catalog = str((tmp_path / "a" / "catalog.sqlite").resolve())
            assert not [p for p in open_files(child) if p.startswith(catalog)], "the child holds the catalog"
            started = kill_run(proc)
        finally:
            proc.kill()
        assert child in started
        assert_nothing_left(started)


def test_sigterm_ends_the_fetch_process_and_the_run_reports_it(tmp_path: Path) -> None:
    sim = MofaSim(make_releases(40, start_year=2024, years=1))
    sim.delay = 0.05
    with SimServer(sim) as server:
        proc = subprocess.Popen(_run_cmd(tmp_path, server.base_url), stderr=subprocess.PIPE, text=True, cwd=ROOT)
        try:
            child = _fetch_process_of(proc.pid)
            wait_for(lambda: sum(sim.views.values()) >= 3, "the crawl to fetch releases")
            os.kill(child, signal.SIGTERM)
            assert_nothing_left({child})
            _, stderr = proc.communicate(timeout=60)
        finally:
            proc.kill()
    assert proc.returncode == 1, stderr
    assert "the fetch process exited unexpectedly (exit code -15)" in stderr
    assert "Traceback" not in stderr
    assert stderr.rstrip().splitlines()[-2].startswith("mofa.go.kr: "), "the summary is printed"


def test_sigterm_to_the_whole_group_stops_the_run_without_failures(tmp_path: Path) -> None:
    """As systemd stops a service: every process of the group gets SIGTERM, the fetch process dies at once,
    with a release page in flight that the run was waiting for."""
    sim = MofaSim(make_releases(40, start_year=2024, years=1))
    in_flight, release = threading.Event(), threading.Event()
    views = []

    def app(request: Request) -> Reply:
        if request.path.endswith("view.do"):
            views.append(request)
            if len(views) == 3:
                in_flight.set()  # the run has archived two releases and waits for this one
                release.wait(30)
        return sim(request)

    with SimServer(app) as server:
        proc = subprocess.Popen(
            _run_cmd(tmp_path, server.base_url), stderr=subprocess.PIPE, text=True, cwd=ROOT, start_new_session=True
        )
        lines, reader = stderr_lines(proc.stderr)
        seen: list[str] = []
        try:
            child = _fetch_process_of(proc.pid)
            assert in_flight.wait(60), "the crawl never asked for its third release"
            wait_line(lines, "new mofa.go.kr/", 2, seen)  # the two before it are archived: the run waits for it
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(60)
            reader.join(60)
        finally:
            release.set()
            proc.kill()
        while not lines.empty():
            seen.append(lines.get())
        stderr = "".join(seen)
    assert_nothing_left({child})
    assert proc.returncode == 128 + signal.SIGTERM, stderr
    assert "Traceback" not in stderr
    assert re.search(r"^mofa\.go\.kr: 2 new$", stderr, re.MULTILINE), stderr
    assert "failed" not in stderr, stderr
    archive = Archive(tmp_path / "a")
    try:
        assert [run.status for run in archive.runs()] == ["interrupted"]
        kinds = {o.kind for d in archive.catalog.documents() for o in archive.catalog.observations(d.key)}
        assert kinds == {"new"}, "no URL is recorded as failed because the stop took the fetch process too"
    finally:
        archive.close()


def test_the_fetch_process_exits_when_its_pipe_closes(tmp_path: Path) -> None:
    async def run() -> tuple[int, int | None]:
        fetcher = await FetchProcess(config("http://127.0.0.1:9")).__aenter__()
        with pytest.raises(FetchError):  # answered: the child is up and serving
            await fetcher.get("http://127.0.0.1:9/", Policy(frozenset({"127.0.0.1"}), 0.0, False))
        assert fetcher._conn is not None and fetcher._loop is not None
        fetcher._loop.remove_reader(fetcher._conn.fileno())
        fetcher._conn.close()  # what a parent's death does on any system, without PR_SET_PDEATHSIG
        try:
            fetcher._process.join(GONE_TIMEOUT_S)
            return fetcher._process.pid, fetcher._process.exitcode
        finally:
            if fetcher._process.is_alive():  # only if the test failed: never leave it behind
                fetcher._process.kill()

    pid, code = asyncio.run(run())
    assert code == 0, "a clean exit of its own, not a kill"
    assert not alive(pid)


def test_a_stop_drops_the_pages_fetched_ahead(tmp_path: Path) -> None:
    sim = MofaSim(make_releases(10, start_year=2024, years=1))
    with SimServer(sim) as server:
        archive = Archive(tmp_path)
        stop = Stop()
        engine = Engine(archive, config(server.base_url), stop=stop, fetchers=FetcherFactory(fetch_process=True))
        report = SiteReport(SITE.name)
        urls = [f"https://www.mofa.go.kr/eng/brd/m_5676/view.do?seq={s}" for _, s in sorted(sim.releases)]
        done: list[str] = []

        def stop_after_three(url: str, kind: str) -> None:
            done.append(url)
            if len(done) == 3:
                stop.set()

        async def run() -> bool:
            async with engine.open_fetcher([SITE]) as fetcher:
                return await engine.visit_many(fetcher, SITE, urls, report, 1, done=stop_after_three)

        stopped = asyncio.run(run())
        keys = [d.key for d in archive.catalog.documents()]
        archive.close()
    assert stopped
    assert done == urls[:3] and len(keys) == 3 and report.counts == {"new": 3}


def test_when_the_fetch_process_is_used() -> None:
    cfg = config("http://127.0.0.1:9")
    assert FetcherFactory().use_fetch_process(replace(cfg, fetch_process=False)) is False
    assert FetcherFactory(transport=httpx.MockTransport(lambda r: httpx.Response(200))).use_fetch_process(cfg) is False
    threads_alive = threading.active_count() > 1  # e.g. a simulator thread of another test
    assert FetcherFactory().use_fetch_process(cfg) is not threads_alive
    assert FetcherFactory(fetch_process=True).use_fetch_process(cfg) is True


# Written but not flushed when the fetch process forks: the child, flushing its copy when it exits, would
# write it a second time unless the parent's buffer was emptied first (multiprocessing does, before fork).
_BUFFERED_BEFORE_FORK = """
import asyncio, sys
from crawler.config import Config
from crawler.net.process import FetchProcess
async def main() -> None:
    async with FetchProcess(Config(sites={}, contact="tests@example.invalid")):
        pass
sys.stdout.write("written before the fork\\n")
sys.stderr.write("warned before the fork\\n")
asyncio.run(main())
"""


def test_output_buffered_before_the_fork_is_written_once() -> None:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # buffered, as a pipe makes it
    result = subprocess.run(
        [sys.executable, "-c", _BUFFERED_BEFORE_FORK], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "written before the fork\n"
    assert result.stderr == "warned before the fork\n"


class _SlowParent:
    """The parent's end of the pipe, as a busy parent sees it: its "close" is read only after the child is gone."""

    def __init__(self, process: FetchProcess) -> None:
        self.process = process
        self.conn = process._conn

    def send(self, message: object) -> None:
        assert self.conn is not None
        self.conn.send(message)
        if message == ("close",):
            self.process._process.join(GONE_TIMEOUT_S)  # the child's goodbye and its pipe's end now wait together
            assert self.process._process.exitcode == 0

    def __getattr__(self, name: str) -> object:
        return getattr(self.conn, name)


def test_a_goodbye_read_with_the_end_of_the_pipe_is_a_clean_close(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="crawler")

    async def go() -> FetchProcess:
        process = FetchProcess(Config(sites={}, contact="tests@example.invalid"))
        async with process:
            process._conn = _SlowParent(process)  # type: ignore[assignment]
        return process

    process = asyncio.run(go())
    assert process._dead is None
    assert not [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
