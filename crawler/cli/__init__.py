"""The `pressroom` command line: data on stdout, diagnostics on stderr, one-line errors, no tracebacks.

`base` holds the click group, the shared options and the error handling; `run` the commands that fetch
(crawl, backfill, schedule, reextract); `read` the commands that read the archive; `search` full-text
search; `term` what a terminal shows (colours, progress); `outfile` the atomic `--output` files; `dockey`
turns what a user typed into a document key.
"""

from __future__ import annotations

from crawler.cli import read, run, search  # noqa: F401  (they register their commands on the group)
from crawler.cli.base import cli

__all__ = ["cli", "main"]


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="pressroom")
