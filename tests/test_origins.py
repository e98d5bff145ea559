"""Per-origin state: two servers on one host but different ports (a mirror and a local simulator, two
simulators) keep their own turns, robots.txt and give-up, while messages name the host and its port."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.errors import HostBlocked
from crawler.net.policy import Policy
from crawler.net.politeness import HostGate, Politeness
from crawler.net.redirects import host_label, origin_key
from tests.conftest import MID_CONFIG, Pressroom, sample_releases
from tests.sim_mid import MidSim
from tests.sim_mofa import MofaSim
from tests.simserver import SimServer


@pytest.mark.parametrize(
    ("url", "key", "label"),
    [
        ("https://mofa.go.kr/eng/brd/m_5676/list.do", "https://mofa.go.kr:443", "mofa.go.kr"),
        ("https://MOFA.go.kr:443/x", "https://mofa.go.kr:443", "mofa.go.kr"),
        ("http://127.0.0.1:8081/robots.txt", "http://127.0.0.1:8081", "127.0.0.1:8081"),
        ("http://127.0.0.1/", "http://127.0.0.1:80", "127.0.0.1"),
        ("https://mid.ru:80/", "https://mid.ru:80", "mid.ru:80"),
        ("http://[::1]:9000/a", "http://::1:9000", "[::1]:9000"),
    ],
)
def test_origin_key_and_host_label(url: str, key: str, label: str) -> None:
    assert (origin_key(url), host_label(url)) == (key, label)


def test_a_challenge_as_robots_txt_on_one_port_leaves_the_other_port_alone() -> None:
    polite = Politeness("pressroom/0.1 (contact: x)", monotonic=lambda: 0.0)
    policy = Policy(frozenset({"127.0.0.1"}), 0.0, True)

    async def fetch(url: str, policy: Policy, gate: HostGate) -> str:
        if ":2/" in url:
            raise HostBlocked(url, "anti-bot challenge page")
        return "User-agent: *\nAllow: /\n"

    async def go() -> None:
        with pytest.raises(HostBlocked, match=r"^.*127\.0\.0\.1:2: robots\.txt unavailable"):
            await polite.check_robots("http://127.0.0.1:2/a", policy, fetch)
        await polite.check_robots("http://127.0.0.1:1/a", policy, fetch)  # raises nothing
        polite.gate(origin_key("http://127.0.0.1:1/a"), 0.0).refuse("http://127.0.0.1:1/a")

    asyncio.run(go())


@pytest.fixture
def two_ports(tmp_path: Path) -> Iterator[tuple[Pressroom, MidSim]]:
    from tests.fixtures.build_mid import current_articles

    mid = MidSim([a for _, a in current_articles()])
    with SimServer(MofaSim(sample_releases())) as mofa_server, SimServer(mid) as mid_server:
        assert mofa_server.base_url.split(":")[1] == mid_server.base_url.split(":")[1]  # one host, two ports
        config = tmp_path / "two.toml"
        config.write_text(MID_CONFIG, encoding="utf-8")
        bases = {"mofa": mofa_server.base_url, "mid": mid_server.base_url}
        yield Pressroom(tmp_path / "archive", config, bases), mid


def test_a_blocked_simulator_does_not_block_another_on_the_same_host(two_ports: tuple[Pressroom, MidSim]) -> None:
    pressroom, mid = two_ports
    mid.challenge = True
    result = pressroom("crawl", "--revisit-all", "mid.ru", "mofa.go.kr", ok=False)
    port = pressroom.base_urls["mid"].rsplit(":", 1)[1]
    mofa_line = next(line for line in result.stderr.splitlines() if line.startswith("mofa.go.kr: "))
    assert "new" in mofa_line and "blocked" not in mofa_line and "failed" not in mofa_line, result.stderr
    assert re.search(rf"127\.0\.0\.1:{port}: robots\.txt unavailable \(anti-bot challenge", result.stderr)
    mid_line = next(line for line in result.stderr.splitlines() if line.startswith("mid.ru: "))
    assert "blocked" in mid_line, result.stderr
    verdicts = [json.loads(line) for line in pressroom("status", "--json").stdout.splitlines()]
    health = {v["site"]: v["verdict"] for v in verdicts}
    assert health["mofa.go.kr"] == "healthy" and health["mid.ru"] != "healthy", verdicts
