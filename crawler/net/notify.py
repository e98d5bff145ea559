"""Sending notifications through Apprise: one URL scheme for e-mail, webhooks, chat services and a hundred more.

Apprise is imported only here and only when something is to be sent or checked (it and its plugins take
~0.2 s to load, which no reading command should pay). Each message gets a short connect and read timeout,
and a hard deadline on top: the send runs in a daemon thread that is abandoned when the deadline passes, so a
server that accepts and never answers, or drips its answer, costs the run seconds, not minutes. Apprise says
why a send failed only in its log; the lines it logs from the sending thread are taken as the reason.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass
from typing import Any

logger = logging.getLogger(__name__)

# The words of the error a socket raised, inside requests' long wrapping of it.
SOCKET_CAUSE = re.compile(r"\[Errno -?\d+\] ([^\"')]+)|(Read timed out)")
DEADLINE_SLACK_S = 1.0  # beyond connect + read timeouts, before a send is abandoned


@dataclass(frozen=True)
class Endpoint:
    """One Apprise URL, checked: the plugin that sends to it and how it may be shown (secrets masked)."""

    url: str
    shown: str
    plugin: Any


def check(url: str) -> Endpoint:
    """The endpoint of an Apprise URL; ValueError with the reason when Apprise cannot send to it."""
    import apprise

    said = _ThreadLog()
    said.watch()
    try:
        plugin: Any = apprise.Apprise.instantiate(url, suppress_exceptions=True)
    finally:
        said.unwatch()
    if plugin is None:
        # Apprise's own words where it says more than that it failed, with the URL's parts scrubbed out.
        # Its warnings only: its debug lines include how long loading its plugins took, which is no reason.
        telling = [
            line
            for level, line in said.lines
            if level >= logging.WARNING and not line.startswith(("Could not load", "Unparseable"))
        ]
        why = f": {scrub(telling[-1], url)}" if telling else " (an unknown service, or a URL it cannot read)"
        raise ValueError(f"{masked(url)} is not a URL Apprise can send to{why}; see https://appriseit.com/services/")
    # Apprise's own masking of passwords and tokens, without the query of plugin options it appends.
    return Endpoint(url, str(plugin.url(privacy=True)).split("?", 1)[0], plugin)


def scrub(text: str, url: str) -> str:
    """`text` with every longer part of `url` (user, password, token, host, path) replaced by ****."""
    rest = url.partition("://")[2]
    for part in sorted(set(re.split(r"[:/@?&=#,]+", rest)), key=len, reverse=True):
        if len(part) >= 4:
            text = text.replace(part, "****")
    return text


def masked(url: str) -> str:
    """A URL Apprise cannot read, shown by its scheme alone: the rest may be a password or a token."""
    scheme, sep, _ = url.partition("://")
    return f"{scheme}://…" if sep and scheme.isalnum() else "…"


def send(endpoint: Endpoint, title: str, body: str, *, timeout: float) -> str | None:
    """Send one message; None when the endpoint accepted it, else why not (one line)."""
    plugin = endpoint.plugin
    plugin.socket_connect_timeout = timeout
    plugin.socket_read_timeout = timeout
    outcome: list[str | None] = []
    reasons = _ThreadLog()

    def run() -> None:
        reasons.watch()
        try:
            outcome.append(None if plugin.notify(body=body, title=title) else "the endpoint refused the message")
        except Exception as exc:  # a plugin's bug must not take the run down; it is this message's failure
            outcome.append(f"{type(exc).__name__}: {exc}")
        finally:
            reasons.unwatch()

    thread = threading.Thread(target=run, name="pressroom-notify", daemon=True)
    thread.start()
    thread.join(2 * timeout + DEADLINE_SLACK_S)
    if not outcome:
        return f"no answer within {2 * timeout + DEADLINE_SLACK_S:g} s"
    if outcome[0] is None:
        return None
    return reasons.reason() or outcome[0]


class _ThreadLog(logging.Handler):
    """What Apprise logged from one thread: why its send failed (its warning, and the socket's own words,
    which it logs at debug level)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[tuple[int, str]] = []
        self.thread: int | None = None

    def watch(self) -> None:
        self.thread = threading.get_ident()
        apprise_log = logging.getLogger("apprise")
        apprise_log.setLevel(logging.DEBUG)  # it has only a NullHandler: nothing reaches the terminal
        apprise_log.addHandler(self)

    def unwatch(self) -> None:
        logging.getLogger("apprise").removeHandler(self)

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread == self.thread:
            self.lines.append((record.levelno, " ".join(record.getMessage().split())))

    def reason(self) -> str:
        """Apprise's last warning, with the socket's cause when it logged one ("Connection refused")."""
        warnings = [line for level, line in self.lines if level >= logging.WARNING]
        causes = [m.group(1) or m.group(2) for _, line in self.lines for m in [SOCKET_CAUSE.search(line)] if m]
        if not warnings:
            return ""
        cause = f" ({causes[-1].strip()})" if causes else ""
        return warnings[-1].rstrip(".") + cause
