"""`pressroom sites`: the sites this command knows, built in or defined in the settings file."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass

import click

from crawler.cli.base import Context, cli, friendly, safe
from crawler.config import Config
from crawler.sites import BUILT_IN, SITES
from crawler.sites.base import Site
from crawler.wording import table


@dataclass(frozen=True)
class SiteRow:
    """What `sites` says about one site (also its --json object)."""

    name: str
    aliases: list[str]
    origin: str  # "built-in", or the settings file that defines it
    enabled: bool
    collections: list[str]
    languages: list[str]
    base_url: str
    description: str

    def cells(self) -> tuple[str, ...]:
        """The row of the plain-text table, escaped for a terminal (a description is the user's text)."""
        scope = ", ".join(self.collections) + (f" [{'/'.join(self.languages)}]" if self.languages else "")
        cells = (self.name, ", ".join(self.aliases) or "-", self.origin, "yes" if self.enabled else "no", scope)
        return tuple(safe(c) for c in (*cells, self.description))


def _row(site: Site, config: Config) -> SiteRow:
    cfg = config.site(site.name)
    return SiteRow(
        name=site.name,
        aliases=list(site.aliases),
        origin="built-in" if site.name in BUILT_IN else config.source,
        enabled=cfg.enabled,
        collections=list(cfg.collections),
        languages=list(cfg.languages),
        base_url=cfg.base_url,
        description=site.description,
    )


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON object per site, for scripts.")
@click.pass_obj
@friendly
def sites(obj: Context, as_json: bool) -> None:
    """List the built-in sites and those defined in pressroom.toml: name, aliases, origin, enabled, scope."""
    rows = [_row(site, obj.config) for site in SITES.values()]
    if as_json:
        for row in rows:
            click.echo(json.dumps(dataclasses.asdict(row), ensure_ascii=False, sort_keys=True))
        return
    headers = ("SITE", "ALIASES", "ORIGIN", "ENABLED", "SCOPE", "DESCRIPTION")
    for line in table(headers, [row.cells() for row in rows]):
        click.echo(line)
