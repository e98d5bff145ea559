"""`pressroom check`: would the installed parsers read the stored pages as the archive has them?"""

from __future__ import annotations

import sys
from collections import Counter

import click

from archive import diff as difflib_
from archive.diff import metadata_changes
from crawler.cli.base import Context, cli, friendly, safe
from crawler.pipeline.check import CHANGED, DIFFERENT, METADATA, NO_CAPTURE, UNPARSED, Checked, check_site
from crawler.sites import SITES, resolve
from crawler.wording import count

EXIT_DIFFERENT = 1


@cli.command()
@click.argument("sites", nargs=-1, metavar="[SITE]...")
@click.option(
    "--sample",
    type=click.IntRange(min=1),
    default=20,
    show_default=True,
    help="How many of each site's most recently published documents to check.",
)
@click.option(
    "--show",
    type=click.IntRange(min=0),
    default=3,
    show_default=True,
    help="Print the word diff of this many of the documents whose text would change.",
)
@click.pass_obj
@friendly
def check(obj: Context, sites: tuple[str, ...], sample: int, show: int) -> None:
    """Re-parse the stored raw captures of each SITE's newest documents (default: every site with documents)
    with the installed parsers, offline and without writing; list those whose text would now differ from the
    archived version, with the word diff of the first few; exit 1 if any would."""
    archive = obj.reading()
    chosen = [resolve(s) for s in sites] or list(SITES.values())
    shown = differing = 0
    seen = False
    for site in chosen:
        tally: Counter[str] = Counter()
        for checked in check_site(archive, site, sample):
            tally[checked.kind] += 1
            if checked.kind in DIFFERENT:
                differing += 1
                shown += _report(checked, with_diff=shown < show)
            elif checked.kind == METADATA:
                click.echo(_metadata_line(checked))
        if tally or sites:
            click.echo(_summary(site.name, tally), err=True)
        seen = seen or bool(tally)
    if not seen:
        click.echo(f"no documents to check in the archive at {archive.root}", err=True)
    if differing:
        click.echo(f"{count(differing, 'document')} would not be read as archived (above)", err=True)
        sys.exit(EXIT_DIFFERENT)


def _report(checked: Checked, *, with_diff: bool) -> int:
    """Print one document that would change (its word diff if asked); 1 if a diff was printed."""
    if checked.kind == UNPARSED:
        click.echo(f"would not parse: {checked.key} v{checked.number}: {safe(checked.reason)} ({safe(checked.url)})")
        return 0
    click.echo(f"would change: {checked.key} v{checked.number} ({safe(checked.url)})")
    if not with_diff or checked.old is None or checked.new is None:
        return 0
    click.echo(difflib_.word(checked.old, checked.new, escape=safe))
    return 1


def _metadata_line(checked: Checked) -> str:
    """Which document would change only in its metadata, and which fields (a recrawl records no version)."""
    fields = [f for f, _, _ in metadata_changes(checked.old, checked.new)] if checked.old and checked.new else []
    named = f": {', '.join(fields)}" if fields else ""
    return f"only in metadata: {checked.key} v{checked.number}{named} ({safe(checked.url)})"


def _summary(site: str, tally: Counter[str]) -> str:
    """One line per site: how many documents were checked and how they compare."""
    checked = sum(v for k, v in tally.items() if k != NO_CAPTURE)
    parts = [f"{count(checked, 'document')} checked"]
    parts += [f"{tally[CHANGED]} would change"] if tally[CHANGED] else []
    parts += [f"{tally[UNPARSED]} would not parse"] if tally[UNPARSED] else []
    parts += [f"{tally[METADATA]} only in metadata"] if tally[METADATA] else []
    parts += [f"{tally[NO_CAPTURE]} without a stored capture"] if tally[NO_CAPTURE] else []
    return f"{site}: {', '.join(parts)}"
