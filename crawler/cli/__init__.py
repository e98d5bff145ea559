"""The `pressroom` command line: data on stdout, diagnostics on stderr, one-line errors, no tracebacks.

`base` holds the click group, the shared options and the error handling; `run` the commands that
fetch or parse (crawl, backfill, schedule, reextract, extract), `history` the web archive's import
(import-history); the commands that read the archive are `document` (history, show, diff), `collection`
(export, changes, feed), `search` (full-text search), `status` (status, runs, reindex) and `check` (stored
pages re-parsed, to catch a parser regression);
`sites` lists the known sites; `notify` sends the notifications still due, or a test message; `term` what
a terminal shows (colours, progress); `outfile` the atomic `--output` files; `dockey` turns what a user
typed into a document key.
"""

from __future__ import annotations

# Imported for what importing does: each module registers its commands on the group.
from crawler.cli import add, check, collection, document, history, notify, publish, run, search, sites, status  # noqa: F401
from crawler.cli.base import cli

__all__ = ["cli", "main"]


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="pressroom")
