"""The `search` command: full-text search over the archive, with snippets."""

from __future__ import annotations

import sys

import click

from crawler.cli.base import Context, cli, friendly, iso_day, safe
from crawler.sites import resolve
from crawler.wording import count as count_of


@cli.command()
@click.argument("query")
@click.option("--site", default=None, help="Only this site.")
@click.option("--lang", default=None, help="Only documents in this language.")
@click.option("--since", default=None, metavar="YYYY-MM-DD", help="Only releases published on or after this day.")
@click.option("--until", default=None, metavar="YYYY-MM-DD", help="Only releases published on or before this day.")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True, help="How many results.")
@click.pass_obj
@friendly
def search(
    obj: Context, query: str, site: str | None, lang: str | None, since: str | None, until: str | None, limit: int
) -> None:
    """Full-text search over the current versions, best matches first, with a snippet of each."""
    from archive import search as fts

    archive = obj.reading()
    filters = {
        "site": resolve(site).name if site else None,
        "language": lang,
        "since": iso_day(since, "--since"),
        "until": iso_day(until, "--until"),
    }
    try:
        hits = archive.search(query, limit=limit, **filters)
        total = archive.search_count(query, **filters)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    bold = sys.stdout.isatty()
    for hit in hits:
        _, version = archive.version(hit.key)
        text, spans = fts.snippet(version.release.body, query)
        click.echo(safe(f"{hit.key}  {hit.published[:10]}  {version.release.title}"))
        click.echo(f"    {_highlight(text, spans if bold else [])}")
    shown = count_of(total, "result") if len(hits) == total else f"{len(hits)} of {count_of(total, 'result')}"
    click.echo(shown + (" (--limit to see more)" if len(hits) < total else ""), err=True)


def _highlight(text: str, spans: list[tuple[int, int]]) -> str:
    """The snippet escaped for the terminal, piece by piece, with the matches in bold (the codes unescaped)."""
    out, done = [], 0
    for start, end in spans:
        start = max(start, done)  # two terms may match overlapping text
        if end > start:
            out += [safe(text[done:start]), click.style(safe(text[start:end]), bold=True)]
            done = end
    return "".join([*out, safe(text[done:])])
