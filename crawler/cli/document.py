"""Commands about one document: its history, a version file, and what changed between two versions."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from archive import diff as difflib_
from archive import timelines
from archive.document import Version, format_captured
from archive.history import SeenVersion, Sighting
from archive.recorder import Archive
from archive.rows import ObservationRow
from crawler.cli.base import Context, cli, friendly, json_line, output_option, print_version_file, safe
from crawler.cli.dockey import resolve_doc
from crawler.cli.outfile import write_output


@cli.command()
@click.argument("doc")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per version and observation (see README).")
@click.pass_obj
@friendly
def history(obj: Context, doc: str, as_json: bool) -> None:
    """List the versions of DOC (a key or URL) in the order the site showed them, each with when it was seen
    (live visits and web-archive captures), then every observation, in time order."""
    archive = obj.reading()
    key = resolve_doc(archive, doc)
    current = archive.document(key)
    stored = {v.number: v for v in archive.versions(key)}
    versions = {n: archive.version(key, n)[1] for n in stored}
    seen = {s.number: s for s in archive.seen_versions(key)}
    by_version: dict[int, list[timelines.Span]] = {}
    timeline = archive.timeline(key)
    for span in timelines.spans(timeline):
        by_version.setdefault(span.version, []).append(span)
    first = {n: s.first_seen for n, s in seen.items()}
    if not as_json:
        click.echo(key)
    for number in timelines.order(first, {n: format_captured(v.captured) for n, v in versions.items()}):
        is_current = bool(current and current.current_version == number)
        only = seen[number].sources == {timelines.CAPTURE} if number in seen else False
        if as_json:
            item = _version_item(key, number, stored[number].digest16, is_current, versions[number])
            own = [s for s in timeline if s.version == number]
            json_line({**item, **_seen_item(seen.get(number), own, only)})
            continue
        click.echo(
            f"{'*' if is_current else ' '} v{number}  {stored[number].digest16}  captured"
            f" {versions[number].captured:%Y-%m-%d %H:%M}Z  {safe(versions[number].release.title)}"
            + ("  [web archive only]" if only else "")
        )
        for span in by_version.get(number, []):
            click.echo(f"        {safe(span.words())}")
    _observations(key, archive.observations(key), as_json)


def _observations(key: str, observations: list[ObservationRow], as_json: bool) -> None:
    """Every observation of the document, in time order (an import's captures of 2019 before today's visits)."""
    if observations and not as_json:
        click.echo("")
    for o in sorted(observations, key=lambda o: (o.at, o.id)):
        if as_json:
            item = {"kind": "observation", "key": key, "at": o.at, "event": o.kind, "version": o.version}
            json_line({**item, "detail": o.detail, "source": _source(o.kind)})
            continue
        number = f" v{o.version}" if o.version else ""
        detail = f"  {safe(o.detail)}" if o.detail else ""
        click.echo(f"  {o.at}  {o.kind}{number}{detail}")


def _source(kind: str) -> str:
    """Where an observation was made: on the live site, or in the web archive (a capture, an event between)."""
    return timelines.WEB_ARCHIVE if kind == "captured" or kind.startswith("capture_") else "live"


def _seen_item(seen: SeenVersion | None, own: list[Sighting], only: bool) -> dict[str, Any]:
    """When and how a version's text was seen, as `history --json` gives it."""
    sighted = seen if seen and seen.sources else None  # a version without a sighting: its Captured is no sighting
    return {
        "first_seen": sighted.first_seen if sighted else None,
        "last_seen": sighted.last_seen if sighted else None,
        "sources": sorted(timelines.source_name(s) for s in sighted.sources) if sighted else [],
        "web_archive_only": only,
        "sightings": [{"at": s.at, "source": timelines.source_name(s.source), "url": s.url} for s in own],
    }


