"""Commands that fetch: crawl, extract (offline parse of a saved page), backfill, schedule."""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from datetime import UTC, datetime
from typing import Any

import click

from archive.document import Version
from archive.recorder import check_writable
from crawler import config as configuration
from crawler.cli_base import Context, cli, friendly
from crawler.engine import Engine, RunReport
from crawler.sites import SITES, resolve

logger = logging.getLogger("crawler.cli")


@cli.command()
@click.argument("sites", nargs=-1, metavar="[SITE]...")
@click.option("--ignore-robots", is_flag=True, help="Do not obey robots.txt (warns; for operators who may).")
@click.option(
    "--wait-lock",
    type=float,
    default=0.0,
    show_default=True,
    metavar="SECONDS",
    help="Wait this long for another pressroom run writing the same archive.",
)
@click.pass_obj
@friendly
def crawl(obj: Context, sites: tuple[str, ...], ignore_robots: bool, wait_lock: float) -> None:
    """Fetch the newest releases of SITE (default: every enabled site) and archive what is new or changed."""
    chosen = [resolve(s) for s in sites] or [s for s in SITES.values() if obj.config.site(s.name).enabled]
    config = obj.config
    if ignore_robots:
        logger.warning("warning: --ignore-robots: robots.txt will not be obeyed this run")
        for site in chosen:
            config = configuration.with_site(config, site.name, ignore_robots=True)
    check_writable(obj.root)
    archive = obj.archive()
    with archive.writing(wait=wait_lock):
        report = asyncio.run(Engine(archive, config).crawl(chosen))
    _print_report(report)
    if not report.ok:
        sys.exit(1)


def _print_report(report: RunReport) -> None:
    for site in report.sites:
        click.echo(site.summary(), err=True)
    click.echo(f"run {report.run_id}: {report.requests} requests", err=True)


@cli.command()
@click.argument("site")
@click.argument("file", type=click.File("rb"))
@click.option("--url", default=None, help="The page's URL (default: taken from the file's canonical link).")
@click.option(
    "--captured",
    default=None,
    metavar="ISO-TIME",
    help="Capture time to write (default: the file's modification time).",
)
@click.pass_obj
@friendly
def extract(obj: Context, site: str, file: Any, url: str | None, captured: str | None) -> None:
    """Print the version file that a saved HTML page of SITE would produce (offline)."""
    from crawler.charset import decode_html

    chosen = resolve(site)
    text, _ = decode_html(file.read())
    url = url or _canonical_link(text) or ""
    if not url:
        raise click.ClickException(f"{file.name}: no URL given and no canonical link in the page; pass --url")
    when = _captured_time(captured, file.name)
    release = chosen.parse_release(text, url)
    click.echo(Version(release, when).render(), nl=False)


def _canonical_link(html: str) -> str | None:
    from crawler.sites.base import html_tree

    for selector in ('link[rel="canonical"]', 'meta[property="og:url"]'):
        node = html_tree(html).css_first(selector)
        if node is not None:
            value = node.attributes.get("href") or node.attributes.get("content")
            if value:
                return value
    return None


def _captured_time(value: str | None, filename: str) -> datetime:
    if value:
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise click.BadParameter(f"not an ISO time: {value!r}", param_hint="--captured") from None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    try:
        return datetime.fromtimestamp(os.stat(filename).st_mtime, UTC)
    except OSError:
        return datetime.now(UTC)


