"""`import-history`: past versions of sites or documents from the web archive's captures."""

from __future__ import annotations

import sys
from datetime import date, datetime
from typing import TYPE_CHECKING

import click

from archive.errors import PressroomError
from archive.recorder import Archive, check_writable
from crawler.cli.base import Context, cli, friendly
from crawler.cli.dockey import resolve_doc
from crawler.cli.run import exit_status, stop_on_signals
from crawler.cli.stopping import run_stoppable
from crawler.cli.term import progress_display
from crawler.pipeline.history_find import owner_of
from crawler.pipeline.report import SUMMARY_ORDER, RunReport, SiteReport
from crawler.sites import SITES, resolve
from crawler.wording import count

if TYPE_CHECKING:
    from crawler.pipeline.history import Target


HINT = "SITE|DOC"


@cli.command("import-history")
@click.argument("targets", nargs=-1, required=True, metavar="SITE|DOC...")
@click.option("--since", default=None, metavar="YYYY-MM-DD", help="Only captures taken on or after this day.")
@click.option("--until", default=None, metavar="YYYY-MM-DD", help="Only captures taken on or before this day.")
@click.option("--wait-lock", type=float, default=0.0, metavar="SECONDS", help="Wait for another run to finish.")
@click.pass_obj
@friendly
def import_history(
    obj: Context, targets: tuple[str, ...], since: str | None, until: str | None, wait_lock: float
) -> None:
    """Import the web archive's past captures of each SITE, or of each DOC (a key or any form of its URL), as
    dated versions; resumable: run it again after an interruption and it continues where it stopped."""
    from crawler.pipeline.history import HistoryImport  # its modules load only for the command that needs them

    first, last = _day("--since", since), _day("--until", until)
    if first and last and first > last:
        raise OneLine(f"--since {first} is after --until {last}")
    check_writable(obj.root)
    archive = obj.archive()
    chosen = [_target(archive, value) for value in targets]
    with archive.writing(wait=wait_lock), stop_on_signals() as stop, progress_display("import") as progress:
        importing = HistoryImport(archive, obj.config, stop=stop, progress=progress)
        report = run_stoppable(importing.run(chosen, first, last), stop)
    for line in importing.report.lines():
        click.echo(line, err=True)
    _print_live(report)
    sys.exit(exit_status(report))


class OneLine(click.ClickException):
    """A bad argument, said in one line (no usage block: the line names what is wrong), exit status 2."""

    exit_code = 2


def _day(option: str, value: str | None) -> date | None:
    """A YYYY-MM-DD option's day; one line naming the option and the value when it is no real day."""
    if value is None:
        return None
    try:
        return datetime.strptime(value.strip(), "%Y-%m-%d").date()
    except ValueError:
        raise OneLine(f"{option} {value}: not a date (YYYY-MM-DD)") from None


def _target(archive: Archive, value: str) -> Target:
    """A site by name or alias, or a document by key or URL; a one-line usage error naming `value` otherwise."""
    from crawler.pipeline.history import Target

    wanted = value.strip()
    if "://" in wanted:
        owner = owner_of(wanted)
        if owner is None:
            raise click.BadParameter(f"{wanted} is no release URL of any site ({_known()})", param_hint=HINT)
        return Target(owner.site, owner.key, (owner.url, *_held_urls(archive, owner.key)))
    if "/" not in wanted.strip("/"):
        try:
            return Target(resolve(wanted))
        except PressroomError as exc:
            raise click.BadParameter(str(exc), param_hint=HINT) from None
    try:
        key = resolve_doc(archive, wanted)
    except PressroomError as exc:
        hint = "; to import a document the archive does not hold, give its URL"
        raise click.BadParameter(f"{exc}{hint}", param_hint=HINT) from None
    urls = _held_urls(archive, key)
    owner = owner_of(urls[0]) if urls else None
    if owner is None:
        where = urls[0] if urls else "?"
        raise click.BadParameter(f"{key}: its URL {where} is no release URL of a known site", param_hint=HINT)
    return Target(owner.site, key, tuple(dict.fromkeys((owner.url, *urls))))


def _held_urls(archive: Archive, key: str) -> list[str]:
    """Every URL the archive holds for a document (its current one first, then its versions')."""
    doc = archive.document(key)
    if doc is None:
        return []
    urls = [doc.url]
    for stored in archive.versions(key):
        _, version = archive.version(key, stored.number)
        urls.append(version.release.url)
    return list(dict.fromkeys(urls))


def _known() -> str:
    return "known sites: " + ", ".join(SITES)


def _live_summary(site: SiteReport) -> str:
    """A site's live visits, every outcome counted: a document already withdrawn that is still 404 live is
    `gone` (a crawl leaves it out as no news; an import names each document it visited)."""
    gone = site.counts["gone"]
    if not gone:
        return site.summary()
    if any(site.counts[kind] for kind in SUMMARY_ORDER):
        return f"{site.summary()}, {gone} gone"
    return f"{site.site}: {gone} gone"


def _print_live(report: RunReport) -> None:
    """The live visits' lines, the run's notes and its last line (as crawl and backfill end)."""
    for site in report.sites:
        if site.counts:
            click.echo(f"live check of {_live_summary(site)}", err=True)
    for line in report.layout_changes:
        click.echo(line, err=True)
    for note in report.notes:
        click.echo(note, err=True)
    problems = f"; {count(len(report.errors), 'problem')} of the run itself (above)" if report.errors else ""
    click.echo(f"run {report.run_id}: {count(report.requests, 'request')}{problems}", err=True)
