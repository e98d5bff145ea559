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
    """`scheme://host[:port]` of a URL, as written in it (where its robots.txt is fetched from)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


DEFAULT_PORTS = {"http": 80, "https": 443}


def origin_key(url: str) -> str:
    """The URL's origin, normalised (`scheme://host:port`, the port always written): what per-host state is
    kept by. robots.txt is per origin (RFC 9309), and two servers on one host but different ports (a mirror
    and a local simulator, say) are different servers that must not share turns, robots or a give-up."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    return f"{scheme}://{host_of(url)}:{_port(url) or DEFAULT_PORTS.get(scheme, 0)}"


def host_label(url: str) -> str:
    """The host as messages name it: its name, with the port when that is not the scheme's default."""
    port = _port(url)
    default = DEFAULT_PORTS.get(urlsplit(url).scheme.lower())
    host = host_of(url)
    if ":" in host:  # an IPv6 literal is bracketed when a port follows it
        host = f"[{host}]"
    return f"{host}:{port}" if port is not None and port != default else host_of(url)


def _port(url: str) -> int | None:
    """The URL's explicit port; None when it has none (or an invalid one, which the request will refuse)."""
    try:
        return urlsplit(url).port
    except ValueError:
        return None
