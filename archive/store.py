"""Version files on disk: layout, atomic writes, and the one-writer lock.

    <root>/<site>/<collection>/<doc-id>/[<lang>/]NNN_<16 hex>.txt
    <root>/<site>/id/<doc-id>/[<lang>/]NNN_<16 hex>.txt      (sites whose ids run across collections: mid.ru)

A file is written to a temporary name in the same folder, fsynced, then hard-linked to its final name (which,
unlike a rename, never replaces an existing file) and the folder fsynced, so a crash or a full disk leaves
either the whole new file or nothing, never a torn one.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from archive.document import SITE_WIDE, Version, parse_version, split_key
from archive.errors import ArchiveError, ArchiveLocked, CorruptVersion

VERSION_NAME = re.compile(r"^([0-9]{3,})_([0-9a-f]{16})\.txt$")
LOCK_NAME = ".pressroom.lock"


@dataclass(frozen=True)
class StoredVersion:
    """Where one version lives and what its name says about it."""

    key: str
    number: int
    digest16: str
    path: Path


def version_filename(number: int, digest16: str) -> str:
    """The name of version `number` with content hash prefix `digest16`."""
    return f"{number:03d}_{digest16}.txt"


class Store:
    """Reads and writes version files under one archive root."""

    def __init__(self, root: Path, *, write_file: Callable[[int, memoryview], int] = os.write) -> None:
        self.root = root
        self._write_file = write_file  # injectable, so tests can simulate a full disk
        self.lock_fd: int | None = None  # while the writer lock is held: a child process must close it

    def doc_dir(self, key: str) -> Path:
        """The folder of a document."""
        return self.root.joinpath(*split_key(key))

    def versions(self, key: str) -> list[StoredVersion]:
        """The stored versions of a document, oldest first."""
        folder = self.doc_dir(key)
        found = []
        with contextlib.suppress(FileNotFoundError, NotADirectoryError):
            for entry in os.scandir(folder):
                match = VERSION_NAME.match(entry.name)
                if match and entry.is_file():
                    found.append(StoredVersion(key, int(match[1]), match[2], Path(entry.path)))
        return sorted(found, key=lambda v: v.number)

    def read(self, stored: StoredVersion) -> Version:
        """Parse a version file and check that its content still matches the hash in its name."""
        try:
            text = stored.path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise CorruptVersion(f"{stored.path}: not valid UTF-8") from None
        except OSError as exc:
            raise ArchiveError(f"cannot read {stored.path}: {exc.strerror}") from None
        parts = split_key(stored.key)
        version = parse_version(
            text, source=str(stored.path), per_language=len(parts) == 4, site_wide_id=parts[1] == SITE_WIDE
        )
        if version.release.sha256()[:16] != stored.digest16:
            raise CorruptVersion(f"{stored.path}: content does not match the hash in its name (edited?)")
        if version.release.key != stored.key:
            raise CorruptVersion(f"{stored.path}: headers name document {version.release.key}")
        return version

    def write(self, key: str, number: int, version: Version) -> StoredVersion:
        """Write a new version file atomically; never replaces an existing file."""
        digest16 = version.release.sha256()[:16]
        folder = self.doc_dir(key)
        final = folder / version_filename(number, digest16)
        data = version.render().encode("utf-8")
        try:
            folder.mkdir(parents=True, exist_ok=True)
            tmp = folder / f".{final.name}.{os.getpid()}.tmp"
            self._write_atomically(tmp, final, data)
        except OSError as exc:
            raise ArchiveError(f"cannot write {final}: {exc.strerror or exc}") from None
        return StoredVersion(key, number, digest16, final)

    def write_once(self, final: Path, data: bytes) -> None:
        """Write `data` to `final` atomically unless a file is there already (a file stored by its hash)."""
        if final.is_file():
            return
        try:
            final.parent.mkdir(parents=True, exist_ok=True)
            self._write_atomically(final.parent / f".{final.name}.{os.getpid()}.tmp", final, data)
        except FileExistsError:  # stored meanwhile: the same bytes, by their hash
            return
        except OSError as exc:
            raise ArchiveError(f"cannot write {final}: {exc.strerror or exc}") from None

    def _write_atomically(self, tmp: Path, final: Path, data: bytes) -> None:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            try:
                view = memoryview(data)
                while view:
                    view = view[self._write_file(fd, view) :]
                os.fsync(fd)
            finally:
                os.close(fd)
            # link() refuses to replace an existing name, unlike rename(): an archived file is never replaced.
            os.link(tmp, final)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
        dir_fd = os.open(final.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)

    def remove_temporary(self) -> list[Path]:
        """Delete the temporary files writers killed mid-write left behind (call with the lock held)."""
        removed = []
        for path in self.root.rglob(".*.tmp"):
            if path.is_file() and "raw" not in path.relative_to(self.root).parts[:1]:
                path.unlink()
                removed.append(path)
        return removed

    def document_keys(self) -> Iterator[str]:
        """Every document key that has at least one version file, in sorted order."""
        if not self.root.is_dir():
            return
        for dirpath, dirnames, filenames in os.walk(self.root):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d not in ("raw", "files"))
            if any(VERSION_NAME.match(f) for f in filenames):
                rel = Path(dirpath).relative_to(self.root).as_posix()
                with contextlib.suppress(ArchiveError):
                    split_key(rel)
                    yield rel

    @contextlib.contextmanager
    def lock(self, *, wait: float = 0.0, poll: float = 0.2) -> Iterator[None]:
        """Hold the archive's writer lock; wait up to `wait` seconds for another writer to finish."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.root / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise ArchiveError(f"cannot open the archive at {self.root}: {exc.strerror}") from None
        try:
            deadline = time.monotonic() + wait
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except OSError as exc:
                    if exc.errno not in (errno.EAGAIN, errno.EACCES) or time.monotonic() >= deadline:
                        holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
                        raise ArchiveLocked(
                            f"archive {self.root} is being written by another pressroom process (pid {holder})"
                        ) from None
                    time.sleep(poll)
            os.ftruncate(fd, 0)
            os.pwrite(fd, str(os.getpid()).encode(), 0)
            self.lock_fd = fd
            yield
        finally:
            self.lock_fd = None
            os.close(fd)  # closing releases the flock
