"""How a site may be fetched, from its definition and its config: the Policy and the CA bundles net is given."""

from __future__ import annotations

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
