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
