"""Shared fixtures: the simulators on 127.0.0.1, a fast test configuration, the CLI runner, and a guard
that fails any test trying to open a socket beyond the loopback interface or to resolve a name (any name
but a loopback one fails to resolve, as on a machine without network, and no DNS query is sent)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from crawler.cli import cli
from tests.sim_mofa import MofaSim
from tests.simserver import SimServer
from tests.sitegen.mofa import MofaRelease

# mofa.go.kr's English board only (the default adds the Korean m_4080, which the sample simulator does not
# fill): a test that sets its own collections replaces this line, never appends a second one.
FAST_CONFIG = """
[pressroom]
contact = "tests@example.invalid"
attempts = 3
backoff = 0.01
timeout = 5
deadline = 10

[wayback]
# Simulators answer at once: tests go at their pace (a test of the rates or the 429 pause sets its own).
cdx_per_minute = 600000
captures_per_second = 10000
pause_after_429 = 0.05

[sites."mofa.go.kr"]
min_interval = 0
list_pages = 2
collections = ["m_5676"]
"""

LOOPBACK_NAMES = ("127.0.0.1", "::1", "localhost")
_real_connect = socket.socket.connect


def _loopback_only(self: socket.socket, address: object) -> None:
    host = address[0] if isinstance(address, tuple) else str(address)
    if self.family in (socket.AF_INET, socket.AF_INET6) and host not in LOOPBACK_NAMES:
        raise AssertionError(f"test tried to reach {host}: tests never leave 127.0.0.1")
    _real_connect(self, address)  # type: ignore[arg-type]


_real_getaddrinfo = socket.getaddrinfo


def _resolve_loopback_only(host: object, *args: object, **kwargs: object) -> object:
    """Resolve loopback names only: any other name fails as a name that does not exist, without a DNS query."""
    if host is not None and (host.decode() if isinstance(host, bytes) else host) not in LOOPBACK_NAMES:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    return _real_getaddrinfo(host, *args, **kwargs)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def no_internet(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket.socket, "connect", _loopback_only)
    monkeypatch.setattr(socket, "getaddrinfo", _resolve_loopback_only)


@pytest.fixture(autouse=True)
def built_in_sites_only() -> Iterator[None]:
    """A test that ran the CLI with sites defined in its pressroom.toml leaves the registry as it found it."""
    yield
    from crawler.sites import use_defined

    use_defined(())


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "pressroom.toml"
    path.write_text(FAST_CONFIG, encoding="utf-8")
    return path


def sample_releases() -> list[MofaRelease]:
    """Twelve releases: enough for two list pages."""
    from tests.sim_mofa import make_releases

    return make_releases(12, start_year=2024, years=2)


@pytest.fixture
def mofa_sim() -> Iterator[tuple[MofaSim, SimServer]]:
    sim = MofaSim(sample_releases())
    with SimServer(sim) as server:
        yield sim, server


class Pressroom:
    """Runs the CLI in-process against one archive and one config."""

    def __init__(self, archive: Path, config: Path, base_urls: dict[str, str]) -> None:
        self.archive = archive
        self.config = config
        self.base_urls = base_urls
        self.runner = CliRunner()

    def __call__(self, *args: str, ok: bool | None = True) -> Result:
        argv = ["--archive", str(self.archive), "--config", str(self.config)]
        for site, url in self.base_urls.items():
            argv += ["--base-url", f"{site}={url}"]
        result = self.runner.invoke(cli, [*argv, *args], catch_exceptions=False)
        if ok is True:
            assert result.exit_code == 0, f"exit {result.exit_code}: {result.output}"
        elif ok is False:
            assert result.exit_code != 0, result.output
        return result


@pytest.fixture
def pressroom(tmp_path: Path, config_file: Path, mofa_sim: tuple[MofaSim, SimServer]) -> Pressroom:
    return Pressroom(tmp_path / "archive", config_file, {"mofa": mofa_sim[1].base_url})


MID_CONFIG = (
    FAST_CONFIG
    + """
[sites."mid.ru"]
min_interval = 0
languages = ["en", "ru"]

[sites."archive.mid.ru"]
min_interval = 0
collections = ["press_service/minister_speeches", "foreign_policy/news"]
languages = ["en", "ru"]
"""
)


@pytest.fixture
def mid_sims() -> Iterator[tuple[object, object, SimServer, SimServer]]:
    from tests.fixtures.build_mid import current_articles, old_articles
    from tests.sim_mid import MidSim, OldMidSim

    current = MidSim([a for _, a in current_articles()])
    old = OldMidSim([a for _, a in old_articles()])
    with SimServer(current) as cur_server, SimServer(old) as old_server:
        yield current, old, cur_server, old_server


@pytest.fixture
def mid_pressroom(tmp_path: Path, mid_sims: tuple[object, object, SimServer, SimServer]) -> Pressroom:
    config = tmp_path / "mid.toml"
    config.write_text(MID_CONFIG, encoding="utf-8")
    return Pressroom(
        tmp_path / "archive", config, {"mid": mid_sims[2].base_url, "archive.mid.ru": mid_sims[3].base_url}
    )
