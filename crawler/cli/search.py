"""The `search` command: full-text search over the archive, with snippets, as text or JSON lines."""

from __future__ import annotations

import sys
from typing import Any

import click

from archive import search as fts
from archive.recorder import Archive
from crawler.cli.base import Context, archived_language, cli, friendly, iso_day, json_line, safe
from crawler.sites import resolve
from crawler.wording import count as count_of


@cli.command()
@click.argument("query")
@click.option("--site", default=None, help="Only this site.")
@click.option("--lang", default=None, help="Only documents in this language (en, ru, ko, ...).")
@click.option("--since", default=None, metavar="YYYY-MM-DD", help="Only releases published on or after this day.")
@click.option("--until", default=None, metavar="YYYY-MM-DD", help="Only releases published on or before this day.")
@click.option("--all-versions", is_flag=True, help="Search earlier versions too, and say which versions matched.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per hit (see README), for scripts.")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True, help="How many results.")
@click.pass_obj
@friendly
def search(
    obj: Context,
    query: str,
    site: str | None,
    lang: str | None,
    since: str | None,
    until: str | None,
    all_versions: bool,
    as_json: bool,
    limit: int,
) -> None:
    """Full-text search (QUERY: words, "phrases", OR, NOT, -word, word*, NEAR(a b, N), title:, number:,
    tag:), best matches first, with a snippet of each."""
    archive = obj.reading()
    filters = fts.Filters(
        site=resolve(site).name if site else None,
        language=archived_language(archive, lang),
        since=iso_day(since, "--since"),
        until=iso_day(until, "--until"),
        all_versions=all_versions,
    )
    hits = archive.search(query, filters, limit=limit)
    total, versions = archive.search_count(query, filters)
    bold = sys.stdout.isatty() and not as_json
    for hit in hits:
        item = _item(archive, hit, query)
        if as_json:
            json_line(item)
            continue
        label = f"  {_versions(hit)}" if all_versions else ""
        click.echo(safe(f"{hit.key}{label}  {hit.published[:10]}  {item['title']}"))
        click.echo(f"    {_highlight(item['snippet'], item['highlights'] if bold else [])}")
    click.echo(_summary(len(hits), total, versions if all_versions else None), err=True)


def _item(archive: Archive, hit: fts.Hit, query: str) -> dict[str, Any]:
    """A hit as `--json` writes it (README, "search --json", lists the fields)."""
    _, version = archive.version(hit.key, hit.version)
    r = version.release
    text, spans = fts.snippet(r.body, query, language=r.language)
    return {
        "key": hit.key,
        "site": r.site,
        "collection": r.collection,
        "language": r.language,
        "url": r.url,
        "title": r.title,
        "published": hit.published,
        "document_number": r.document_number,
        "tags": list(r.tags),
        "version": hit.version,
        "current_version": hit.current,
        "matched_versions": list(hit.versions),
        "score": hit.score,  # unrounded: on a small archive every bm25 is close to 0
        "snippet": text,
        "highlights": [list(span) for span in spans],
    }


def _versions(hit: fts.Hit) -> str:
    """Which versions matched, and which one is current: `v1,v2 (current v3)`."""
    numbers = ",".join(f"v{n}" for n in hit.versions)
    return f"{numbers} (current)" if hit.versions == (hit.current,) else f"{numbers} (current v{hit.current})"


def _summary(shown: int, total: int, versions: int | None) -> str:
    """`12 matches`, `5 of 12 matches (--limit to see more)`; with --all-versions the versions that matched."""
    line = count_of(total, "match", "matches")
    if versions is not None:
        line += f" ({count_of(versions, 'version')})"
    if shown < total:
        line = f"{shown} of {line} (--limit to see more)"
    return line


def _highlight(text: str, spans: list[list[int]] | list[tuple[int, int]]) -> str:
    """The snippet escaped for the terminal, piece by piece, with the matches in bold (the codes unescaped)."""
    out, done = [], 0
    for start, end in spans:
        start = max(start, done)  # two terms may match overlapping text
        if end > start:
            out += [safe(text[done:start]), click.style(safe(text[start:end]), bold=True)]
            done = end
    return "".join([*out, safe(text[done:])])
