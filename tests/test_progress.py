"""Progress and log lines as a person sees them: under a pseudo-terminal a bar kept below the log lines;
through a pipe plain lines only; -v and -vv adding what README says they add."""

from __future__ import annotations

import logging
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import FAST_CONFIG
from tests.ptyrun import PtyProcess, run_pty
from tests.sim_mofa import MofaSim, make_releases
from tests.simserver import Reply, SimServer

ROOT = Path(__file__).parent.parent


@pytest.fixture
def slow_sim() -> Iterator[tuple[MofaSim, SimServer]]:
    """40 releases, each view page a little slow, so a bar is redrawn many times while lines are logged."""
    sim = MofaSim(make_releases(40, start_year=2024, years=2))
    sim.delay = 0.03
    with SimServer(sim) as server:
        yield sim, server


def args(tmp_path: Path, server: SimServer, *rest: str, config: str = FAST_CONFIG) -> list[str]:
    path = tmp_path / "pressroom.toml"
    path.write_text(config, encoding="utf-8")
    return ["--archive", str(tmp_path / "a"), "--config", str(path), "--base-url", f"mofa={server.base_url}", *rest]


def bar_lines(screen: list[str], label: str) -> list[str]:
    return [line for line in screen if re.search(rf"{label} \[[#-]+\]|{label}: looking", line)]


def test_backfill_bar_stays_below_the_log_lines(tmp_path: Path, slow_sim: tuple[MofaSim, SimServer]) -> None:
    _, server = slow_sim
    result = run_pty(args(tmp_path, server, "backfill", "mofa", "--since", "2024-01-01", "--until", "2025-12-31"))
    assert result.returncode == 0, result.text
    screen = result.screen
    new = [line for line in screen if "mofa.go.kr/m_5676/" in line]
    assert len(new) == 40 and all(line.startswith("new mofa.go.kr/m_5676/") for line in new), screen
    bars = bar_lines(screen, "backfill")
    assert len(bars) == 1, f"one bar on the screen, not a copy per redraw:\n{chr(10).join(screen)}"
    assert re.match(r"backfill \[#{30}\] 40/40 ", bars[0]), bars
    assert screen.index(bars[0]) > max(screen.index(line) for line in new), "the bar is below the log lines"
    assert result.output.count(b"\r\x1b[K") > 40, "every log line erased the bar first"


def test_crawl_shows_progress_on_a_terminal(tmp_path: Path, slow_sim: tuple[MofaSim, SimServer]) -> None:
    _, server = slow_sim
    result = run_pty(args(tmp_path, server, "crawl", "mofa"))
    assert result.returncode == 0, result.text
    screen = result.screen
    found = int(re.search(r"mofa\.go\.kr: (\d+) new", "\n".join(screen)).group(1))  # type: ignore[union-attr]
    (bar,) = bar_lines(screen, "crawl")
    assert re.match(rf"crawl \[#{{30}}\] {found}/{found}  [0-9.]+/s  ETA 0:00$", bar), bar
    assert screen[-2:] == [f"mofa.go.kr: {found} new", screen[-1]] and screen[-1].startswith("run 1: ")


def test_a_crawl_that_finds_nothing_leaves_no_bar(tmp_path: Path) -> None:
    sim = MofaSim(make_releases(3))
    sim.fail_next("/robots.txt", *[Reply(503, "down")] * 10)
    with SimServer(sim) as server:
        result = run_pty(args(tmp_path, server, "crawl", "mofa"))
    assert result.returncode == 1, result.text
    assert not bar_lines(result.screen, "crawl"), "\n".join(result.screen)
    assert any(line.startswith("failed mofa.go.kr: ") for line in result.screen), result.screen


