"""The `pressroom` command line: data on stdout, diagnostics on stderr, one-line errors, no tracebacks."""

from __future__ import annotations

from crawler import cli_read, cli_run  # noqa: F401  (they register their commands on the group)
from crawler.cli_base import cli

__all__ = ["cli", "main"]


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="pressroom")
