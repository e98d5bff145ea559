"""What the network layer is told about a site: where it may go, how often, and how its pages look.

The pipeline builds a `Policy` from a site's definition and its configuration; net knows no site but
through it. It crosses to the fetch process with every request, so it holds plain values only.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Policy:
    """How a site may be fetched."""

    hosts: frozenset[str]  # redirects may only lead to these hosts
    min_interval: float  # seconds between request starts on one host
    obey_robots: bool = True
    legacy_charsets: tuple[str, ...] = ()  # what the site used before UTF-8, tried before detection
    challenge_markers: tuple[str, ...] = ()  # text only the site's anti-bot challenge pages hold
    host_suffixes: tuple[str, ...] = ()  # and to hosts whose names end so (".mofa.go.kr": its missions' cities)
    # A file, not a page (an attachment): kept as bytes, undecoded; an HTML answer is a challenge or an error.
    binary: bool = False
    max_bytes: int = 0  # the size cap of such a response (0: the config's `max_bytes`)
