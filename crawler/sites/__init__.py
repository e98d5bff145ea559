"""The explicit registry of sites. One broken site module must not take the others down: no discovery."""

from __future__ import annotations

from crawler.errors import ConfigError
from crawler.sites import mid, mid_archive, mofa
from crawler.sites.base import Site
from crawler.sites.definition import Definition

SITES: dict[str, Site] = {site.name: site for site in (mofa.SITE, mid.SITE, mid_archive.SITE)}


def resolve(name: str) -> Site:
    """A site by its name (host) or alias, case-insensitively."""
    wanted = name.strip().lower()
    for site in SITES.values():
        if wanted == site.name or wanted in site.aliases:
            return site
    known = ", ".join(f"{s.name} ({'/'.join(s.aliases)})" for s in SITES.values())
    raise ConfigError(f"unknown site {name!r}; known sites: {known}")


def site_for_url(url: str) -> Site | None:
    """The site whose release URL this is, if any."""
    for site in SITES.values():
        if site.owns(url):
            return site
    return None


def definitions() -> list[Definition]:
    """The built-in sites that are written as definitions (each module's DEFINITION, where it has one)."""
    return [m.DEFINITION for m in (mofa, mid, mid_archive) if hasattr(m, "DEFINITION")]
