"""Settings: built-in defaults per site, overridden by an optional pressroom.toml and the command line.

[pressroom]
contact = "archive@example.org"        # goes into the User-Agent
timeout = 30

[sites."<site name>"]                  # one site's settings
min_interval = 5.0
collections = ["news"]
ca_bundle = "/etc/ssl/certs/national_root_ca.pem"   # a site whose certificate chain the system does not trust

[wayback]                              # the Internet Archive's Wayback Machine (backfill, import-history)
cdx_per_minute = 24                    # CDX index queries a minute (the archive asks for at most 30)

[publish]                              # the static site `pressroom publish` writes
base_url = "https://press.example.org/archive"      # where it will be hosted: the feed links to its pages

[[notify]]                             # one table per Apprise URL to notify, with the events it wants
url = "json://hooks.example.org/pressroom"
events = ["edits", "new", "health"]

Every setting belongs to a table; a key the table does not know, a value of the wrong type or out of its
range, and a `ca_bundle` that is not a readable PEM certificate file are one-line errors naming the file,
the table and the key.
"""

from __future__ import annotations

import logging
import os
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

from crawler import __version__
from crawler.configchecks import check_base_url, check_site, check_wayback_url
from crawler.configvalues import override as _override
from crawler.errors import ConfigError
from crawler.notifyconfig import NOTIFY_TIMEOUT_S, NotifyTarget, notify_targets

logger = logging.getLogger(__name__)

DEFAULT_ARCHIVE = Path("press-archive")
DEFAULT_CONFIG = Path("pressroom.toml")
DEFAULT_CONTACT = "set contact in pressroom.toml"
TIMEOUT_S = 30.0  # connect/read timeout; the total per request is capped by REQUEST_DEADLINE_S
REQUEST_DEADLINE_S = 120.0  # a server dripping bytes must not hold a run forever
MAX_BYTES = 10 * 1024 * 1024  # real view pages weigh ~60 KB; 10 MB leaves room and stops a bomb
# Attachments: the ministries' PDF and HWP files run to a few MB; a scanned report can pass 10 MB.
ATTACHMENT_MAX_BYTES = 50 * 1024 * 1024
MAX_REDIRECTS = 5  # a cookie gate (redirect, set a cookie, redirect back) needs one or two
ATTEMPTS = 4  # one try plus three retries of a transient failure
BACKOFF_S = 2.0  # first retry wait; doubles each time, with jitter
RETRY_AFTER_CAP_S = 300.0  # a longer Retry-After gives the host up for the run
# The Internet Archive allows 30 CDX queries a minute (one pool for CDX and timemaps, per IP) and answers a
# client over it with 429 and no Retry-After; ignored for a minute, that becomes an hour's firewall block.
# 80% of its limit, as EDGI's client keeps at the archive's request; captures have a larger allowance.
WAYBACK_CDX_PER_MINUTE = 24.0
WAYBACK_CAPTURES_PER_SECOND = 5.0  # EDGI's client: 8 a second
WAYBACK_PAUSE_S = 60.0  # every web-archive request waits this long after a 429 (EDGI's pause)
WAYBACK_MAX_PAUSES = 3  # 429s in a row, each after a pause: the web archive is given up for the run

TABLES = ("pressroom", "sites", "wayback", "publish", "notify")
# Settings of [pressroom] that moved to [wayback]: a file that still has them loads (a scheduled job must not
# break on an upgrade), with one warning line each saying where they went.
MOVED_URL = "wayback_url"  # read as [wayback] url, unless that is set too
MOVED_INTERVAL = "wayback_interval"  # seconds between CDX queries: ignored, the rate is now a minute's count


@dataclass(frozen=True)
class SiteConfig:
    """Settings of one site; every field can be set in pressroom.toml under [sites."<name>"]."""

    base_url: str
    min_interval: float
    collections: tuple[str, ...]
    languages: tuple[str, ...] = ()  # content languages to archive, where the site has several
    list_pages: int = 1
    revisit_limit: int = 100  # known documents revisited per run, most overdue first
    interval: float = 1800.0  # seconds between scheduled runs (`pressroom schedule`); a site may set its own
    ca_bundle: str = ""
    enabled: bool = True
    ignore_robots: bool = False
    extra_hosts: tuple[str, ...] = ()


@dataclass(frozen=True)
class PublishConfig:
    """Settings of the published site ([publish] in pressroom.toml)."""

    base_url: str = ""  # where the site will be hosted ("" = unknown: links stay relative, the feed links releases)


