"""`pressroom notify`: send the notifications still due, or a test message to each [[notify]] URL."""

from __future__ import annotations

import sys

import click

from crawler.cli.base import Context, cli, friendly
from crawler.sites import SITES


@cli.command()
@click.option("--test", "test", is_flag=True, help="Send a test message to each configured URL; one line per URL.")
@click.option("--wait-lock", type=float, default=0.0, metavar="SECONDS", help="Wait for another run to finish.")
@click.pass_obj
@friendly
def notify(obj: Context, test: bool, wait_lock: float) -> None:
    """Send each [[notify]] URL of pressroom.toml what it has not been sent yet (edits and withdrawals, new
    releases, health changes), as a crawl does after its run; with --test, a test message instead."""
    from crawler.pipeline import notify as notifying

    config = obj.config
    if not config.notify:
        where = config.source or "pressroom.toml"
        raise click.ClickException(f"no [[notify]] table in {where}: nothing to notify (see README, Notifications)")
    if test:
        results = notifying.test_all(config)
        for endpoint, reason in results:
            click.echo(f"sent    {endpoint.shown}" if reason is None else f"failed  {endpoint.shown}: {reason}")
        sys.exit(1 if any(reason is not None for _, reason in results) else 0)
    notifying.endpoints(config)  # a URL Apprise cannot use is one line before anything is read
    archive = obj.reading(rebuilding=True)  # a lost catalog is rebuilt under the writer lock
    with archive.writing(wait=wait_lock):
        report = notifying.notify(archive, config, notifying.site_health(archive, sorted(SITES)))
    click.echo(report.summary() or "notifications: nothing to send", err=True)
    sys.exit(1 if report.failed else 0)