def test_crawl_through_a_pipe_has_no_bar(tmp_path: Path, slow_sim: tuple[MofaSim, SimServer]) -> None:
    _, server = slow_sim
    done = subprocess.run(
        [sys.executable, "-m", "crawler", *args(tmp_path, server, "crawl", "mofa")],
        capture_output=True,
        timeout=120,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert b"\r" not in done.stderr and b"\x1b" not in done.stderr and b"crawl [" not in done.stderr
    assert done.stderr.decode().splitlines()[-2].startswith("mofa.go.kr: ")


def test_log_progress_every_few_seconds_and_at_the_end() -> None:
    from crawler.progress import LogProgress

    now = [0.0]
    lines: list[str] = []
    progress = LogProgress("crawl", monotonic=lambda: now[0])
    progress.add(30)

    class Catch(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(record.getMessage())

    log = logging.getLogger("crawler.progress")
    catch, level = Catch(), log.level
    log.addHandler(catch)
    log.setLevel(logging.INFO)
    try:
        for _ in range(30):
            now[0] += 1.0
            progress.advance()
    finally:
        log.removeHandler(catch)
        log.setLevel(level)
    assert lines == [
        "crawl: 10/30 done, 1.0/s, ETA 0:20",
        "crawl: 20/30 done, 1.0/s, ETA 0:10",
        "crawl: 30/30 done, 1.0/s, ETA 0:00",
    ]


@pytest.mark.parametrize("fetch_process", ["true", "false"])
def test_vv_logs_every_http_request(tmp_path: Path, mofa_sim: tuple[MofaSim, SimServer], fetch_process: str) -> None:
    _, server = mofa_sim
    config = FAST_CONFIG.replace("[pressroom]\n", f"[pressroom]\nfetch_process = {fetch_process}\n")
    result = run_pty(args(tmp_path, server, "-vv", "crawl", "mofa", config=config))
    assert result.returncode == 0, result.text
    screen = result.screen
    requests = int(re.search(r"run 1: (\d+) requests", "\n".join(screen)).group(1))  # type: ignore[union-attr]
    sent = [line for line in screen if line.startswith(f"HTTP Request: GET {server.base_url}/")]
    assert len(sent) == requests > 12, screen
    assert len(bar_lines(screen, "crawl")) == 1


def test_v_adds_detail_and_default_does_not(tmp_path: Path, mofa_sim: tuple[MofaSim, SimServer]) -> None:
    _, server = mofa_sim
    assert run_pty(args(tmp_path, server, "crawl", "mofa")).returncode == 0
    plain = run_pty(args(tmp_path, server, "crawl", "mofa"))
    verbose = run_pty(args(tmp_path, server, "-v", "crawl", "mofa"))
    assert plain.returncode == verbose.returncode == 0
    assert not any(line.startswith(("unchanged ", "HTTP Request")) for line in plain.screen), plain.screen
    unchanged = [line for line in verbose.screen if line.startswith("unchanged mofa.go.kr/m_5676/")]
    assert len(unchanged) == 12, verbose.screen
    assert any(re.match(r"mofa\.go\.kr: \d+ items on http", line) for line in verbose.screen)
    assert not any(line.startswith("HTTP Request") for line in verbose.screen)


def test_bar_fits_a_narrow_terminal(tmp_path: Path, slow_sim: tuple[MofaSim, SimServer]) -> None:
    _, server = slow_sim
    result = run_pty(args(tmp_path, server, "crawl", "mofa"), columns=40)
    assert result.returncode == 0, result.text
    screen = result.screen
    bars = [line for line in screen if line.startswith("crawl [")]
    assert len(bars) == 1 and len(bars[0]) < 40, "a wrapped bar would leave a copy per redraw:\n" + "\n".join(screen)


def test_ctrl_c_message_lands_above_the_bar(tmp_path: Path, slow_sim: tuple[MofaSim, SimServer]) -> None:
    sim, server = slow_sim
    sim.delay = 0.2  # long enough a crawl to be interrupted in the middle
    run = PtyProcess(args(tmp_path, server, "crawl", "mofa"))
    try:
        run.expect(rb"crawl \[#+-+\] [1-9]/20 ")
        run.send_signal(signal.SIGINT)
        result = run.wait()
    finally:
        run.close()
    screen = result.screen
    assert "SIGINT: finishing the document in hand, then stopping" in screen, screen
    assert len(bar_lines(screen, "crawl")) == 1, screen
    stopped = screen.index("mofa.go.kr: stopping early, as asked")
    assert screen[stopped + 1].startswith("crawl [") and not screen[stopped + 1].endswith(" 20/20  ETA 0:00")


def test_quiet_crawl_draws_no_bar(tmp_path: Path, mofa_sim: tuple[MofaSim, SimServer]) -> None:
    _, server = mofa_sim
    result = run_pty(args(tmp_path, server, "-q", "crawl", "mofa"))
    assert result.returncode == 0, result.text
    assert b"\r\x1b[K" not in result.output and not bar_lines(result.screen, "crawl")
    assert result.screen == ["mofa.go.kr: 12 new", "run 1: 16 requests"]


def test_dumb_terminal_gets_plain_lines(tmp_path: Path, mofa_sim: tuple[MofaSim, SimServer]) -> None:
    _, server = mofa_sim
    result = run_pty(args(tmp_path, server, "crawl", "mofa"), env={"TERM": "dumb"})
    assert result.returncode == 0, result.text
    assert b"\x1b" not in result.output and not bar_lines(result.screen, "crawl")
    assert result.screen[-2:] == ["mofa.go.kr: 12 new", "run 1: 16 requests"]
