"""Backfills: a 500-release board over five years, killed with SIGKILL and resumed; CDX discovery for mid.ru."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from crawler.pipeline.backfill import Journal
from crawler.pipeline.engine import LOOKAHEAD
from tests.conftest import FAST_CONFIG, Pressroom
from tests.procs import assert_nothing_left, kill_run, wait_for
from tests.sim_mofa import MofaSim, make_releases
from tests.simserver import SimServer

ROOT = Path(__file__).parent.parent
SINCE, UNTIL = "2020-01-01", "2024-12-31"


def content(archive: Path) -> dict[str, str]:
    """Every version file, without its Captured line (the only part that differs between two runs)."""
    return {
        p.relative_to(archive).as_posix(): "".join(
            line
            for line in p.read_text(encoding="utf-8").splitlines(keepends=True)
            if not line.startswith("Captured: ")
        )
        for p in sorted(archive.rglob("*.txt"))
    }


def backfill_cmd(archive: Path, config: Path, base_url: str, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "crawler",
        "--archive",
        str(archive),
        "--config",
        str(config),
        "--base-url",
        f"mofa={base_url}",
        "backfill",
        "mofa",
        "--since",
        SINCE,
        "--until",
        UNTIL,
        *extra,
    ]


def test_backfill_killed_and_resumed_equals_an_uninterrupted_one(tmp_path: Path) -> None:
    config = tmp_path / "pressroom.toml"
    config.write_text(FAST_CONFIG, encoding="utf-8")
    releases = make_releases(520, start_year=2020, years=5)

    reference = MofaSim(list(releases))
    with SimServer(reference) as server:
        done = subprocess.run(
            backfill_cmd(tmp_path / "ref", config, server.base_url),
            capture_output=True,
            text=True,
            timeout=120,
            cwd=ROOT,
        )
    assert done.returncode == 0, done.stderr
    assert "520 new" in done.stderr
    assert sorted(reference.views.values()) == [1] * 520

    sim = MofaSim(list(releases))
    with SimServer(sim) as server:
        proc = subprocess.Popen(
            backfill_cmd(tmp_path / "cut", config, server.base_url), stderr=subprocess.DEVNULL, cwd=ROOT
        )
        wait_for(lambda: sum(sim.views.values()) >= 200 or proc.poll() is not None, "200 releases fetched")
        started = kill_run(proc)
        assert started, "the run had its fetch process"
        assert_nothing_left(started)  # the fetch process died with the run: it sends no request after this
        fetched_before = sum(sim.views.values())
        assert 200 <= fetched_before < 520, "killed in the middle of the fetch phase"
        # Fetched but not yet recorded as done: in flight, or fetched ahead of the one being archived.
        journal = Journal.open(next((tmp_path / "cut" / ".backfill").glob("*.journal")))
        done_seqs = {url.rsplit("=", 1)[-1] for url in journal.done}
        in_flight = {seq for seq in sim.views if str(seq) not in done_seqs}
        lists_before = [r.target for r in server.log if r.path.endswith("list.do")]

        resumed = subprocess.run(
            backfill_cmd(tmp_path / "cut", config, server.base_url),
            capture_output=True,
            text=True,
            timeout=120,
            cwd=ROOT,
        )
    assert resumed.returncode == 0, resumed.stderr
    assert "resuming the backfill of mofa.go.kr 2020-01-01..2024-12-31" in resumed.stderr
    lists_after = [r.target for r in server.log if r.path.endswith("list.do")][len(lists_before) :]
    assert lists_after == [], "every list page was read before the kill; none is read again"
    twice = {seq: n for seq, n in sim.views.items() if n > 1}
    # At most the releases in flight or fetched ahead when the process died are fetched again.
    assert len(in_flight) <= LOOKAHEAD + 1, in_flight
    assert set(twice) <= in_flight, twice
    assert len(sim.views) == 520
    assert content(tmp_path / "cut") == content(tmp_path / "ref")


def test_backfill_skips_archived_documents_unless_refresh(
    pressroom: Pressroom, mofa_sim: tuple[MofaSim, SimServer]
) -> None:
    sim, _ = mofa_sim
    pressroom("crawl", "mofa")
    views = sum(sim.views.values())
    result = pressroom("backfill", "mofa", "--since", "2024-01-01", "--until", "2025-12-31")
    assert "12 already archived" in result.stderr
    assert sum(sim.views.values()) == views, "nothing fetched again"
    result = pressroom("backfill", "mofa", "--since", "2024-01-01", "--until", "2025-12-31", "--refresh")
    assert "12 unchanged" in result.stderr and sum(sim.views.values()) == views + 12


def test_backfill_rejects_reversed_dates(pressroom: Pressroom) -> None:
    result = pressroom("backfill", "mofa", "--since", "2025-01-01", "--until", "2024-01-01", ok=False)
    assert "--since 2025-01-01 is after --until 2024-01-01" in result.stderr


def test_mid_backfill_discovers_through_the_cdx_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.conftest import MID_CONFIG
    from tests.fixtures.build_mid import current_articles
    from tests.sim_mid import MidSim
    from tests.sim_wayback import WaybackSim

    articles = [a for _, a in current_articles()]
    captured = [f"https://mid.ru{a.path}" for a in articles if a.section == "foreign_policy/news"]
    captured += [
        "http://www.mid.ru/en/foreign_policy/news/",
        "https://mid.ru/en/foreign_policy/news/?PAGEN_1=7",
        "https://mid.ru/upload/image.jpg",
    ]
    wayback = WaybackSim(captured)
    sim = MidSim(articles)
    config = tmp_path / "mid.toml"
    config.write_text(MID_CONFIG, encoding="utf-8")
    with SimServer(sim) as site, SimServer(wayback) as cdx:
        run = Pressroom(tmp_path / "a", config, {"mid": site.base_url, "wayback": cdx.base_url})
        monkeypatch.setattr("crawler.sites.wayback.CDX_PAGE", 2)  # pages of 2 rows: the resume key is followed
        result = run("backfill", "mid.ru", "--since", "2021-01-01", "--until", "2024-12-31")
        assert "5 new" in result.stderr
        keys = sorted(p.parent.relative_to(tmp_path / "a").as_posix() for p in (tmp_path / "a").rglob("*.txt"))
        assert keys == [
            "mid.ru/id/1792011/en",
            "mid.ru/id/1792974/en",
            "mid.ru/id/1814243/ru",
            "mid.ru/id/1899422/en",
            "mid.ru/id/1899422/ru",
        ]
        assert any("resumeKey=" in r.target for r in wayback.requests)
        assert not [r for r in site.server.log if "PAGEN" in r.target]