@dataclass(frozen=True)
class WaybackConfig:
    """Settings of the Wayback Machine's interfaces ([wayback] in pressroom.toml), read into `Config`'s
    `wayback_*` fields."""

    url: str = "https://web.archive.org"
    cdx_per_minute: float = WAYBACK_CDX_PER_MINUTE
    captures_per_second: float = WAYBACK_CAPTURES_PER_SECOND
    pause_after_429: float = WAYBACK_PAUSE_S
    max_pauses: int = WAYBACK_MAX_PAUSES
    obey_robots: bool = True  # web.archive.org's own robots.txt (false: ignored, with a warning)


@dataclass(frozen=True)
class Config:
    """Everything a run needs to know besides the archive."""

    sites: dict[str, SiteConfig]
    contact: str = DEFAULT_CONTACT
    timeout: float = TIMEOUT_S
    deadline: float = REQUEST_DEADLINE_S
    max_bytes: int = MAX_BYTES
    attachment_max_bytes: int = ATTACHMENT_MAX_BYTES  # an attachment larger than this is recorded, not stored
    max_redirects: int = MAX_REDIRECTS
    attempts: int = ATTEMPTS
    backoff: float = BACKOFF_S
    retry_after_cap: float = RETRY_AFTER_CAP_S
    lock_wait: float = 0.0
    fetch_process: bool = True  # fetch in a second process, overlapped with archiving
    # The Wayback Machine ([wayback]): its address, the CDX index's and the captures' rates, the pause after
    # its 429 and how many pauses in a row give it up for the run.
    wayback_url: str = WaybackConfig.url
    wayback_cdx_per_minute: float = WAYBACK_CDX_PER_MINUTE
    wayback_captures_per_second: float = WAYBACK_CAPTURES_PER_SECOND
    wayback_pause_after_429: float = WAYBACK_PAUSE_S
    wayback_max_pauses: int = WAYBACK_MAX_PAUSES
    wayback_obey_robots: bool = True
    notify: tuple[NotifyTarget, ...] = ()  # [[notify]] tables, in the file's order
    notify_timeout: float = NOTIFY_TIMEOUT_S
    # Sites defined in the settings file (crawler.sites.definition.Definition values): typed loosely because
    # this module knows nothing of sites, so that the network layer, which reads it, stays below them.
    definitions: tuple[Any, ...] = ()
    publish: PublishConfig = PublishConfig()
    source: str = ""  # the settings file read, if any

    @property
    def user_agent(self) -> str:
        """A descriptive User-Agent naming the tool and whom to contact."""
        return f"pressroom/{__version__} (press release archiver; contact: {self.contact})"

    def site(self, name: str) -> SiteConfig:
        """The settings of a site."""
        return self.sites[name]


# Config's fields that [pressroom] does not set: other tables' ([wayback]'s too) and the loader's own.
NOT_PRESSROOM = frozenset(
    {"sites", "publish", "notify", "definitions", "source"} | {f.name for f in fields(Config) if "wayback" in f.name}
)

# How a [sites."NAME"] table for a site that is not built in becomes one: (name, table, names taken) ->
# None when the table defines nothing, else (the site's defaults, the table's settings, its definition).
Define = Callable[[str, dict[str, Any], dict[str, SiteConfig]], tuple[SiteConfig, dict[str, Any], Any] | None]


def load(
    defaults: dict[str, SiteConfig],
    path: Path | None = None,
    define: Define | None = None,
    aliases: dict[str, str] | None = None,
) -> Config:
    """Defaults, overridden by the TOML file at `path` (or ./pressroom.toml, or $PRESSROOM_CONFIG); a site's
    table may be named by an alias of it (`aliases`: alias -> site); tables of sites that are not built in
    are definitions of new sites, read by `define` (`crawler.sites.usersite`)."""
    if path is None:
        env = os.environ.get("PRESSROOM_CONFIG")
        path = Path(env) if env else (DEFAULT_CONFIG if DEFAULT_CONFIG.exists() else None)
    data: dict[str, Any] = {}
    if path is not None:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ConfigError(f"cannot read config {path}: {exc.strerror}") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"config {path}: {exc}") from None
    for key in data:
        if key not in TABLES:
            raise ConfigError(
                f"config {path}: {key!r} is outside any table "
                '(settings go under [pressroom], [sites."NAME"], [wayback], [publish] or [[notify]])'
            )
    sites, defined = _sites(_table(data, "sites", f"config {path}"), defaults, path, define, aliases or {})
    publish = _override(PublishConfig(), _table(data, "publish", f"config {path}"), f"config {path} [publish]")
    if publish.base_url:
        publish = PublishConfig(base_url=check_base_url(publish.base_url, f"config {path} [publish]: base_url"))
    notify = notify_targets(data.get("notify", []), f"config {path}")
    config = Config(sites, definitions=tuple(defined), publish=publish, notify=notify, source=str(path or ""))
    pressroom = dict(_table(data, "pressroom", f"config {path}"))
    wayback = _moved(pressroom, dict(_table(data, "wayback", f"config {path}")), f"config {path} [pressroom]")
    config = _wayback(config, wayback, f"config {path} [wayback]")
    return _override(config, pressroom, f"config {path} [pressroom]", hidden=NOT_PRESSROOM)


