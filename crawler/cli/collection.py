"""Commands over the whole archive: export, the changes and their Atom feed (search is in search.py)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from archive import export as exporting
from crawler.cli.base import Context, archived_language, cli, friendly, iso_day, json_line, output_option, safe
from crawler.cli.outfile import output_file, write_output
from crawler.configchecks import check_base_url
from crawler.errors import ConfigError
from crawler.sites import resolve
from crawler.wording import count as count_of

if TYPE_CHECKING:
    from archive.changes import Change
    from archive.recorder import Archive

F = TypeVar("F", bound=Callable[..., Any])


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
        language=archived_language(archive, lang),
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


def period_options(func: F) -> F:
    """The options `changes` and `feed` share: which events (--since, --until, --site, --limit)."""
    for option in reversed(
        (
            click.option("--since", default=None, metavar="YYYY-MM-DD", help="Only events on or after this day."),
            click.option("--until", default=None, metavar="YYYY-MM-DD", help="Only events on or before this day."),
            click.option("--site", "sites", multiple=True, help="Only this site (repeat for several)."),
            click.option("--limit", type=click.IntRange(min=1), default=None, help="Only the newest N events."),
        )
    ):
        func = option(func)
    return func


@dataclass(frozen=True)
class Asked:
    """The events a command was asked for, checked: ISO days, known sites' names."""

    since: str | None
    until: str | None
    sites: tuple[str, ...]
    limit: int | None

    @classmethod
    def check(cls, since: str | None, until: str | None, sites: tuple[str, ...], limit: int | None) -> Asked:
        """The options as given on the command line; a bad value is one line naming the option."""
        since, until = iso_day(since, "--since"), iso_day(until, "--until")
        if since and until and until < since:
            raise click.ClickException(f"--until {until} is before --since {since}: no day is in that range")
        names = tuple(dict.fromkeys(resolve(site).name for site in sites))  # each once, in the order given
        return cls(since, until, names, limit)

    def scope(self) -> str:
        """The range in words, for the line that says nothing was found: ` between A and B on SITE`."""
        if self.since and self.until:
            words = f" between {self.since} and {self.until}"
        else:
            words = f" since {self.since}" if self.since else f" up to {self.until}" if self.until else ""
        return words + (f" on {' or '.join(self.sites)}" if self.sites else "")

    def find(self, archive: Archive, *, by_noted: bool = False) -> tuple[list[Change], int]:
        """The events asked for, newest first (`by_noted`: by when pressroom recorded them), and how many
        there are in the period (beyond the limit too)."""
        from archive.changes import Period, changes, count

        events = changes(
            archive, since=self.since, until=self.until, sites=self.sites, limit=self.limit, by_noted=by_noted
        )
        total = count(archive, Period(self.since, self.until, self.sites)) if self.limit == len(events) else len(events)
        return events, total


@cli.command()
@period_options
@click.option("--json", "as_json", is_flag=True, help="One JSON object per event (see README), for scripts.")
@click.pass_obj
@friendly
def changes(
    obj: Context, since: str | None, until: str | None, sites: tuple[str, ...], limit: int | None, as_json: bool
) -> None:
    """List every changed, reverted, withdrawn or restored document, newest first, with words added/removed;
    edits found between web-archive captures are marked and dated by the later capture."""
    asked = Asked.check(since, until, sites, limit)
    events, total = asked.find(obj.reading())
    for event in events:
        if as_json:
            json_line(_event_item(event))
        else:
            click.echo(safe(event.summary()))
    if not events:
        click.echo(f"no changed, reverted, withdrawn or restored documents{asked.scope()}", err=True)
    elif total > len(events):
        click.echo(f"the newest {len(events)} of {total} events (--limit to see more)", err=True)


def _event_item(event: Change) -> dict[str, Any]:
    """An event as `changes --json` writes it (README, "changes --json", lists the fields)."""
    before, after = event.before, event.after
    return {
        "at": event.at,
        "event": event.verb,
        "source": event.source,
        "from_at": before.at if before else None,
        "from_capture": before.url if before and before.source == "capture" else None,
        "to_capture": after.url if after and after.source == "capture" else None,
        "key": event.key,
        "url": event.url,
        "title": event.title,
        "from_version": event.old,
        "to_version": event.new,
        "words_added": event.added,
        "words_removed": event.removed,
        "attachments_changed": event.files,
    }


@cli.command()
@period_options
@click.option(
    "--base-url",
    default=None,
    metavar="URL",
    help="Where `pressroom publish` output is hosted (overrides [publish] base_url): entries link its pages.",
)
@click.option(
    "--self-url", default=None, metavar="URL", help="The feed's own URL (default with a base URL: BASE/changes.atom)."
)
@output_option("Write the feed to this file instead of stdout.")
@click.pass_obj
@friendly
def feed(
    obj: Context,
    since: str | None,
    until: str | None,
    sites: tuple[str, ...],
    limit: int | None,
    base_url: str | None,
    self_url: str | None,
    output: Path | None,
) -> None:
    """Write an Atom feed of the changes (one entry per event, the word diff inside), for feed readers."""
    from archive.atomfeed import atom_feed

    asked = Asked.check(since, until, sites, limit)
    base = obj.config.publish.base_url if base_url is None else _url(base_url, "--base-url")
    archive = obj.reading()
    events, _ = asked.find(archive, by_noted=True)  # an import's finds of 2019 are today's news
    text = atom_feed(archive, events, now=archive.now(), base_url=base, self_url=_url(self_url, "--self-url"))
    if output is None:
        click.echo(text, nl=False)
    else:
        write_output(output, text)
        click.echo(f"wrote {count_of(len(events), 'entry', 'entries')} to {output}", err=True)


def _url(value: str | None, option: str) -> str:
    """An absolute http(s) URL given to `option` ("" when not given); a bad one is a usage error naming it."""
    if value is None:
        return ""
    try:
        return check_base_url(value, option)
    except ConfigError as exc:
        raise click.BadParameter(str(exc).removeprefix(f"{option} "), param_hint=option) from None
