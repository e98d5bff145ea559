"""The `pressroom` command group, its global options, and what every command shares."""

from __future__ import annotations

import dataclasses
import functools
import json
import logging
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import click

from archive.errors import PressroomError
from archive.escape import visible
from archive.recorder import Archive
from crawler import __version__
from crawler import config as configuration
from crawler.cli.term import log_handler
from crawler.config import Config
from crawler.errors import ConfigError
from crawler.sites import BUILT_IN, SITES, names_taken, resolve, use_defined
from crawler.sites.usersite import define

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

    def reading(self, *, rebuilding: bool = False) -> Archive:
        """The archive, which must exist, with its catalog (unless the command is the one that rebuilds it)."""
        archive = Archive(self.root)
        if not archive.exists():
            raise click.ClickException(f"no archive at {self.root} (run `pressroom crawl` first, or pass --archive)")
        if not rebuilding and not archive.has_catalog():
            # An empty catalog made now would show an archive without history: say how to get it back instead.
            raise click.ClickException(
                f"the archive at {self.root} has no catalog ({archive.catalog_file.name} is missing): "
                "`pressroom reindex` rebuilds it from the files"
            )
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


WAYBACK_NAMES = ("wayback", "web.archive.org")


def _parse_base_urls(values: tuple[str, ...]) -> dict[str, str]:
    result = {}
    for value in values:
        name, sep, url = value.partition("=")
        if not sep or not url.startswith(("http://", "https://")):
            raise click.BadParameter(f"expected SITE=URL with an http(s) URL, got {value!r}", param_hint="--base-url")
        if name.strip().lower() in WAYBACK_NAMES:
            result["wayback"] = url.rstrip("/")
            continue
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
    help="Fetch SITE from URL instead (a mirror or a local simulator; SITE may be `wayback`); repeatable.",
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
    defaults = {name: site.defaults for name, site in BUILT_IN.items()}
    config = configuration.load(defaults, config_file, define, aliases=names_taken())
    use_defined(config.definitions)
    _check_sites(config)
    for name, url in _parse_base_urls(base_urls).items():
        if name == "wayback":
            config = dataclasses.replace(config, wayback_url=url)
        else:
            config = configuration.with_site(config, name, base_url=url)
    ctx.obj = Context(archive_dir, config)


def _check_sites(config: Config) -> None:
    """Each site's own check of its settings (a collection naming no board), as a one-line error naming
    the settings file and the site's table."""
    for name, site in SITES.items():
        try:
            site.check_config(config.site(name))
        except ConfigError as exc:
            where = f"config {config.source} " if config.source else ""
            raise ConfigError(f'{where}[sites."{name}"]: {exc}') from None


def _setup_logging(verbose: int, quiet: bool) -> None:
    """One handler on stderr for pressroom's loggers, at the level asked for: -q warnings, default info,
    -v debug, -vv also httpx's line per HTTP request (from the fetch process too, which forwards its records
    to these loggers)."""
    level = logging.WARNING if quiet else logging.DEBUG if verbose else logging.INFO
    handler = log_handler(sys.stderr)
    for name, at in (
        ("crawler", level),
        ("archive", level),
        ("httpx", logging.INFO if verbose > 1 else logging.WARNING),
    ):
        log = logging.getLogger(name)
        log.handlers[:] = [handler]
        log.setLevel(at)
        log.propagate = False


def safe(text: str) -> str:
    """Text from a page, fit for a terminal: control and bidi characters shown as visible escapes."""
    return visible(text)


def json_line(item: dict[str, Any]) -> None:
    """One `--json` object on its own line: keys sorted, site text as is (json.dumps escapes control codes)."""
    click.echo(json.dumps(item, ensure_ascii=False, sort_keys=True))


def print_version_file(data: bytes) -> None:
    """A version file on stdout: on a terminal with its control and bidi characters shown as escapes (a
    page's U+202E must not rewrite the screen); to a pipe or a file byte for byte, as archived."""
    if sys.stdout.isatty():
        click.echo(safe(data.decode("utf-8", errors="replace")), nl=False)
    else:
        click.echo(data, nl=False)  # bytes go to the binary stream as they are


def output_option(help_text: str) -> Callable[[F], F]:
    """The --output/-o option of the commands that can write a file instead of stdout."""
    return click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None, help=help_text)


def iso_day(value: str | None, option: str) -> str | None:
    """A YYYY-MM-DD option's value as an ISO day; a bad one is a usage error naming `option`."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise click.BadParameter(f"expected YYYY-MM-DD, got {value!r}", param_hint=option) from None


def archived_language(archive: Archive, value: str | None) -> str | None:
    """A --lang value the archive holds documents in; another is a usage error naming the ones it holds (a
    filter that can match nothing is a mistake, not an empty result)."""
    if value is None:
        return None
    held = archive.archived_languages()
    if value.lower() in held:
        return value.lower()
    holds = f"it holds {', '.join(held)}" if held else "it holds no documents yet"
    raise click.BadParameter(f"the archive holds no documents in {value!r} ({holds})", param_hint="--lang")
