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
    # The setting that turns robots.txt off for these requests ("[wayback] obey_robots"): a refusal names it,
    # and a run that goes without robots.txt warns of it once per origin.
    robots_setting: str = ""
    legacy_charsets: tuple[str, ...] = ()  # what the site used before UTF-8, tried before detection
    challenge_markers: tuple[str, ...] = ()  # text only the site's anti-bot challenge pages hold
    host_suffixes: tuple[str, ...] = ()  # and to hosts whose names end so (".mofa.go.kr": its missions' cities)
    # A file, not a page (an attachment): kept as bytes, undecoded; an HTML answer is a challenge or an error.
    binary: bool = False
    max_bytes: int = 0  # the size cap of such a response (0: the config's `max_bytes`)
    # One origin can serve several interfaces with their own limits (the Wayback Machine's CDX index and its
    # captures): each lane of an origin keeps its own turns and interval.
    lane: str = ""
    # A 429 (without Memento-Datetime) to a request of a pause group holds back every request of the group,
    # whatever its origin or lane, for `pause_on_429` seconds; the request is then tried again. After the
    # config's `wayback_max_pauses` such pauses in a row the group is given up for the run.
    pause_group: str = ""
    pause_on_429: float = 0.0
    # A web archive's answers: any answer carrying Memento-Datetime is a capture, returned as a Page whatever
    # its status (a captured 404, 429 or challenge page is the importer's to judge), never a block or a 404.
    mementos: bool = False
