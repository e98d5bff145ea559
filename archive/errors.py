"""Exceptions shared by the whole of pressroom.

    PressroomError                 every error pressroom reports to a user
     +-- ArchiveError              the archive cannot be read or written
     |    +-- ArchiveLocked        another process holds the writer lock
     |    +-- CatalogError         an SQLite error of the catalog (a full disk, a damaged file); also an
     |                             sqlite3.Error
     |    +-- CorruptVersion       a version file does not parse or its hash does not match its name
     |    +-- UnknownDocument      no document with that key or URL
     +-- (crawler.errors)          FetchError (Blocked, RetryExhausted, NotFound), ParseError

Messages are one line and name the path, key or URL concerned.
"""

from __future__ import annotations

import errno
import sqlite3


class PressroomError(Exception):
    """Base of every error pressroom reports to a user."""


class ArchiveError(PressroomError):
    """The archive cannot be read or written."""


class ArchiveLocked(ArchiveError):
    """Another process is writing to the archive."""


class CatalogError(ArchiveError, sqlite3.Error):
    """The catalog could not be read or written; the message names the file and SQLite's reason."""


class CorruptVersion(ArchiveError):
    """A version file cannot be parsed, or its content does not match its name."""


class UnknownDocument(ArchiveError):
    """No document matches the given key or URL."""


SQLITE_FULL = 13  # sqlite3's result code for "database or disk is full"


def disk_full(exc: BaseException) -> bool:
    """Whether an error comes from a full disk (or a spent quota), through the errors it was raised from: no
    later write can succeed until space is freed, so a long run had better stop than go on fetching."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, OSError) and seen.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        if isinstance(seen, sqlite3.Error) and getattr(seen, "sqlite_errorcode", None) == SQLITE_FULL:
            return True
        seen = seen.__cause__ or seen.__context__
    return False
