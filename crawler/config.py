"""Settings: built-in defaults per site, overridden by an optional pressroom.toml and the command line.

[pressroom]
contact = "archive@example.org"        # goes into the User-Agent
timeout = 30

[sites."mofa.go.kr"]
base_url = "https://www.mofa.go.kr"
min_interval = 1.0
collections = ["m_5676", "m_5679"]
list_pages = 2
ca_bundle = "/etc/ssl/certs/russian_trusted_root_ca.pem"
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any, TypeVar

from crawler import __version__
from crawler.errors import ConfigError

T = TypeVar("T")

DEFAULT_ARCHIVE = Path("press-archive")
DEFAULT_CONFIG = Path("pressroom.toml")
DEFAULT_CONTACT = "set contact in pressroom.toml"
TIMEOUT_S = 30.0  # connect/read timeout; the total per request is capped by REQUEST_DEADLINE_S
REQUEST_DEADLINE_S = 120.0  # a server dripping bytes must not hold a run forever
MAX_BYTES = 10 * 1024 * 1024  # real view pages weigh ~60 KB; 10 MB leaves room and stops a bomb
MAX_REDIRECTS = 5  # the mofa.go.kr cookie gate needs one
ATTEMPTS = 4  # one try plus three retries of a transient failure
BACKOFF_S = 2.0  # first retry wait; doubles each time, with jitter
RETRY_AFTER_CAP_S = 300.0  # a longer Retry-After gives the host up for the run
WAYBACK_INTERVAL_S = 1.0  # the Wayback Machine asks CDX clients to stay near 1 request per second


@dataclass(frozen=True)
class SiteConfig:
    """Settings of one site; every field can be set in pressroom.toml under [sites."<name>"]."""

    base_url: str
    min_interval: float
    collections: tuple[str, ...]
    languages: tuple[str, ...] = ()  # content languages to archive, where the site has several
    list_pages: int = 1
    revisit_limit: int = 100  # known documents revisited per run, most overdue first
    interval: float = 1800.0  # seconds between scheduled runs (`pressroom schedule`); mid.ru: 3600
    ca_bundle: str = ""
    enabled: bool = True
    ignore_robots: bool = False
    extra_hosts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Config:
    """Everything a run needs to know besides the archive."""

    sites: dict[str, SiteConfig]
    contact: str = DEFAULT_CONTACT
    timeout: float = TIMEOUT_S
    deadline: float = REQUEST_DEADLINE_S
    max_bytes: int = MAX_BYTES
    max_redirects: int = MAX_REDIRECTS
    attempts: int = ATTEMPTS
    backoff: float = BACKOFF_S
    retry_after_cap: float = RETRY_AFTER_CAP_S
    lock_wait: float = 0.0
    fetch_process: bool = True  # fetch in a second process, overlapped with archiving
    wayback_url: str = "https://web.archive.org"  # CDX index for backfill discovery (mid.ru, archive.mid.ru)
    wayback_interval: float = WAYBACK_INTERVAL_S

    @property
    def user_agent(self) -> str:
        """A descriptive User-Agent naming the tool and whom to contact."""
        return f"pressroom/{__version__} (press release archiver; contact: {self.contact})"

    def site(self, name: str) -> SiteConfig:
        """The settings of a site."""
        return self.sites[name]


def load(defaults: dict[str, SiteConfig], path: Path | None = None) -> Config:
    """Defaults, overridden by the TOML file at `path` (or ./pressroom.toml, or $PRESSROOM_CONFIG)."""
    if path is None:
        env = os.environ.get("PRESSROOM_CONFIG")
        path = Path(env) if env else (DEFAULT_CONFIG if DEFAULT_CONFIG.exists() else None)
    data: dict[str, Any] = {}
    if path is not None:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ConfigError(f"cannot read config {path}: {exc.strerror}") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"config {path}: {exc}") from None
    sites = dict(defaults)
    for name, table in data.get("sites", {}).items():
        if name not in sites:
            raise ConfigError(f"config {path}: unknown site {name!r} (known: {', '.join(sorted(sites))})")
        sites[name] = _override(sites[name], table, f"{path} [sites.{name}]")
    top = {k: v for k, v in data.get("pressroom", {}).items()}
    config = Config(sites=sites)
    return _override(config, top, f"{path} [pressroom]")


def _override(obj: T, table: dict[str, Any], where: str) -> T:
    known = {f.name: f for f in fields(obj)}  # type: ignore[arg-type]
    changes: dict[str, Any] = {}
    for key, value in table.items():
        if key not in known or key == "sites":
            raise ConfigError(f"{where}: unknown setting {key!r}")
        current = getattr(obj, key)
        if isinstance(current, tuple):
            if not isinstance(value, list):
                raise ConfigError(f"{where}: {key} must be a list")
            value = tuple(str(v) for v in value)
        elif isinstance(current, bool):
            if not isinstance(value, bool):
                raise ConfigError(f"{where}: {key} must be true or false")
        elif isinstance(current, (int, float)) and not isinstance(current, bool):
            if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
                raise ConfigError(f"{where}: {key} must be a non-negative number")
            value = type(current)(value)
        elif isinstance(current, str) and not isinstance(value, str):
            raise ConfigError(f"{where}: {key} must be a string")
        changes[key] = value
    return replace(obj, **changes)  # type: ignore[type-var]


def with_site(config: Config, name: str, **changes: Any) -> Config:
    """A copy of `config` with some settings of one site changed."""
    sites = dict(config.sites)
    sites[name] = replace(sites[name], **changes)
    return replace(config, sites=sites)
