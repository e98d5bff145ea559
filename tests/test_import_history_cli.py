"""import-history as a person runs it: the bar on a terminal, Ctrl-C and its rerun, one-line argument errors."""

from __future__ import annotations

import re
import signal
import subprocess
import threading
from pathlib import Path

import pytest

from tests.conftest import FAST_CONFIG, Pressroom
from tests.procs import assert_nothing_left, descendants, stderr_lines, wait_line
from tests.ptyrun import run_pty
from tests.sim_mofa import MofaSim
from tests.simserver import Reply, Request, SimServer
from tests.test_import_history_resume import CAPTURES, DOCS, Tiny, captures, command
from tests.test_import_history_scenarios import request_figures

ROOT = Path(__file__).parent.parent


def config(tmp_path: Path, rate: int = 200) -> Path:
    path = tmp_path / "pressroom.toml"
    path.write_text(
        FAST_CONFIG.replace("captures_per_second = 10000", f"captures_per_second = {rate}"), encoding="utf-8"
    )
    return path


def test_import_bar_stays_below_the_log_lines(tmp_path: Path) -> None:
    with SimServer(Tiny(captures())) as wb, SimServer(MofaSim([])) as site:
        argv = command(tmp_path / "a", config(tmp_path), wb.base_url, site.base_url)[3:]
        result = run_pty([*argv, "import-history", "mofa"])
    assert result.returncode == 0, result.text
    screen = result.screen
    captured = [line for line in screen if line.startswith("captured mofa.go.kr/m_5676/")]
    assert len(captured) == DOCS * 2, screen
    bars = [line for line in screen if re.search(r"import \[[#-]+\]|import: looking", line)]
    assert len(bars) == 1, "\n".join(screen)
    # the captures worth fetching (adjacent repeats of one text are not) and the live visits of the documents
    # known only from the web archive
    assert re.match(rf"import \[#{{30}}\] {DOCS * 3}/{DOCS * 3} ", bars[0]), bars
    assert screen.index(bars[0]) > max(screen.index(line) for line in captured), "the bar is below the log lines"
    assert screen[-1].startswith("run 1: ")


def test_sigint_stops_an_import_which_says_so_and_resumes(tmp_path: Path) -> None:
    tiny = Tiny(captures())
    reached, release = threading.Event(), threading.Event()
    served = [0]

    def app(request: Request) -> Reply:
        if request.path.startswith("/web/"):
            served[0] += 1
            if served[0] == 20 and not release.is_set():
                reached.set()  # in the middle of the captures: hold it there until the test has signalled
                release.wait(60)
        return tiny(request)

    with SimServer(app) as wb, SimServer(MofaSim([])) as site:
        # slow enough that the captures fetched ahead still wait for their turn when the signal comes
        argv = [*command(tmp_path / "a", config(tmp_path, 10), wb.base_url, site.base_url), "import-history", "mofa"]
        proc = subprocess.Popen(argv, stderr=subprocess.PIPE, text=True, cwd=ROOT)
        lines, reader = stderr_lines(proc.stderr)
        try:
            assert reached.wait(60), "the import never reached its 20th capture"
            children = descendants(proc.pid)
            proc.send_signal(signal.SIGINT)
            seen: list[str] = []
            wait_line(lines, "SIGINT: finishing", 1, seen)  # the look-ahead behind the held capture stays unsent
            release.set()
            proc.wait(60)
            reader.join(60)
        finally:
            release.set()
            proc.kill()
        stderr = "".join(seen + [lines.get() for _ in range(lines.qsize())])
        assert proc.returncode == 130, stderr
        assert_nothing_left(children)
        assert "Traceback" not in stderr
        notes = [line for line in stderr.splitlines() if line.startswith("import interrupted by SIGINT: ")]
        assert len(notes) == 1, stderr
        assert re.search(
            rf": [1-9]\d* of the {DOCS} documents found are imported; run the same command again", notes[0]
        )
        assert "live check" not in stderr, "a stopped import visits nothing live"
        figures = request_figures(stderr)  # only requests sent: the look-ahead a stop dropped is in none
        assert figures["CDX"] == len([r for r in wb.log if r.path == "/cdx/search/cdx"]), stderr
        assert figures["captures"] + figures["redirect"] == len([r for r in wb.log if r.path.startswith("/web/")])
        assert figures["robots.txt"] == len([r for r in wb.log if r.path == "/robots.txt"])
        assert (figures["live"], figures["total"]) == (len(site.log), len(wb.log) + len(site.log)), stderr

        config(tmp_path)
        resumed = subprocess.run(argv, capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert resumed.returncode == 0, resumed.stderr
    assert "resuming the import" in resumed.stderr
    assert f"live check of mofa.go.kr: {DOCS} withdrawn" in resumed.stderr
    versions = sorted(p.name[:3] for p in (tmp_path / "a" / "mofa.go.kr").rglob("*.txt"))
    assert versions == sorted(["001", "002"] * DOCS)
    assert len([r for r in tiny.requests if r.startswith("/web/")]) <= DOCS * (CAPTURES - 1) + CAPTURES * 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nosuch"], "Invalid value for SITE|DOC: unknown site 'nosuch'; known sites: mofa.go.kr (mofa)"),
        (["https://example.org/x"], "Invalid value for SITE|DOC: https://example.org/x is no release URL of any site"),
        (["mofa/m_5676/1"], "no document mofa.go.kr/m_5676/1 in the archive at "),
        (["--since", "2019-13-01", "mofa"], "Error: --since 2019-13-01: not a date (YYYY-MM-DD)"),
        (["--until", "last week", "mofa"], "Error: --until last week: not a date (YYYY-MM-DD)"),
        (["--since", "2020-01-01", "--until", "2019-01-01", "mofa"], "--since 2020-01-01 is after --until 2019-01-01"),
        ([], "Missing argument 'SITE|DOC...'"),
    ],
)
def test_bad_arguments_are_one_line_each(pressroom: Pressroom, args: list[str], message: str) -> None:
    result = pressroom("import-history", *args, ok=False)
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1 and message in errors[0], result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("args", [["--since", "2019-13-01"], ["--since", "2020-01-01", "--until", "2019-01-01"]])
def test_a_bad_date_is_one_line(pressroom: Pressroom, args: list[str]) -> None:
    result = pressroom("import-history", "mofa", *args, ok=False)
    assert result.exit_code == 2
    assert [line for line in result.stderr.splitlines() if line.strip()] == [
        next(line for line in result.stderr.splitlines() if line.startswith("Error: --"))
    ], result.stderr
