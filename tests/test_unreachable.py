"""An unreachable site fails fast and says so once: a name that does not resolve is not retried, and a host
whose robots.txt cannot be read is given up with one line, not one per URL."""

from __future__ import annotations

import asyncio
import re
import socket
from pathlib import Path

import pytest

from crawler.config import Config
from crawler.errors import HostBlocked, HostGivenUp
from crawler.net.fetcher import Fetcher, Policy
from tests.conftest import FAST_CONFIG, Pressroom
from tests.sim_mofa import MofaSim
from tests.simserver import Reply, Request, SimServer

CONFIG = Config(sites={}, contact="tests@example.invalid", attempts=3, backoff=0.01, timeout=2, deadline=3)
UNRESOLVABLE = "http://www.mofa.invalid"  # RFC 2606: .invalid never resolves (and the tests' resolver agrees)


def closed_port() -> int:
    """A port on 127.0.0.1 that nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def lookups(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every name looked up (the conftest resolver fails every non-loopback name without a DNS query)."""
    seen: list[str] = []
    guard = socket.getaddrinfo

    def counting(host: str | bytes, *args: object, **kwargs: object) -> object:
        seen.append(host.decode() if isinstance(host, bytes) else host)
        return guard(host, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "getaddrinfo", counting)
    return seen


def gets(urls: list[str], policy: Policy) -> tuple[list[BaseException], int]:
    async def go() -> tuple[list[BaseException], int]:
        errors: list[BaseException] = []
        async with Fetcher(CONFIG) as fetcher:
            for url in urls:
                try:
                    await fetcher.get(url, policy)
                except Exception as exc:  # noqa: BLE001  (collected to assert on)
                    errors.append(exc)
            return errors, fetcher.requests

    return asyncio.run(go())


def test_a_name_that_does_not_resolve_is_tried_once(lookups: list[str]) -> None:
    policy = Policy(frozenset({"www.mofa.invalid"}), 0.0, obey_robots=False)
    errors, requests = gets([f"{UNRESOLVABLE}/a", f"{UNRESOLVABLE}/b"], policy)
    assert requests == 1 and lookups == ["www.mofa.invalid"], "no retry, and the host is given up"
    assert all(isinstance(e, HostGivenUp) for e in errors)
    assert {e.reason for e in errors} == {  # type: ignore[attr-defined]
        "www.mofa.invalid: cannot resolve the host name ([Errno -2] Name or service not known); "
        "not crawling it this run"
    }


def test_unreadable_robots_gives_the_host_up_once() -> None:
    def app(request: Request) -> Reply:
        return Reply(503, "down") if request.path == "/robots.txt" else Reply(200, "<p>ok</p>")

    with SimServer(app) as server:
        policy = Policy(frozenset({"127.0.0.1"}), 0.0, obey_robots=True)
        errors, requests = gets([f"{server.base_url}/{n}" for n in range(3)], policy)
        assert [r.path for r in server.log] == ["/robots.txt"] * 3, "robots.txt tried 3 times, no page asked"
    assert requests == 3 and len(errors) == 3 and all(isinstance(e, HostGivenUp) for e in errors)
    port = server.base_url.rsplit(":", 1)[1]
    assert str(errors[0]).endswith(  # the host named with its port, as it is not the default one
        f": 127.0.0.1:{port}: robots.txt unavailable (HTTP 503 (after 3 tries)); not crawling it this run"
    )


def test_a_challenge_as_robots_blocks_the_host() -> None:
    from tests.sitegen.mid import CHALLENGE

    with SimServer(lambda request: Reply(200, CHALLENGE)) as server:
        errors, _ = gets([f"{server.base_url}/{n}" for n in range(2)], Policy(frozenset({"127.0.0.1"}), 0.0))
        assert len(server.log) == 1
    assert all(isinstance(e, HostBlocked) for e in errors)


def crawl_lines(run: Pressroom, *args: str) -> tuple[list[str], int]:
    """The stderr lines of a failing crawl, and the requests it reports."""
    result = run("crawl", *args, ok=False)
    assert result.exit_code == 1 and "Traceback" not in result.output
    lines = result.stderr.splitlines()
    requests = re.fullmatch(r"run \d+: (\d+) requests?", lines[-1])
    assert requests is not None, lines
    return lines[:-1], int(requests[1])


def test_crawl_of_a_name_that_does_not_resolve_is_one_line(
    tmp_path: Path, mofa_sim: tuple[MofaSim, SimServer], lookups: list[str]
) -> None:
    config = tmp_path / "pressroom.toml"
    config.write_text(FAST_CONFIG.replace("[pressroom]\n", "[pressroom]\nfetch_process = false\n"), encoding="utf-8")
    Pressroom(tmp_path / "archive", config, {"mofa": mofa_sim[1].base_url})("crawl", "mofa")  # 12 known documents
    lookups.clear()
    run = Pressroom(tmp_path / "archive", config, {"mofa": UNRESOLVABLE})
    lines, requests = crawl_lines(run, "--revisit-all", "mofa")
    assert lines == [
        "failed mofa.go.kr: www.mofa.invalid: cannot resolve the host name ([Errno -2] Name or service not known); "
        "not crawling it this run",
        "mofa.go.kr: 14 failed",  # 2 list pages and 12 known documents, none of them asked for
    ]
    assert requests == 1 and lookups == ["www.mofa.invalid"]


def test_crawl_of_a_closed_port_is_one_line(tmp_path: Path, config_file: Path) -> None:
    port = closed_port()
    run = Pressroom(tmp_path / "a", config_file, {"mofa": f"http://127.0.0.1:{port}"})
    lines, requests = crawl_lines(run, "mofa")
    assert lines == [
        f"failed mofa.go.kr: 127.0.0.1:{port}: unreachable (cannot connect: Connection refused); "
        "not crawling it this run",
        "mofa.go.kr: 2 failed",
    ]
    assert requests == 3, "robots.txt tried `attempts` times, then nothing more"


def test_backfill_of_a_name_that_does_not_resolve_is_one_line(tmp_path: Path, config_file: Path) -> None:
    run = Pressroom(tmp_path / "a", config_file, {"mofa": UNRESOLVABLE})
    result = run("backfill", "mofa", "--since", "2024-01-01", "--until", "2025-12-31", ok=False)
    problems = [line for line in result.stderr.splitlines() if line.startswith("failed")]
    assert problems == [
        "failed mofa.go.kr: www.mofa.invalid: cannot resolve the host name ([Errno -2] Name or service not known); "
        "not crawling it this run"
    ]
    assert result.stderr.splitlines()[-1] == "run 1: 1 request"
