"""The [[notify]] tables of pressroom.toml: which Apprise URLs to notify, and of what.

    [[notify]]
    url = "json://hooks.example.org/pressroom"      # any Apprise URL (https://appriseit.com/services/)
    events = ["edits", "new", "health"]              # the default: all three

Checked when the settings load, like every other setting, without Apprise (which only `crawl`, `schedule` and
`notify` load, and which then checks that it knows each URL's scheme): a URL with a scheme, known events, no
other key. A URL is never shown whole in an error: it may hold a password or a token.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from crawler.errors import ConfigError

NOTIFY_TIMEOUT_S = 5.0  # per message: an unreachable endpoint must cost a run seconds, not minutes
NOTIFY_EVENTS = ("edits", "new", "health")  # edits and withdrawals; a digest of new releases; site health
APPRISE_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://.")  # a scheme, then something: Apprise reads the rest


@dataclass(frozen=True)
class NotifyTarget:
    """One [[notify]] table: an Apprise URL and the events it wants (some of NOTIFY_EVENTS)."""

    url: str
    events: tuple[str, ...] = NOTIFY_EVENTS
    where: str = ""  # which table it came from, for messages: 'config pressroom.toml [[notify]] 2'


def notify_targets(tables: Any, where: str) -> tuple[NotifyTarget, ...]:
    """The [[notify]] tables, checked: a URL with a scheme (never shown whole: it may hold a password) and
    known events; a one-line error naming the table otherwise."""
    if not isinstance(tables, list):
        raise ConfigError(f"{where}: notify must be a list of tables ([[notify]])")
    out = []
    for number, table in enumerate(tables, 1):
        here = f"{where} [[notify]] {number}"
        if not isinstance(table, dict):
            raise ConfigError(f"{here}: expected a table with url and events")
        for key in table:
            if key not in ("url", "events"):
                raise ConfigError(f"{here}: unknown setting {key!r} (a [[notify]] table has url and events)")
        url, events = table.get("url"), table.get("events", list(NOTIFY_EVENTS))
        if not isinstance(url, str) or not APPRISE_URL.match(url):
            raise ConfigError(f"{here}: url must be an Apprise URL such as json://host/path or mailto://user:pass@host")
        if not isinstance(events, list) or not events:
            raise ConfigError(f"{here}: events must be a list of some of {', '.join(NOTIFY_EVENTS)}")
        for event in events:
            if event not in NOTIFY_EVENTS:
                raise ConfigError(f"{here}: events: unknown event {event!r} (known: {', '.join(NOTIFY_EVENTS)})")
        out.append(NotifyTarget(url, tuple(dict.fromkeys(events)), here))
    return tuple(out)
