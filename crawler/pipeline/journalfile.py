"""Appending to the journals of resumable runs (backfill, import-history): whole lines, fsynced, never torn.

A journal is read back line by line, its last piece ignored when a kill cut it short; so a new append after
such a torn line starts on a line of its own, and a write that fails (a full disk) is cut back to where it
began, leaving no torn line in the middle of the file.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

logger = logging.getLogger(__name__)


def append_lines(path: Path, lines: list[str], what: str) -> None:
    """Append whole lines to `path`, fsynced; on a write error, cut back what was written and log it (naming
    `what` journal): the work is done, only a resume would repeat it."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("ab+", buffering=0) as out:  # unbuffered: nothing left to write at close
            end = out.seek(0, os.SEEK_END)
            torn = end > 0 and os.pread(out.fileno(), 1, end - 1) != b"\n"  # a kill -9 cut the last line
            try:
                text = "".join(line + "\n" for line in lines)
                data = memoryview((("\n" if torn else "") + text).encode("utf-8"))
                while data:
                    data = data[out.write(data) or 0 :]
                os.fsync(out.fileno())
            except OSError:
                os.ftruncate(out.fileno(), end)
                raise
    except OSError as exc:  # a full disk
        logger.error("cannot write the %s journal %s: %s", what, path, exc.strerror or exc)