def _version_item(key: str, number: int, digest16: str, current: bool, version: Version) -> dict[str, Any]:
    """A version as `history --json` writes it (README, "history --json", lists the fields)."""
    return {
        "kind": "version",
        "key": key,
        "version": number,
        "digest16": digest16,
        "current": current,
        "captured": format_captured(version.captured),
        "title": version.release.title,
        "url": version.release.url,
    }


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
    """Show what changed in DOC between two versions (each named with when and how its text was seen: a live
    visit or a web-archive capture); the title is diffed like the text, other metadata changes are listed apart."""
    archive = obj.reading()
    key = resolve_doc(archive, doc)
    old, new, edges = _versions_to_compare(archive, key, old, new)
    a, b = (timelines.as_seen(archive.version(key, n)[1], edge) for n, edge in zip((old, new), edges, strict=True))
    old_label, new_label = f"{key} v{old}", f"{key} v{new}"
    if fmt == "unified":
        text = difflib_.unified(a, b, old_label=old_label, new_label=new_label)
    elif fmt == "html":
        text = difflib_.html_page(a, b, old_label=old_label, new_label=new_label)
    else:
        # Site text is escaped for the terminal before the colours go in, so the colours stay codes.
        colored = output is None and sys.stdout.isatty()
        escape = safe if output is None else str
        text = difflib_.word(a, b, color=_colorize if colored else None, escape=escape, labels=(old_label, new_label))
    if output is None:
        click.echo(safe(text) if fmt == "unified" else text, nl=False)
    else:
        write_output(output, text)
        click.echo(f"wrote {output}", err=True)


Edges = tuple[Sighting | None, Sighting | None]


def _runs(archive: Archive, key: str, numbers: list[int]) -> list[tuple[int, Sighting, Sighting]]:
    """What the site showed, in time order: (version, first sighting, last sighting) for each stretch of one
    text. A re-extraction stands for the page it re-read (a sighting of its own kind, never named as one)."""
    marks = [*archive.timeline(key)]
    marks += [
        Sighting(o.at, o.version, "reextracted", o.url)
        for o in archive.observations(key)
        if o.kind == "reextracted" and o.version is not None
    ]
    runs: list[tuple[int, Sighting, Sighting]] = []
    for mark in sorted(marks, key=lambda mark: mark.at):
        if mark.version not in numbers:
            continue
        if runs and runs[-1][0] == mark.version:
            runs[-1] = (mark.version, runs[-1][1], mark)
        else:
            runs.append((mark.version, mark, mark))
    return runs


def _versions_to_compare(archive: Archive, key: str, old: int | None, new: int | None) -> tuple[int, int, Edges]:
    """Default --to: the version the site shows now (of its latest sighting); default --from: the one it showed
    before that, live or in a web-archive capture. With the default --from, the sightings at the change (the
    last one of the old text, the first of the new) are returned too, to name the sides.

    Following what the site showed, not the version numbers, makes a revert (v1, v2, back to v1) read as
    v2 -> v1, the change a reader saw, instead of the undone edit v1 -> v2; and a version found in a 2019
    capture after today's crawls is compared with what the site showed around it in 2019.
    """
    numbers = [v.number for v in archive.versions(key)]
    runs = _runs(archive, key, numbers)
    edges: Edges = (None, None)
    if new is None:
        current = archive.document(key)
        new = current.current_version if current and current.current_version in numbers else numbers[-1]
    if old is None:
        at = [i for i, run in enumerate(runs) if run[0] == new]
        if at and at[-1] > 0:
            before, after = runs[at[-1] - 1], runs[at[-1]]
            old, edges = before[0], (before[2], after[1])
        else:
            earlier = [n for n in numbers if n < new]
            if not earlier:
                raise click.ClickException(f"{key} has only one version up to v{new}; nothing to compare")
            old = earlier[-1]
    return old, new, edges


def _colorize(op: str, text: str) -> str:
    return click.style(text, fg="red", strikethrough=True) if op == "-" else click.style(text, fg="green", bold=True)
