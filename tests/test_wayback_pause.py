"""A 429 storm from a web archive on 127.0.0.1, through the fetch process: every lane of the web archive
waits out each pause (as the server's own clock shows), and the run goes on after it."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest

from crawler.config import Config
from crawler.net.page import Page
from crawler.net.process import FetchProcess
from crawler.pipeline.policy import wayback_policies
from tests.conftest import MID_CONFIG, Pressroom
from tests.fixtures.build_mid import current_articles
from tests.sim_mid import MidSim
from tests.sim_wayback import WaybackSim
from tests.simserver import Reply, Request, SimServer

PAUSE_S = 1.2
STORM = 2  # the capture's first two requests are answered 429
CDX_REQUESTS = 12
# A request in flight when a 429 comes finishes: one sent at the moment the 429 went out may arrive a little
# after it. No request may arrive later than that within the pause.
IN_FLIGHT_S = 0.35


class StormyArchive:
    """A web archive whose captures answer a storm of 429s (without Memento-Datetime) before a capture; its
    CDX index answers at once. It keeps when each request arrived, by its own clock."""

    def __init__(self) -> None:
        self.arrivals: list[tuple[float, str, int]] = []  # (time, lane, status)
        self.storm = STORM
        self.lock = threading.Lock()

    def __call__(self, request: Request) -> Reply:
        if request.path == "/robots.txt":
            return Reply(404, "")
        with self.lock:
            lane = "cdx" if request.path.startswith("/cdx/") else "captures"
            status = 200
            if lane == "captures" and self.storm:
                self.storm -= 1
                status = 429
            self.arrivals.append((time.monotonic(), lane, status))
        if status == 429:
            return Reply(429, "<html><body>Too Many Requests</body></html>", {"Content-Type": "text/html"})
        if lane == "cdx":
            return Reply(200, '[["urlkey","timestamp"]]', {"Content-Type": "application/json"})
        headers = {"Content-Type": "text/html", "Memento-Datetime": "Tue, 12 Mar 2019 09:45:12 GMT"}
        return Reply(200, "<html><body><p>the release</p></body></html>", headers)


def test_a_429_storm_pauses_every_lane_and_the_run_goes_on(caplog: pytest.LogCaptureFixture) -> None:
    archive = StormyArchive()
    with SimServer(archive) as server:
        config = replace(
            Config(sites={}, contact="tests@example.invalid", attempts=1, deadline=5),
            wayback_url=server.base_url,
            wayback_cdx_per_minute=1200,  # 0.05 s apart: unpaused, the CDX lane would be done in 0.6 s
            wayback_captures_per_second=20,
            wayback_pause_after_429=PAUSE_S,
        )
        policies = wayback_policies(config)

        async def go() -> tuple[Page, list[Page], int]:
            async with FetchProcess(config) as fetcher:
                capture = fetcher.get(
                    f"{server.base_url}/web/20190312094512id_/https://www.mid.ru/x", policies.captures
                )
                cdx = [
                    fetcher.get(f"{server.base_url}/cdx/search/cdx?url=x&n={n}", policies.cdx)
                    for n in range(CDX_REQUESTS)
                ]
                pages = await asyncio.gather(capture, *cdx)
                return pages[0], pages[1:], fetcher.requests

        with caplog.at_level(logging.WARNING):
            capture, cdx, requests = asyncio.run(go())

    assert capture.status == 200 and "the release" in capture.text  # the run went on after the storm
    assert len(cdx) == CDX_REQUESTS and all(page.status == 200 for page in cdx)
    assert requests == 1 + STORM + 1 + CDX_REQUESTS  # robots.txt, the storm, the capture, the CDX queries
    storms = [at for at, _, status in archive.arrivals if status == 429]
    assert len(storms) == STORM
    for at in storms:
        during = [(round(t - at, 3), lane) for t, lane, _ in archive.arrivals if at + IN_FLIGHT_S < t < at + PAUSE_S]
        assert during == [], f"requests arrived during the pause that began at {at}: {during}"
    cdx_times = [t for t, lane, _ in archive.arrivals if lane == "cdx"]
    assert cdx_times[-1] - cdx_times[0] >= STORM * PAUSE_S * 0.9  # the CDX lane waited out both pauses
    warnings = [r.getMessage() for r in caplog.records if "answered 429" in r.getMessage()]
    host = server.base_url.removeprefix("http://")
    assert warnings == [f"{host} answered 429: pausing all web-archive requests for 1.2 s"] * STORM


def test_a_429_to_a_backfill_s_cdx_query_pauses_and_the_backfill_goes_on(tmp_path: Path) -> None:
    """Backfill's CDX discovery is on the web archive's CDX lane: a 429 pauses it and the query is sent again."""
    articles = [a for _, a in current_articles()]
    wayback = WaybackSim([f"https://mid.ru{a.path}" for a in articles if a.section == "foreign_policy/news"])
    storm = [Reply(429, "<html><body>Too Many Requests</body></html>", {"Content-Type": "text/html"})]

    def stormy(request: Request) -> Reply:
        if request.path.startswith("/cdx/") and storm:
            wayback.requests.append(request)
            return storm.pop()
        return wayback(request)

    config = tmp_path / "mid.toml"
    config.write_text(MID_CONFIG.replace("pause_after_429 = 0.05", "pause_after_429 = 0.2"), encoding="utf-8")
    with SimServer(MidSim(articles)) as site, SimServer(stormy) as cdx:
        run = Pressroom(tmp_path / "a", config, {"mid": site.base_url, "wayback": cdx.base_url})
        result = run("backfill", "mid.ru", "--since", "2021-01-01", "--until", "2024-12-31")
    host = cdx.base_url.removeprefix("http://")
    assert f"{host} answered 429: pausing all web-archive requests for 0.2 s" in result.stderr
    assert "5 new" in result.stderr
    assert wayback.requests[0].target == wayback.requests[1].target  # the query the 429 answered, sent again


def test_a_web_archive_given_up_in_a_backfill_is_one_failed_line_and_one_failed(tmp_path: Path) -> None:
    """mid.ru's two languages are two sources, both discovered through the CDX index: when the web archive is
    given up (429s after every pause), the summary counts as many failures as it prints lines of them."""
    articles = [a for _, a in current_articles()]

    def always_429(request: Request) -> Reply:
        if request.path.startswith("/cdx/"):
            return Reply(429, "<html><body>Too Many Requests</body></html>", {"Content-Type": "text/html"})
        return Reply(404, "no robots.txt")

    config = tmp_path / "mid.toml"
    config.write_text(MID_CONFIG.replace("pause_after_429 = 0.05", "pause_after_429 = 0.05\nmax_pauses = 1"))
    with SimServer(MidSim(articles)) as site, SimServer(always_429) as cdx:
        run = Pressroom(tmp_path / "a", config, {"mid": site.base_url, "wayback": cdx.base_url})
        result = run("backfill", "mid.ru", "--since", "2021-01-01", "--until", "2024-12-31", ok=False)
    lines = result.stderr.splitlines()
    failed = [line for line in lines if line.startswith("failed ")]
    assert len(failed) == 1 and "no more web-archive requests this run" in failed[0], lines
    summary = [line for line in lines if line.startswith("mid.ru: ")]
    assert summary == ["mid.ru: 1 failed"], lines
