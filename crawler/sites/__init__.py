"""The explicit registry of sites. One broken site module must not take the others down: no discovery.

`BUILT_IN` holds the sites that ship with pressroom; `SITES` is what this command knows: those plus the
ones defined in the settings file, which the CLI adds with `use_defined` once it has read the settings.
"""

from __future__ import annotations

from collections.abc import Iterable

from crawler.errors import ConfigError
from crawler.sites import mid, mid_archive, mofa
from crawler.sites.base import Site
from crawler.sites.definition import Definition

BUILT_IN: dict[str, Site] = {site.name: site for site in (mofa.SITE, mid.SITE, mid_archive.SITE)}
SITES: dict[str, Site] = dict(BUILT_IN)


def use_defined(defined: Iterable[Definition]) -> None:
    """Make the sites defined in the settings file known, beside the built-in ones, for this command.

    The registry is changed in place, not rebound, so every module that imported `SITES` sees the same
    sites; the CLI calls this once per command, right after loading the settings.
    """
    from crawler.sites.generic import make_site  # generic imports the site modules' shared parts

    for name in [name for name in SITES if name not in BUILT_IN]:  # an earlier command's, in the same process
        del SITES[name]
    for definition in defined:
        SITES[definition.name] = make_site(definition)


def names_taken(sites: Iterable[Site] | None = None) -> dict[str, str]:
    """Every name and alias in use -> the site it names."""
    return {n: site.name for site in (sites or BUILT_IN.values()) for n in (site.name, *site.aliases)}


def resolve(name: str) -> Site:
    """A site by its name (host) or alias, case-insensitively."""
    wanted = name.strip().lower()
    for site in SITES.values():
        if wanted == site.name or wanted in site.aliases:
            return site
    known = ", ".join(f"{s.name} ({'/'.join(s.aliases)})" if s.aliases else s.name for s in SITES.values())
    raise ConfigError(f"unknown site {name!r}; known sites: {known}")


def site_for_url(url: str) -> Site | None:
    """The site whose release URL this is, if any."""
    for site in SITES.values():
        if site.owns(url):
            return site
    return None


def owner_of(url: str) -> Site | None:
    """The site a captured URL belongs to: the one whose canonical_url takes it. A page may have been served
    on another site's host in its time (mid.ru served its old Liferay pages, now archive.mid.ru's documents,
    before 2021): the owner is the site the document is filed under, not the host it was captured on."""
    return site_for_url(url)


def definitions() -> list[Definition]:
    """The built-in sites' definitions (every site module has its DEFINITION)."""
    return [m.DEFINITION for m in (mofa, mid, mid_archive)]
