"""Commands that fetch: crawl, extract (offline parse of a saved page), backfill, schedule."""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import signal
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import click

from archive.document import Version
from archive.recorder import check_writable
from crawler import config as configuration
from crawler.cli.base import Context, cli, friendly, print_version_file
from crawler.cli.stopping import run_stoppable
from crawler.cli.term import progress_display
from crawler.pipeline.engine import Engine, RunReport
from crawler.pipeline.stop import Stop
from crawler.sites import SITES, resolve
from crawler.sites.base import Site
from crawler.wording import count as count_of

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
@click.option("--revisit-all", is_flag=True, help="Revisit every known document now, not only the due ones.")
@click.pass_obj
@friendly
def crawl(obj: Context, sites: tuple[str, ...], ignore_robots: bool, wait_lock: float, revisit_all: bool) -> None:
    """Fetch the newest releases of SITE (default: every enabled site), revisit known ones that are due,
    and archive what is new or changed."""
    chosen = [resolve(s) for s in sites] or [s for s in SITES.values() if obj.config.site(s.name).enabled]
    config = _robots_override(obj.config, chosen, ignore_robots)
    notifying = _notifications(config)
    check_writable(obj.root)
    archive = obj.archive()
    with archive.writing(wait=wait_lock), stop_on_signals() as stop:
        with progress_display("crawl") as progress:
            if notifying:
                notifying.take_on(archive, config)
            engine = Engine(archive, config, revisit_all=revisit_all, stop=stop, progress=progress)
            report = run_stoppable(engine.crawl(chosen), stop)
        stopped = report.stopped_by is not None
        notified = (
            notifying.after_run(archive, config, [s.name for s in chosen], stopped=stopped) if notifying else None
        )
    _print_report(report)
    if notified and notified.summary():
        click.echo(notified.summary(), err=True)
    sys.exit(exit_status(report))


def _notifications(config: configuration.Config) -> Any:
    """The notification module when [[notify]] tables are set (their URLs checked before any request: a bad
    one is one line), else None: Apprise is loaded only by those who use it."""
    if not config.notify:
        return None
    from crawler.pipeline import notify

    notify.endpoints(config)
    return notify


def _robots_override(config: configuration.Config, sites: list[Site], ignore: bool) -> configuration.Config:
    """The config for a fetching run: robots.txt ignored if asked (with a warning); warns of an unset contact."""
    warning = configuration.contact_warning(config)
    if warning:
        logger.warning("%s", warning)
    if ignore:
        logger.warning("warning: --ignore-robots: robots.txt will not be obeyed this run")
        for site in sites:
            config = configuration.with_site(config, site.name, ignore_robots=True)
    return config


@contextlib.contextmanager
def stop_on_signals() -> Iterator[Stop]:
    """A stop that SIGINT or SIGTERM sets: the run finishes the document in hand, records itself and ends."""
    stop = Stop()
    # Counted by an atomic next(): a second signal can run its handler inside the first one's (Python checks
    # for signals between any two bytecodes), and must still be taken for the second.
    presses = itertools.count()

    def on_signal(signum: int, frame: object) -> None:
        name = signal.Signals(signum).name
        if next(presses):  # the second one: the user will not wait for a slow request
            stop.hurry(name)
            logger.warning("%s again: stopping now, cancelling the requests in flight", name)
            return
        stop.set(name)
        logger.warning("%s: finishing the document in hand, then stopping", name)

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stop
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@cli.command()
@click.argument("site")
@click.option("--since", required=True, type=click.DateTime(["%Y-%m-%d"]), help="First publication day (YYYY-MM-DD).")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), default=None, help="Last publication day (default: today).")
@click.option("--refresh", is_flag=True, help="Fetch documents again even if they are already archived.")
@click.option("--ignore-robots", is_flag=True, help="Do not obey robots.txt (warns; for operators who may).")
@click.option("--wait-lock", type=float, default=0.0, metavar="SECONDS", help="Wait for another run to finish.")
@click.pass_obj
@friendly
def backfill(
    obj: Context,
    site: str,
    since: datetime,
    until: datetime | None,
    refresh: bool,
    ignore_robots: bool,
    wait_lock: float,
) -> None:
    """Archive SITE's releases published between --since and --until; resumable: run it again after an
    interruption, with the same arguments, and it continues where it stopped."""
    from crawler.pipeline.backfill import Backfill

    chosen = resolve(site)
    first, last = since.date(), (until or datetime.now(UTC)).date()
    if first > last:
        raise click.BadParameter(f"--since {first} is after --until {last}", param_hint="--since")
    config = _robots_override(obj.config, [chosen], ignore_robots)
    check_writable(obj.root)
    archive = obj.archive()
    with archive.writing(wait=wait_lock), stop_on_signals() as stop, progress_display("backfill") as progress:
        backfilling = Backfill(archive, config, stop=stop, progress=progress)
        report = run_stoppable(backfilling.run(chosen, first, last, refresh=refresh), stop)
    _print_report(report)
    sys.exit(exit_status(report))


