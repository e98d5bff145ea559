"""Commands about one document: its history, a version file, and what changed between two versions."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from archive import diff as difflib_
from archive.document import Version, format_captured
from archive.recorder import SEEN_KINDS, Archive
from crawler.cli.base import Context, cli, friendly, json_line, output_option, print_version_file, safe
from crawler.cli.dockey import resolve_doc
from crawler.cli.outfile import write_output

# Observations that say which text the site showed (a re-extraction stands for the page it re-read).
SHOWN_KINDS = SEEN_KINDS | {"reextracted"}


@cli.command()
@click.argument("doc")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per version and observation (see README).")
@click.pass_obj
@friendly
def history(obj: Context, doc: str, as_json: bool) -> None:
    """List the versions of DOC (a key or URL) and every visit that observed it."""
    archive = obj.reading()
    key = resolve_doc(archive, doc)
    current = archive.document(key)
    if not as_json:
        click.echo(key)
    for stored in archive.versions(key):
        _, version = archive.version(key, stored.number)
        is_current = bool(current and current.current_version == stored.number)
        if as_json:
            json_line(_version_item(key, stored.number, stored.digest16, is_current, version))
            continue
        click.echo(
            f"{'*' if is_current else ' '} v{stored.number}  {stored.digest16}  captured"
            f" {version.captured:%Y-%m-%d %H:%M}Z  {safe(version.release.title)}"
        )
    observations = archive.observations(key)
    if observations and not as_json:
        click.echo("")
    for o in observations:
        if as_json:
            item = {"kind": "observation", "key": key, "at": o.at, "event": o.kind, "version": o.version}
            json_line({**item, "detail": o.detail})
            continue
        number = f" v{o.version}" if o.version else ""
        detail = f"  {safe(o.detail)}" if o.detail else ""
        click.echo(f"  {o.at}  {o.kind}{number}{detail}")


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
    """Show what changed in DOC between two versions (each named with its capture time and origin); the title is
    diffed like the text, other metadata changes are listed apart."""
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
        text = difflib_.word(a, b, color=_colorize if colored else None, escape=escape, labels=(old_label, new_label))
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
