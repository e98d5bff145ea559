"""Commands over the whole archive: export, the changes and their Atom feed (search is in search.py)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from archive import export as exporting
from crawler.cli.base import Context, cli, friendly, iso_day, json_line, output_option, safe
from crawler.cli.outfile import output_file, write_output
from crawler.sites import resolve
from crawler.wording import count as count_of

if TYPE_CHECKING:
    from archive.changes import Change


@cli.command()
@click.option(
    "--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True, help="Output format."
)
@click.option("--all-versions", is_flag=True, help="Every version, not only each document's current one.")
@click.option("--site", default=None, help="Only this site.")
@click.option("--lang", default=None, help="Only documents in this language (en, ru, ko, ...).")
@click.option("--since", default=None, metavar="YYYY-MM-DD", help="Only releases published on or after this day.")
@click.option("--until", default=None, metavar="YYYY-MM-DD", help="Only releases published on or before this day.")
@output_option("Write to this file instead of stdout.")
@click.pass_obj
@friendly
def export(
    obj: Context,
    fmt: str,
    all_versions: bool,
    site: str | None,
    lang: str | None,
    since: str | None,
    until: str | None,
    output: Path | None,
) -> None:
    """Export the archive as JSON Lines or CSV (columns in README.md, "Export columns")."""
    archive = obj.reading()
    rows = exporting.records(
        archive,
        all_versions=all_versions,
        site=resolve(site).name if site else None,
        language=lang,
        since=iso_day(since, "--since"),
        until=iso_day(until, "--until"),
    )
    writer = exporting.write_jsonl if fmt == "jsonl" else exporting.write_csv
    if output is None:
        count = writer(rows, sys.stdout)
    else:
        with output_file(output) as out:
            count = writer(rows, out)
    click.echo(count_of(count, "record"), err=True)


@cli.command()
@click.option("--since", default=None, metavar="YYYY-MM-DD", help="Only events on or after this day.")
@click.option("--site", default=None, help="Only this site.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per event (see README), for scripts.")
@click.pass_obj
@friendly
def changes(obj: Context, since: str | None, site: str | None, as_json: bool) -> None:
    """List every changed, reverted, withdrawn or restored document, newest first, with words added/removed."""
    from archive.changes import changes as find

    archive = obj.reading()
    events = find(archive, since=iso_day(since, "--since"), site=resolve(site).name if site else None)
    for event in events:
        if as_json:
            json_line(_event_item(event))
        else:
            click.echo(safe(event.summary()))
    if not events:
        scope = (f" since {since}" if since else "") + (f" on {resolve(site).name}" if site else "")
        click.echo(f"no changed, reverted, withdrawn or restored documents{scope}", err=True)


def _event_item(event: Change) -> dict[str, Any]:
    """An event as `changes --json` writes it (README, "changes --json", lists the fields)."""
    return {
        "at": event.at,
        "event": event.kind,
        "key": event.key,
        "url": event.url,
        "title": event.title,
        "from_version": event.old,
        "to_version": event.new,
        "words_added": event.added,
        "words_removed": event.removed,
    }


@cli.command()
@click.option("--since", default=None, metavar="YYYY-MM-DD", help="Only events on or after this day.")
@click.option("--site", default=None, help="Only this site.")
@output_option("Write the feed to this file instead of stdout.")
@click.pass_obj
@friendly
def feed(obj: Context, since: str | None, site: str | None, output: Path | None) -> None:
    """Write an Atom feed of the changes (one entry per event, the word diff inside), for feed readers."""
    from archive.changes import atom_feed
    from archive.changes import changes as find

    archive = obj.reading()
    events = find(archive, since=iso_day(since, "--since"), site=resolve(site).name if site else None)
    text = atom_feed(archive, events, now=archive.now())
    if output is None:
        click.echo(text, nl=False)
    else:
        write_output(output, text)
        click.echo(f"wrote {count_of(len(events), 'entry', 'entries')} to {output}", err=True)
