"""The crawler's exceptions, under the shared base in `archive.errors`.

PressroomError
 +-- ArchiveError ...               (archive.errors)
 +-- ConfigError                    bad configuration or command-line value
 +-- ParseError                     a page lacks the structure of a release or listing
 +-- FetchError                     a URL could not be fetched
      +-- Blocked                   an anti-bot challenge, a reset on every try
      +-- NotFound                  404 / 410: the page is gone
      +-- RetryExhausted            transient failures (timeouts, resets, 429, 5xx) on every try
      +-- HostGivenUp               the host is skipped for the rest of the run: it asked us to wait longer
      |    |                        than the cap, its name does not resolve, it cannot be reached, or its
      |    |                        robots.txt is unavailable
      |    +-- HostBlocked          (also a Blocked) its robots.txt is itself a challenge page
      +-- Disallowed                robots.txt forbids the URL
      +-- FetcherGone               the fetch process ended before it answered
"""

from __future__ import annotations

from typing import Any

from archive.errors import PressroomError


class ConfigError(PressroomError):
    """A configuration file or command-line value is wrong."""


class ParseError(PressroomError):
    """A page does not have the structure of what it should be."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason

    def __reduce__(self) -> tuple[Any, ...]:  # picklable, to cross from the fetch process
        return (type(self), (self.url, self.reason), self.__dict__)


class FetchError(PressroomError):
    """A URL could not be fetched.

    `evidence`: responses read on the way that the run's raw captures keep (the origin's robots.txt, the
    first time it was read); `response`: the refused response itself (a NotFound's 404/410, a 403 ...). Both are
    `crawler.net.page.Page` values, typed loosely here: the site modules import this module and must
    not reach the network layer, even for a type.
    """

    def __init__(self, url: str, reason: str, *, status: int | None = None) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
        self.status = status
        self.evidence: tuple[Any, ...] = ()
        self.response: Any = None

    def __reduce__(self) -> tuple[Any, ...]:  # picklable, to cross from the fetch process
        return (type(self), (self.url, self.reason), self.__dict__)


class Blocked(FetchError):
    """The site refused us: a challenge page, a reset on every try."""


class NotFound(FetchError):
    """The page answered 404 or 410."""


class RetryExhausted(FetchError):
    """Every try failed with a transient error."""


class Disallowed(FetchError):
    """robots.txt forbids this URL (and the operator did not override it)."""


class FetcherGone(FetchError):
    """The fetch process ended (killed, or stopped with the run) before it answered."""


class Interrupted(FetchError):
    """The run was stopped before this URL's fetch finished: not a failure of the site, nothing recorded."""


class HostGivenUp(FetchError):
    """The host is skipped for the rest of the run; `reason` is the same for every URL of that host."""


class HostBlocked(Blocked, HostGivenUp):
    """The host's robots.txt is a challenge page: the whole host blocks us for the rest of the run."""