def _print_report(report: RunReport) -> None:
    for site in report.sites:
        click.echo(site.summary(interrupted=report.stopped_by is not None), err=True)
    for line in report.layout_changes:
        click.echo(line, err=True)
    for note in report.notes:
        click.echo(note, err=True)
    problems = f"; {count_of(len(report.errors), 'problem')} of the run itself (above)" if report.errors else ""
    click.echo(f"run {report.run_id}: {count_of(report.requests, 'request')}{problems}", err=True)


# The exit statuses of a fetching run (README "Exit statuses"): cron and systemd units tell them apart.
EXIT_OK, EXIT_FAILURES, EXIT_LAYOUT = 0, 1, 3  # 2 is click's, for a usage error


def exit_status(report: RunReport) -> int:
    """0 when all went well; 128 + the signal's number when a signal stopped the run early (as shells
    report a command killed by it: 130 for SIGINT, 143 for SIGTERM); 3 when a site's pages mostly failed to
    parse the same way (a layout change); otherwise 1 when anything failed."""
    name = report.stopped_by
    if name is not None and name in signal.Signals.__members__:
        return 128 + signal.Signals[name]
    if report.layout_changes:
        return EXIT_LAYOUT
    return EXIT_OK if report.ok else EXIT_FAILURES


@cli.command()
@click.argument("site")
@click.argument("file", type=click.File("rb"))
@click.option("--url", default=None, help="The page's URL (default: its canonical or og:url link, if an article URL).")
@click.option(
    "--captured",
    default=None,
    metavar="ISO-TIME",
    help="Capture time to write (default: the file's modification time).",
)
@click.pass_obj
@friendly
def extract(obj: Context, site: str, file: Any, url: str | None, captured: str | None) -> None:
    """Print the version file that a saved HTML page of SITE would produce (offline); escaped on a terminal."""
    from crawler.net.charset import decode_html

    chosen = resolve(site)
    text, _ = decode_html(file.read(), "", chosen.legacy_charsets)  # as the crawl does
    url = url or _page_url(text, chosen, file.name)
    when = _captured_time(captured, file.name)
    release = chosen.parse_release(text, url)
    print_version_file(Version(release, when).render().encode("utf-8"))


# Where a saved page names its own address, most trustworthy first.
SELF_LINKS = ('link[rel="canonical"]', 'meta[property="og:url"]', 'meta[name="twitter:url"]')


def _page_url(html: str, site: Site, filename: str) -> str:
    """The page's own address, from the first of its self links that is one of `site`'s article URLs (a
    mission's page may point its canonical link at its home page); else a one-line error asking for --url."""
    from crawler.sites.base import html_tree

    tree = html_tree(html)
    links = [n.attributes.get("href") or n.attributes.get("content") for s in SELF_LINKS for n in tree.css(s)]
    found = [link.strip() for link in links if link and link.strip()]
    for link in found:
        if site.owns(link):
            return link
    if not found:
        raise click.ClickException(f"{filename}: no URL given and no canonical link in the page; pass --url")
    raise click.ClickException(
        f"{filename}: the page's own link ({found[0]}) is not a {site.name} article URL; "
        "pass the page's address with --url"
    )


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


@cli.command()
@click.argument("sites", nargs=-1, metavar="[SITE]...")
@click.option(
    "--duration",
    type=float,
    default=None,
    metavar="SECONDS",
    help="Stop after this long (default: run until SIGINT or SIGTERM).",
)
@click.pass_obj
@friendly
def schedule(obj: Context, sites: tuple[str, ...], duration: float | None) -> None:
    """Run unattended: crawl each SITE (default: every enabled site) at its configured interval; stopped, exit
    3 if the last run of a site found a layout change, else 0."""
    from crawler.pipeline.schedule import Scheduler

    chosen = [resolve(s) for s in sites] or [s for s in SITES.values() if obj.config.site(s.name).enabled]
    config = _robots_override(obj.config, chosen, False)
    _notifications(config)
    check_writable(obj.root)
    scheduler = Scheduler(obj.root, config, chosen)
    scheduler.serve(duration=duration)
    click.echo(f"scheduler stopped after {count_of(scheduler.runs, 'run')}", err=True)
    broken = [line for lines in scheduler.layout_changes.values() for line in lines]
    for line in broken:
        click.echo(f"last run: {line}", err=True)
    sys.exit(EXIT_LAYOUT if broken else EXIT_OK)


@cli.command()
@click.argument("sites", nargs=-1, metavar="[SITE]...")
@click.pass_obj
@friendly
def reextract(obj: Context, sites: tuple[str, ...]) -> None:
    """Run the current parsers again over the stored raw captures (offline); record a new version only where
    the text really differs, marked as a re-extraction, never as a ministry edit."""
    from crawler.pipeline.reextract import reextract as run

    archive = obj.reading(rebuilding=True)  # a lost catalog is rebuilt under the writer lock
    chosen = [resolve(s) for s in sites] or list(SITES.values())
    with archive.writing():
        counts = run(archive, chosen)
    click.echo(", ".join(f"{v} {k}" for k, v in sorted(counts.items())) or "no captures", err=True)
    if counts.get("failed"):
        sys.exit(1)
