"""`pressroom publish DIR`: the archive as a static site for readers (archive/publish does the work)."""

from __future__ import annotations

from pathlib import Path

import click

from archive.publish.site import publish as build
from crawler.cli.base import Context, cli, friendly
from crawler.configchecks import check_base_url
from crawler.errors import ConfigError
from crawler.wording import count


@cli.command()
@click.argument("directory", metavar="DIR", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--base-url",
    "base_url",
    default=None,
    metavar="URL",
    help="Where the site will be hosted (overrides [publish] base_url); pages name their address under it.",
)
@click.option("--no-search", is_flag=True, help="Do not build the search indexes (Pagefind's and the file:// one).")
@click.pass_obj
@friendly
def publish(obj: Context, directory: Path, base_url: str | None, no_search: bool) -> None:
    """Write the archive as a static site in DIR (a new or earlier-published folder); again: only what changed."""
    if base_url is not None:
        try:
            base_url = check_base_url(base_url, "--base-url")
        except ConfigError as exc:
            raise click.BadParameter(str(exc).removeprefix("--base-url "), param_hint="--base-url") from None
    archive = obj.reading()
    try:
        report = build(
            archive,
            directory,
            now=archive.now(),
            base_url=obj.config.publish.base_url if base_url is None else base_url,
            search=not no_search,
        )
    finally:
        archive.close()
    search = f"; search index rebuilt ({report.seconds['search']:.1f} s)" if report.indexed else ""
    click.echo(
        f"published {count(report.documents, 'document')} to {directory} in {sum(report.seconds.values()):.1f} s: "
        f"{report.rendered} rendered, {count(report.written, 'file')} written, {report.kept} unchanged, "
        f"{report.removed} removed{search}",
        err=True,
    )
