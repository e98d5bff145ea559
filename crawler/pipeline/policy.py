"""How a site may be fetched, from its definition and its config: the Policy and the CA bundles net is given;
and how the Wayback Machine may be (`wayback_policies`)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from crawler.config import Config, SiteConfig
from crawler.net.fetcher import Policy
from crawler.sites.base import Site, host_of


def policy_for(site: Site, cfg: SiteConfig) -> Policy:
    """The site's hosts (its own, its configured base URL's and any extra ones), spacing, robots, page knowledge."""
    hosts = set(site.hosts) | {host_of(cfg.base_url)} | set(cfg.extra_hosts)
    return Policy(
        hosts=frozenset(hosts),
        min_interval=cfg.min_interval,
        obey_robots=not cfg.ignore_robots,
        legacy_charsets=site.legacy_charsets,
        challenge_markers=site.challenge_markers,
        host_suffixes=site.host_suffixes,
    )


def ca_bundles(sites: list[Site], config: Config) -> dict[str, str]:
    """Host -> CA bundle file, for the sites configured with one (a national CA the system does not trust)."""
    bundles = {}
    for site in sites:
        cfg = config.site(site.name)
        if cfg.ca_bundle:
            for host in policy_for(site, cfg).hosts:
                bundles[host] = cfg.ca_bundle
    return bundles


WAYBACK_GROUP = "web-archive"  # the pause group of every request to the Wayback Machine (see Policy)
WAYBACK_ROBOTS = "[wayback] obey_robots"  # the setting that obeys (or not) the web archive's own robots.txt


@dataclass(frozen=True)
class WaybackPolicies:
    """How the Wayback Machine may be asked: its CDX index and its captures, each in a lane at its own rate,
    both paused together by a 429."""

    cdx: Policy
    captures: Policy


def wayback_policies(config: Config, site: Site | None = None) -> WaybackPolicies:
    """The two lanes of the Wayback Machine at the configured rates (`[wayback]`); captures of `site`'s pages
    are decoded with its legacy charsets. Captures come back whatever their status (`Policy.mementos`)."""
    base = Policy(
        hosts=frozenset({host_of(config.wayback_url)}),
        min_interval=60.0 / config.wayback_cdx_per_minute,
        lane="cdx",
        pause_group=WAYBACK_GROUP,
        pause_on_429=config.wayback_pause_after_429,
        obey_robots=config.wayback_obey_robots,
        robots_setting=WAYBACK_ROBOTS,
    )
    captures = replace(
        base,
        min_interval=1.0 / config.wayback_captures_per_second,
        lane="captures",
        mementos=True,
        legacy_charsets=site.legacy_charsets if site is not None else (),
    )
    return WaybackPolicies(cdx=base, captures=captures)
