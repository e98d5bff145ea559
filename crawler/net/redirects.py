"""Redirects, followed by hand: only within the site's hosts, over http(s), at most a configured number.

The cookies a redirect sets are kept by the client's cookie jar for the next hop: a site that answers a
first visit with a redirect to the same URL plus a cookie (a cookie gate) loops forever with a client that
drops it.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from crawler.errors import FetchError

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


def redirect_target(
    url: str, current: str, status: int, location: str | None, hosts: frozenset[str], suffixes: tuple[str, ...] = ()
) -> str | None:
    """Where a response at `current` sends us next; None when it is no redirect.

    A redirect off the site's hosts (`hosts`, or names ending in one of `suffixes`) or to another scheme is
    refused, as a FetchError about `url`.
    """
    if status not in REDIRECT_STATUSES or not location:
        return None
    target = urljoin(current, location.strip())
    host = host_of(target)
    if (host not in hosts and not host.endswith(suffixes or ("\0",))) or urlsplit(target).scheme not in (
        "http",
        "https",
    ):
        raise FetchError(url, f"redirect to a foreign host: {target}", status=status)
    return target


def too_many(url: str, limit: int) -> FetchError:
    """The error for a chain of redirects longer than `limit`."""
    return FetchError(url, f"more than {limit} redirects (loop?)")


def host_of(url: str) -> str:
    """The lower-cased host name of a URL."""
    return (urlsplit(url).hostname or "").lower()


def origin_of(url: str) -> str:
    """`scheme://host[:port]` of a URL, as robots.txt rules are kept."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
