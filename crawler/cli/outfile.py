"""Files pressroom writes for a user (`--output`): all or nothing, and a one-line error naming the path.

The text goes to a temporary file beside the target, which is renamed over it only once it is complete:
a full disk or an interrupted export never leaves a half-written file, nor destroys the one that was there.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

import click


def _failure(path: Path, exc: OSError) -> click.ClickException:
    """The one-line error for a file that could not be written."""
    reason = exc.strerror or str(exc)
    if isinstance(exc, FileNotFoundError) and not path.parent.is_dir():
        reason = f"no folder {path.parent}"
    return click.ClickException(f"cannot write {path}: {reason}")


@contextlib.contextmanager
def output_file(path: Path) -> Iterator[TextIO]:
    """A text file to write `path` through; it appears (or replaces the old one) only when complete."""
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise _failure(path, exc) from None
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            yield out
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes it 0600; a user's file gets the usual mode
        os.replace(tmp, path)
    except OSError as exc:
        raise _failure(path, exc) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def write_output(path: Path, text: str) -> None:
    """Write `text` to `path` whole, or fail with one line naming the path and the reason."""
    with output_file(path) as out:
        out.write(text)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
