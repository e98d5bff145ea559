"""`pressroom add URL...`: archive these releases now, as a crawl would."""

from __future__ import annotations

import logging
import sys

import click

from archive.recorder import check_writable
from crawler.cli.base import Context, cli, friendly
from crawler.cli.run import _print_report, _robots_override, exit_status, stop_on_signals
from crawler.cli.stopping import run_stoppable
from crawler.cli.term import progress_display
from crawler.pipeline.add import add_urls, sort_urls
from crawler.pipeline.engine import Engine
from crawler.sites import SITES
from crawler.wording import count

logger = logging.getLogger("crawler.cli")


@cli.command()
@click.argument("urls", nargs=-1, required=True, metavar="URL...")
@click.option("--ignore-robots", is_flag=True, help="Do not obey robots.txt (warns; for operators who may).")
@click.option("--wait-lock", type=float, default=0.0, metavar="SECONDS", help="Wait for another run to finish.")
@click.pass_obj
@friendly
def add(obj: Context, urls: tuple[str, ...], ignore_robots: bool, wait_lock: float) -> None:
    """Archive the releases at URL... now (any URL form of a known site), through the same politeness,
    parsers and archive as `crawl`; a document already archived gets a new version only if it changed."""
    chosen = sort_urls(urls, SITES.values())
    for rejected in chosen.rejected:
        logger.error("%s", rejected)
    for url, first in chosen.duplicates:
        logger.info("%s: the same document as %s, fetched once", url, first)
    if not chosen.targets:
        raise click.ClickException(f"nothing to add: {count(len(urls), 'URL')} given, none of a known site's releases")
    config = _robots_override(obj.config, list(chosen.sites.values()), ignore_robots)
    check_writable(obj.root)
    archive = obj.archive()
    with archive.writing(wait=wait_lock), stop_on_signals() as stop, progress_display("add") as progress:
        engine = Engine(archive, config, stop=stop, progress=progress)
        report = run_stoppable(add_urls(engine, chosen, stop=stop, progress=progress), stop)
    if chosen.rejected:
        report.notes.append(f"{count(len(chosen.rejected), 'URL')} not added (above)")
    _print_report(report)
    status = exit_status(report)
    sys.exit(status or (1 if chosen.rejected else 0))