def _moved(pressroom: dict[str, Any], wayback: dict[str, Any], where: str) -> dict[str, Any]:
    """The [wayback] table with what an older file still sets under [pressroom] (taken out of `pressroom`):
    `wayback_url` as its `url` (unless it sets one), `wayback_interval` ignored; one warning line each."""
    if MOVED_URL in pressroom:
        url = pressroom.pop(MOVED_URL)
        if "url" in wayback:
            logger.warning("warning: %s: wayback_url is now url under [wayback], which is set: ignored", where)
        else:
            logger.warning("warning: %s: wayback_url is now url under [wayback]: read as that; move it there", where)
            wayback["url"] = url
    if MOVED_INTERVAL in pressroom:
        pressroom.pop(MOVED_INTERVAL)
        logger.warning(
            "warning: %s: wayback_interval is ignored: the CDX index's rate is now cdx_per_minute under "
            "[wayback] (CDX queries a minute, default %g); remove it",
            where,
            WAYBACK_CDX_PER_MINUTE,
        )
    return wayback


def _wayback(config: Config, table: dict[str, Any], where: str) -> Config:
    """`config` with the [wayback] table's settings, checked (the URL: an http(s) address with a host)."""
    wayback = _override(WaybackConfig(), table, where)
    return replace(
        config,
        wayback_url=check_wayback_url(wayback.url, f"{where}: url"),
        wayback_cdx_per_minute=wayback.cdx_per_minute,
        wayback_captures_per_second=wayback.captures_per_second,
        wayback_pause_after_429=wayback.pause_after_429,
        wayback_max_pauses=wayback.max_pauses,
        wayback_obey_robots=wayback.obey_robots,
    )


def _sites(
    tables: dict[str, Any],
    defaults: dict[str, SiteConfig],
    path: Path | None,
    define: Define | None,
    aliases: dict[str, str],
) -> tuple[dict[str, SiteConfig], list[Any]]:
    """The settings of every site, the defaults overridden by their [sites."NAME"] tables (NAME a site's name
    or alias), and the definitions of the sites those tables define."""
    sites = dict(defaults)
    defined: list[Any] = []
    given_as: dict[str, str] = {}  # site -> the name its table was given
    for given, table in tables.items():
        where = f'config {path} [sites."{given}"]'
        if not isinstance(table, dict):
            raise ConfigError(f"{where}: expected a table of settings")
        name = aliases.get(given.lower(), given)
        if name in given_as:
            raise ConfigError(f'{where}: [sites."{given_as[name]}"] already sets {name}; merge the two tables')
        given_as[name] = given
        if name not in defaults:
            sites[name], table, definition = _new_site(name, table, sites, define, path)
            defined.append(definition)
        default = sites[name]
        sites[name] = _override(default, table, where)
        check_site(sites[name], default, where)
    return sites, defined


def _new_site(
    name: str, table: dict[str, Any], sites: dict[str, SiteConfig], define: Define | None, path: Path | None
) -> tuple[SiteConfig, dict[str, Any], Any]:
    """A site the table defines: its defaults, its settings and its definition; a one-line error otherwise."""
    try:
        new = define(name, table, sites) if define is not None else None
    except ConfigError as exc:
        raise ConfigError(f'config {path} [sites."{name}"]: {exc}') from None
    if new is None:
        raise ConfigError(
            f"config {path}: unknown site {name!r} (known: {', '.join(sorted(sites))}; a new site needs "
            "release_url, list_urls and a [select] table: see README, Adding a ministry)"
        )
    return new


def _table(data: dict[str, Any], name: str, where: str) -> dict[str, Any]:
    table = data.get(name, {})
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: {name} must be a table ([{name}])")
    return table


def contact_warning(config: Config) -> str | None:
    """The warning to give when `contact` is unset, since it goes into every request's User-Agent."""
    if config.contact != DEFAULT_CONTACT:
        return None
    return (
        'warning: no contact set: add contact = "you@example.org" under [pressroom] in pressroom.toml; '
        "it goes into every request's User-Agent"
    )


def with_site(config: Config, name: str, **changes: Any) -> Config:
    """A copy of `config` with some settings of one site changed."""
    sites = dict(config.sites)
    sites[name] = replace(sites[name], **changes)
    return replace(config, sites=sites)
