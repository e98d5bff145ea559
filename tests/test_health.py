"""Health per site and the layout-change exit status, end to end against the mid.ru and archive.mid.ru
simulators: mid.ru's release pages lose their title element, archive.mid.ru goes on as before."""

from __future__ import annotations

import json
import re
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from tests.conftest import FAST_CONFIG, MID_CONFIG, Pressroom
from tests.procs import wait_for
from tests.ptyrun import run_pty
from tests.sim_ministry import MINISTRY_TABLE, MinistrySim
from tests.simserver import Reply, Request, SimServer

TITLE = re.compile(r'<h1 class="photo-content__title">.*?</h1>', re.S)
LAYOUT_EXIT = 3


class Relayout:
    """A simulator whose pages can lose an element, as a site's new layout would drop or rename it."""

    def __init__(self, app: object) -> None:
        self.app = app
        self.drop: re.Pattern[str] | None = None
        self.only = ""  # drop it only from the pages whose path holds this

    def __call__(self, request: Request) -> Reply:
        reply: Reply = self.app(request)  # type: ignore[operator]
        if self.drop is not None and isinstance(reply.body, str) and self.only in request.path:
            return replace(reply, body=self.drop.sub("", reply.body))
        return reply


@pytest.fixture
def sims() -> Iterator[tuple[Relayout, SimServer, SimServer]]:
    from tests.fixtures.build_mid import current_articles, old_articles
    from tests.sim_mid import MidSim, OldMidSim

    current = Relayout(MidSim([a for _, a in current_articles()]))
    with SimServer(current) as cur, SimServer(OldMidSim([a for _, a in old_articles()])) as old:
        yield current, cur, old


@pytest.fixture
def run(tmp_path: Path, sims: tuple[Relayout, SimServer, SimServer]) -> Pressroom:
    config = tmp_path / "mid.toml"
    config.write_text(MID_CONFIG, encoding="utf-8")
    return Pressroom(tmp_path / "archive", config, {"mid": sims[1].base_url, "archive.mid.ru": sims[2].base_url})


def health(run: Pressroom) -> dict[str, dict[str, object]]:
    return {s["site"]: s for s in map(json.loads, run("status", "--json").stdout.splitlines())}


def archived(root: Path, site: str) -> list[str]:
    return (
        sorted(p.relative_to(root).as_posix() for p in (root / site).rglob("*.txt")) if (root / site).is_dir() else []
    )


def test_a_layout_change_breaks_one_site_in_one_run_and_its_repair_heals_it(
    run: Pressroom, sims: tuple[Relayout, SimServer, SimServer]
) -> None:
    sims[0].drop = TITLE
    result = run("crawl", "mid.ru", "archive.mid.ru", ok=None)
    assert result.exit_code == LAYOUT_EXIT, result.output
    # One of mid.ru's five pages is in the announcements layout, whose title is another element: it parses.
    line = "mid.ru: 4 of 5 pages: no title (h1.photo-content__title) — the page layout may have changed"
    assert line in result.stderr.splitlines()
    assert "archive.mid.ru: 5 new" in result.stderr
    kept = [name.rsplit("/", 1)[0] for name in archived(run.archive, "mid.ru")]
    assert kept == ["mid.ru/id/1792974/en"], "nothing archived from a page that did not parse"
    assert len(archived(run.archive, "archive.mid.ru")) == 5
    sites = health(run)
    assert sites["mid.ru"]["verdict"] == "broken"
    assert "no title (h1.photo-content__title)" in str(sites["mid.ru"]["reason"])
    figures = sites["mid.ru"]["health"]
    assert isinstance(figures, dict)
    assert figures["pages_unparsed"] == 4 and figures["commonest_parse_failure"] == "no title (h1.photo-content__title)"
    assert sites["archive.mid.ru"]["verdict"] == "healthy"
    text = run("status").stdout.splitlines()
    assert [t for t in text if t.startswith("mid.ru: ")] == [
        "mid.ru: broken — run 1: 4 of 5 pages: no title (h1.photo-content__title), the page layout may have changed"
    ]
    sims[0].drop = None
    result = run("crawl", "mid.ru", "archive.mid.ru")
    assert "mid.ru: 4 new, 1 unchanged" in result.stderr and "layout" not in result.stderr
    assert len(archived(run.archive, "mid.ru")) == 5
    assert health(run)["mid.ru"]["verdict"] == "healthy"
    assert "mid.ru: healthy — run 2: " in run("status").stdout


