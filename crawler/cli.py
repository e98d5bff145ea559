"""The `pressroom` command line: data on stdout, diagnostics on stderr, one-line errors."""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import click

from archive import diff as difflib_
from archive import export as exporting
from archive.document import Version
from archive.errors import PressroomError, UnknownDocument
from archive.recorder import Archive, check_writable
from archive.store import split_key
from crawler import __version__
from crawler import config as configuration
from crawler.config import Config
from crawler.engine import Engine, RunReport
from crawler.errors import ConfigError
from crawler.sites import SITES, resolve, site_for_url

F = TypeVar("F", bound=Callable[..., Any])
logger = logging.getLogger("crawler.cli")


class Context:
    """What every command gets: the archive root and the configuration."""

    def __init__(self, archive: Path, config: Config) -> None:
        self.root = archive
        self.config = config

    def archive(self) -> Archive:
        """The archive, for reading or writing."""
        return Archive(self.root)

    def reading(self) -> Archive:
        """The archive, which must exist."""
        archive = Archive(self.root)
        if not archive.exists():
            raise click.ClickException(f"no archive at {self.root} (run `pressroom crawl` first, or pass --archive)")
        return archive


def friendly(func: F) -> F:
    """Turn pressroom's errors into one-line messages and a non-zero exit, never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except PressroomError as exc:
            raise click.ClickException(str(exc)) from None
        except KeyboardInterrupt:
            raise click.ClickException("interrupted") from None

    return wrapper  # type: ignore[return-value]


def _parse_base_urls(values: tuple[str, ...]) -> dict[str, str]:
    result = {}
    for value in values:
        name, sep, url = value.partition("=")
        if not sep or not url.startswith(("http://", "https://")):
            raise click.BadParameter(f"expected SITE=URL with an http(s) URL, got {value!r}", param_hint="--base-url")
        try:
            result[resolve(name).name] = url.rstrip("/")
        except ConfigError as exc:
            raise click.BadParameter(str(exc), param_hint="--base-url") from None
    return result


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pressroom")
@click.option(
    "--archive",
    "archive_dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="PRESSROOM_ARCHIVE",
    default=configuration.DEFAULT_ARCHIVE,
    show_default=True,
    help="Archive folder (env PRESSROOM_ARCHIVE).",
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Settings file (default ./pressroom.toml if present, or env PRESSROOM_CONFIG).",
)
@click.option(
    "--base-url",
    "base_urls",
    multiple=True,
    metavar="SITE=URL",
    help="Fetch SITE from URL instead (a mirror or a local simulator); repeatable.",
)
@click.option("-v", "--verbose", count=True, help="More detail on stderr (-vv for HTTP requests).")
@click.option("-q", "--quiet", is_flag=True, help="Only errors and the summary on stderr.")
@click.pass_context
@friendly
def cli(
    ctx: click.Context,
    archive_dir: Path,
    config_file: Path | None,
    base_urls: tuple[str, ...],
    verbose: int,
    quiet: bool,
) -> None:
    """Keep a faithful, versioned archive of ministry press releases."""
    _setup_logging(verbose, quiet)
    config = configuration.load({name: site.defaults for name, site in SITES.items()}, config_file)
    for name, url in _parse_base_urls(base_urls).items():
        config = configuration.with_site(config, name, base_url=url)
    ctx.obj = Context(archive_dir, config)


def _setup_logging(verbose: int, quiet: bool) -> None:
    level = logging.WARNING if quiet else logging.INFO
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    for name in ("crawler", "archive"):
        log = logging.getLogger(name)
        log.handlers[:] = [handler]
        log.setLevel(logging.DEBUG if verbose else level)
        log.propagate = False
    logging.getLogger("httpx").setLevel(logging.INFO if verbose > 1 else logging.WARNING)


@cli.command()
@click.argument("sites", nargs=-1, metavar="[SITE]...")
@click.option("--ignore-robots", is_flag=True, help="Do not obey robots.txt (warns; for operators who may).")
@click.option(
    "--wait-lock",
    type=float,
    default=0.0,
    show_default=True,
    metavar="SECONDS",
    help="Wait this long for another pressroom run writing the same archive.",
)
@click.pass_obj
@friendly
def crawl(obj: Context, sites: tuple[str, ...], ignore_robots: bool, wait_lock: float) -> None:
    """Fetch the newest releases of SITE (default: every enabled site) and archive what is new or changed."""
    chosen = [resolve(s) for s in sites] or [s for s in SITES.values() if obj.config.site(s.name).enabled]
    config = obj.config
    if ignore_robots:
        logger.warning("warning: --ignore-robots: robots.txt will not be obeyed this run")
        for site in chosen:
            config = configuration.with_site(config, site.name, ignore_robots=True)
    check_writable(obj.root)
    archive = obj.archive()
    with archive.writing(wait=wait_lock):
        report = asyncio.run(Engine(archive, config).crawl(chosen))
    _print_report(report)
    if not report.ok:
        sys.exit(1)


def _print_report(report: RunReport) -> None:
    for site in report.sites:
        click.echo(site.summary(), err=True)
    click.echo(f"run {report.run_id}: {report.requests} requests", err=True)


@cli.command()
@click.argument("site")
@click.argument("file", type=click.File("rb"))
@click.option("--url", default=None, help="The page's URL (default: taken from the file's canonical link).")
@click.option(
    "--captured",
    default=None,
    metavar="ISO-TIME",
    help="Capture time to write (default: the file's modification time).",
)
@click.pass_obj
@friendly
def extract(obj: Context, site: str, file: Any, url: str | None, captured: str | None) -> None:
    """Print the version file that a saved HTML page of SITE would produce (offline)."""
    from crawler.charset import decode_html

    chosen = resolve(site)
    text, _ = decode_html(file.read())
    url = url or _canonical_link(text) or ""
    if not url:
        raise click.ClickException(f"{file.name}: no URL given and no canonical link in the page; pass --url")
    when = _captured_time(captured, file.name)
    release = chosen.parse_release(text, url)
    click.echo(Version(release, when).render(), nl=False)


def _canonical_link(html: str) -> str | None:
    from crawler.sites.base import html_tree

    for selector in ('link[rel="canonical"]', 'meta[property="og:url"]'):
        node = html_tree(html).css_first(selector)
        if node is not None:
            value = node.attributes.get("href") or node.attributes.get("content")
            if value:
                return value
    return None


def _captured_time(value: str | None, filename: str) -> datetime:
    if value:
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise click.BadParameter(f"not an ISO time: {value!r}", param_hint="--captured") from None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    try:
        return datetime.fromtimestamp(os.stat(filename).st_mtime, UTC)
    except OSError:
        return datetime.now(UTC)


def resolve_doc(archive: Archive, doc: str) -> str:
    """A document key from a key or any form of its URL."""
    if "://" in doc:
        site = site_for_url(doc)
        if site is not None:
            key = site.doc_key(doc)
        else:
            rows = archive.catalog.documents_by_url(doc)
            if not rows:
                raise UnknownDocument(f"no document with URL {doc}")
            key = rows[0].key
    else:
        key = "/".join(split_key(doc))
    if not archive.store.versions(key):
        raise UnknownDocument(f"no document {key} in the archive at {archive.root}")
    return key


@cli.command()
@click.argument("doc")
@click.pass_obj
@friendly
def history(obj: Context, doc: str) -> None:
    """List the versions of DOC (a key or URL) and every visit that observed it."""
    archive = obj.reading()
    key = resolve_doc(archive, doc)
    current = archive.catalog.document(key)
    click.echo(key)
    for stored in archive.store.versions(key):
        _, version = archive.version(key, stored.number)
        mark = "*" if current and current.current_version == stored.number else " "
        click.echo(
            f"{mark} v{stored.number}  {stored.digest16}  captured {version.captured:%Y-%m-%d %H:%M}Z"
            f"  {version.release.title}"
        )
    observations = archive.catalog.observations(key)
    if observations:
        click.echo("")
        for o in observations:
            number = f" v{o.version}" if o.version else ""
            detail = f"  {o.detail}" if o.detail else ""
            click.echo(f"  {o.at}  {o.kind}{number}{detail}")


@cli.command()
@click.argument("doc")
@click.option("--version", "number", type=int, default=None, help="Version number (default: the current one).")
@click.pass_obj
@friendly
def show(obj: Context, doc: str, number: int | None) -> None:
    """Print a version file of DOC (a key or URL)."""
    archive = obj.reading()
    _, version = archive.version(resolve_doc(archive, doc), number)
    click.echo(version.render(), nl=False)


@cli.command()
@click.argument("doc")
@click.option("--from", "old", type=int, default=None, help="Older version (default: the one before --to).")
@click.option("--to", "new", type=int, default=None, help="Newer version (default: the latest).")
@click.pass_obj
@friendly
def diff(obj: Context, doc: str, old: int | None, new: int | None) -> None:
    """Show what changed in DOC between two versions (unified diff, metadata changes first)."""
    archive = obj.reading()
    key = resolve_doc(archive, doc)
    numbers = [v.number for v in archive.store.versions(key)]
    new = new if new is not None else numbers[-1]
    if old is None:
        earlier = [n for n in numbers if n < new]
        if not earlier:
            raise click.ClickException(f"{key} has only one version up to v{new}; nothing to compare")
        old = earlier[-1]
    (_, a), (_, b) = archive.version(key, old), archive.version(key, new)
    click.echo(difflib_.unified(a, b, old_label=f"{key} v{old}", new_label=f"{key} v{new}"), nl=False)


@cli.command()
@click.option(
    "--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True, help="Output format."
)
@click.option("--all-versions", is_flag=True, help="Every version, not only each document's current one.")
@click.option("--site", default=None, help="Only this site.")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to this file instead of stdout.",
)
@click.pass_obj
@friendly
def export(obj: Context, fmt: str, all_versions: bool, site: str | None, output: Path | None) -> None:
    """Export the archive as JSON Lines or CSV."""
    archive = obj.reading()
    rows = exporting.records(archive, all_versions=all_versions, site=resolve(site).name if site else None)
    writer = exporting.write_jsonl if fmt == "jsonl" else exporting.write_csv
    if output is None:
        count = writer(rows, sys.stdout)
    else:
        with output.open("w", encoding="utf-8", newline="") as out:
            count = writer(rows, out)
    click.echo(f"{count} records", err=True)


@cli.command()
@click.pass_obj
@friendly
def reindex(obj: Context) -> None:
    """Rebuild the catalog from the version files alone (keeps the record of visits and runs)."""
    archive = obj.reading()
    with archive.writing():
        report = archive.reindex()
    for problem in report.problems:
        click.echo(f"problem: {problem}", err=True)
    click.echo(f"{report.documents} documents, {report.versions} versions indexed", err=True)
    if report.problems:
        sys.exit(1)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="pressroom")
