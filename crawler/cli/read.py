"""Commands that read the archive: history, show, diff, export, reindex, runs, status."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from archive import diff as difflib_
from archive import export as exporting
from archive.recorder import SEEN_KINDS, Archive
from crawler.cli.base import Context, cli, friendly, output_option, print_version_file, safe
from crawler.cli.dockey import resolve_doc
from crawler.cli.outfile import output_file, write_output
from crawler.sites import SITES, resolve
from crawler.wording import count as count_of
from crawler.wording import table

# Observations that say which text the site showed (a re-extraction stands for the page it re-read).
SHOWN_KINDS = SEEN_KINDS | {"reextracted"}


@cli.command()
@click.argument("doc")
@click.pass_obj
@friendly
def history(obj: Context, doc: str) -> None:
    """List the versions of DOC (a key or URL) and every visit that observed it."""
    archive = obj.reading()
    key = resolve_doc(archive, doc)
    current = archive.document(key)
    click.echo(key)
    for stored in archive.versions(key):
        _, version = archive.version(key, stored.number)
        mark = "*" if current and current.current_version == stored.number else " "
        click.echo(
            f"{mark} v{stored.number}  {stored.digest16}  captured {version.captured:%Y-%m-%d %H:%M}Z"
            f"  {safe(version.release.title)}"
        )
    observations = archive.observations(key)
    if observations:
        click.echo("")
        for o in observations:
            number = f" v{o.version}" if o.version else ""
            detail = f"  {safe(o.detail)}" if o.detail else ""
            click.echo(f"  {o.at}  {o.kind}{number}{detail}")


@cli.command()
@click.argument("doc")
@click.option("--version", "number", type=int, default=None, help="Version number (default: the current one).")
@click.pass_obj
@friendly
def show(obj: Context, doc: str, number: int | None) -> None:
    """Print a version file of DOC (a key or URL): escaped on a terminal, its exact bytes to a pipe or file."""
    archive = obj.reading()
    stored, _ = archive.version(resolve_doc(archive, doc), number)
    print_version_file(stored.path.read_bytes())


@cli.command()
@click.argument("doc")
@click.option(
    "--from", "old", type=int, default=None, help="Older version (default: the one the site showed before --to)."
)
@click.option("--to", "new", type=int, default=None, help="Newer version (default: the one the site shows now).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["unified", "word", "html"]),
    default="unified",
    show_default=True,
    help="Line diff, word diff, or a side-by-side HTML page.",
)
@output_option("Write to this file instead of stdout.")
@click.pass_obj
@friendly
def diff(obj: Context, doc: str, old: int | None, new: int | None, fmt: str, output: Path | None) -> None:
    """Show what changed in DOC between two versions; metadata changes are listed apart from the text."""
    archive = obj.reading()
    key = resolve_doc(archive, doc)
    old, new = _versions_to_compare(archive, key, old, new)
    (_, a), (_, b) = archive.version(key, old), archive.version(key, new)
    old_label, new_label = f"{key} v{old}", f"{key} v{new}"
    if fmt == "unified":
        text = difflib_.unified(a, b, old_label=old_label, new_label=new_label)
    elif fmt == "html":
        text = difflib_.html_page(a, b, old_label=old_label, new_label=new_label)
    else:
        # Site text is escaped for the terminal before the colours go in, so the colours stay codes.
        colored = output is None and sys.stdout.isatty()
        escape = safe if output is None else str
        text = difflib_.word(a, b, color=_colorize if colored else None, escape=escape)
    if output is None:
        click.echo(safe(text) if fmt == "unified" else text, nl=False)
    else:
        write_output(output, text)
        click.echo(f"wrote {output}", err=True)


def _versions_to_compare(archive: Archive, key: str, old: int | None, new: int | None) -> tuple[int, int]:
    """Default --to: the version the site shows now; default --from: the one it showed before that.

    Following what the site showed, not the version numbers, makes a revert (v1, v2, back to v1) read as
    v2 -> v1, the change a reader saw, instead of the undone edit v1 -> v2.
    """
    numbers = [v.number for v in archive.versions(key)]
    shown: list[int] = []
    for o in archive.observations(key):
        if o.version in numbers and o.kind in SHOWN_KINDS and (not shown or shown[-1] != o.version):
            shown.append(o.version)
    if new is None:
        current = archive.document(key)
        new = current.current_version if current and current.current_version in numbers else numbers[-1]
    if old is None:
        if new in shown:
            last = len(shown) - 1 - shown[::-1].index(new)
            old = shown[last - 1] if last > 0 else None
        if old is None:
            earlier = [n for n in numbers if n < new]
            if not earlier:
                raise click.ClickException(f"{key} has only one version up to v{new}; nothing to compare")
            old = earlier[-1]
    return old, new


def _colorize(op: str, text: str) -> str:
    return click.style(text, fg="red", strikethrough=True) if op == "-" else click.style(text, fg="green", bold=True)


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
        since=_day(since, "--since"),
        until=_day(until, "--until"),
    )
    writer = exporting.write_jsonl if fmt == "jsonl" else exporting.write_csv
    if output is None:
        count = writer(rows, sys.stdout)
    else:
        with output_file(output) as out:
            count = writer(rows, out)
    click.echo(count_of(count, "record"), err=True)


def _day(value: str | None, option: str) -> str | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise click.BadParameter(f"expected YYYY-MM-DD, got {value!r}", param_hint=option) from None


@cli.command()
@click.option("--since", default=None, metavar="YYYY-MM-DD", help="Only events on or after this day.")
@click.option("--site", default=None, help="Only this site.")
@click.pass_obj
@friendly
def changes(obj: Context, since: str | None, site: str | None) -> None:
    """List every changed, reverted, withdrawn or restored document, newest first, with words added/removed."""
    from archive.changes import changes as find

    archive = obj.reading()
    events = find(archive, since=_day(since, "--since"), site=resolve(site).name if site else None)
    for event in events:
        click.echo(safe(event.summary()))
    if not events:
        scope = (f" since {since}" if since else "") + (f" on {resolve(site).name}" if site else "")
        click.echo(f"no changed, reverted, withdrawn or restored documents{scope}", err=True)


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
    events = find(archive, since=_day(since, "--since"), site=resolve(site).name if site else None)
    text = atom_feed(archive, events, now=archive.now())
    if output is None:
        click.echo(text, nl=False)
    else:
        write_output(output, text)
        click.echo(f"wrote {count_of(len(events), 'entry', 'entries')} to {output}", err=True)


@cli.command()
@click.pass_obj
@friendly
def reindex(obj: Context) -> None:
    """Rebuild the catalog from the files: versions, the log of runs and visits, and the WARC captures."""
    from archive.warcscan import scan_captures

    archive = obj.reading(rebuilding=True)
    with archive.writing():
        report = archive.reindex(scan_captures(archive.root))
    for problem in report.problems:
        click.echo(f"problem: {problem}", err=True)
    click.echo(f"{count_of(report.documents, 'document')}, {count_of(report.versions, 'version')} indexed", err=True)
    if report.problems:
        sys.exit(1)


@cli.command()
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True, help="How many runs to list.")
@click.pass_obj
@friendly
def runs(obj: Context, limit: int) -> None:
    """List the most recent runs with their counts."""
    archive = obj.reading()
    rows = []
    for run in archive.runs(limit):
        counts = ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in sorted(run["counts"].items()) if v) or "-"
        finished = run["finished"] or "(running or killed)"
        rows.append((str(run["id"]), run["started"], finished, run["status"], run["command"], run["sites"], counts))
    if not rows:
        click.echo(f"no runs yet in the archive at {archive.root}", err=True)
        return
    headers = ("RUN", "STARTED", "FINISHED", "STATUS", "COMMAND", "SITES", "COUNTS")
    for line in table(headers, rows, right=frozenset({0})):
        click.echo(line)


@cli.command()
@click.pass_obj
@friendly
def status(obj: Context) -> None:
    """Per site: when a run last succeeded, how many documents are archived, withdrawn, and due."""
    from crawler.pipeline.revisit import due_in

    archive = obj.reading()
    now = archive.clock()
    last_ok: dict[str, str] = {}
    last_any: dict[str, tuple[str, str]] = {}
    for run in reversed(archive.runs(10_000)):
        for site in run["sites"].split():
            last_any[site] = (run["started"], run["status"])
            if run["status"] == "ok":
                last_ok[site] = run["finished"] or run["started"]
    for name in SITES:
        total, withdrawn = archive.count_documents(name)
        if not total and name not in last_any:
            continue
        started, state = last_any.get(name, ("never", "-"))
        due, _ = due_in(archive, name, now, 0)
        click.echo(
            f"{name}: {count_of(total, 'document')} ({withdrawn} withdrawn), {due} due now; "
            f"last success {last_ok.get(name, 'never')}; last run {started} ({state})"
        )