def test_one_odd_page_is_a_partial_failure_not_a_layout_change(
    run: Pressroom, sims: tuple[Relayout, SimServer, SimServer]
) -> None:
    sims[0].drop, sims[0].only = TITLE, "/1899422/"  # one release, in English and in Russian: 2 of 5 pages
    result = run("crawl", "mid.ru", ok=None)
    assert result.exit_code == 1, result.output
    assert "may have changed" not in result.stderr and "mid.ru: 3 new, 2 failed" in result.stderr
    sites = health(run)
    assert sites["mid.ru"]["verdict"] == "degraded"
    assert sites["mid.ru"]["reason"] == "run 1: 2 pages did not parse (no title (h1.photo-content__title))"


BROKEN_TITLE = ('title = ["h2.pr-title", "h1"]', 'title = ["h3.pr-title"]')


@pytest.fixture
def ministry(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """The user-defined ministry of tests/sim_ministry.py, its title selector wrong (a layout it no longer has)."""
    config = tmp_path / "pressroom.toml"
    config.write_text((FAST_CONFIG + MINISTRY_TABLE).replace(*BROKEN_TITLE), encoding="utf-8")
    with SimServer(MinistrySim()) as server:
        yield config, server.base_url


def test_the_layout_change_summary_on_a_terminal(tmp_path: Path, ministry: tuple[Path, str]) -> None:
    config, base = ministry
    args = ["--archive", str(tmp_path / "a"), "--config", str(config), "--base-url", f"exampleland={base}"]
    result = run_pty([*args, "crawl", "mfa.example"])
    assert result.returncode == LAYOUT_EXIT, result.text
    assert "mfa.example: 2 failed" in result.screen
    line = "mfa.example: 2 of 2 pages: no title (tried h3.pr-title) — the page layout may have changed"
    assert line in result.screen
    assert not list((tmp_path / "a").glob("mfa.example/**/*.txt")), "nothing archived from pages that did not parse"


def test_a_backfill_that_meets_a_layout_change_exits_with_its_status(
    tmp_path: Path, ministry: tuple[Path, str]
) -> None:
    config, base = ministry
    run = Pressroom(tmp_path / "a", config, {"exampleland": base})
    result = run("backfill", "mfa.example", "--since", "2020-01-01", ok=None)
    assert result.exit_code == LAYOUT_EXIT, result.output
    assert "mfa.example: 3 of 3 pages: no title (tried h3.pr-title) — the page layout may have changed" in result.stderr


def test_schedule_logs_a_layout_change_and_exits_with_its_status(tmp_path: Path, ministry: tuple[Path, str]) -> None:
    config, base = ministry
    archive = tmp_path / "a"
    cmd = [sys.executable, "-m", "crawler", "--archive", str(archive), "--config", str(config)]
    proc = subprocess.Popen(
        [*cmd, "--base-url", f"exampleland={base}", "schedule", "mfa.example"], stderr=subprocess.PIPE, text=True
    )
    try:
        wait_for(lambda: finished_runs(archive) >= 1, "the first scheduled run's end", timeout=60)
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=30)
    finally:
        proc.kill()  # only if it did not stop: never leave it running
    line = "mfa.example: 2 of 2 pages: no title (tried h3.pr-title) — the page layout may have changed"
    assert proc.returncode == LAYOUT_EXIT, stderr
    assert line in stderr and f"last run: {line}" in stderr


def finished_runs(archive: Path) -> int:
    if not (archive / "catalog.sqlite").exists():
        return 0
    con = sqlite3.connect(archive / "catalog.sqlite")
    try:
        return int(con.execute("SELECT count(*) FROM runs WHERE finished IS NOT NULL").fetchone()[0])
    except sqlite3.OperationalError:  # the tables are being created
        return 0
    finally:
        con.close()
