"""Telling the owner after a run: edits and withdrawals, a digest of new releases, sites going unhealthy.

Each [[notify]] endpoint gets what it asked for and has not been told yet (archive/notices.py keeps the
journal of what each was sent, in the archive): one message per edit, revert, withdrawal or restoration, with
its word diff, metadata changes apart; one digest of what an import from the web archive found (past edits are
history, not news); one digest of every new release a crawl found; one message when a
site's health verdict changes (degraded, broken, recovered). Endpoints are served side by side, each in its
own thread; an endpoint's first failure ends its turn for this run (an unreachable one costs one timeout, not
one per message), and what it was not sent stays pending for the next run. Nothing here fails a run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from archive import diff
from archive.changes import Change
from archive.errors import PressroomError
from archive.escape import visible
from archive.notices import Journal, NewRelease, pending_events, pending_new, pending_past
from archive.recorder import Archive
from crawler.config import Config
from crawler.errors import ConfigError
from crawler.net.notify import Endpoint, check, send
from crawler.notifyconfig import NotifyTarget
from crawler.pipeline import health as judging
from crawler.wording import count

logger = logging.getLogger(__name__)

MAX_BODY_CHARS = 6000  # chat services cut long messages (Telegram at 4096, Discord at 2000 by Apprise's split)
DIGEST_LINES = 50  # releases listed by name in one digest; the rest are counted
# Events sent one message each per run and endpoint; more (a site-wide change) go in one list, not a flood.
MAX_EVENT_MESSAGES = 20
# Sites' health as crawler/pipeline/health.py judges it: site -> (verdict, reason), healthy / degraded / broken.
Verdicts = dict[str, tuple[str, str]]
Sender = Callable[[Endpoint, str, str], str | None]


@dataclass(frozen=True)
class Message:
    """One message to one endpoint, and the journal line that records it was sent."""

    title: str
    body: str
    mark: dict[str, Any]


@dataclass
class NotifyReport:
    """What was sent after a run."""

    sent: int = 0
    failed: list[str] = field(default_factory=list)  # one line per endpoint that could not be reached
    held: int = 0  # messages left for the next run

    def summary(self) -> str | None:
        """One line for the run's summary, or None when there was nothing to send."""
        if not self.sent and not self.failed:
            return None
        if not self.sent and not self.held:
            return f"notifications: not sent ({'; '.join(self.failed)})"
        line = f"notifications: {self.sent} sent"
        if self.held:
            line += f", {count(self.held, 'message')} held for the next run"
        return line + (f" ({'; '.join(self.failed)})" if self.failed else "")


def endpoints(config: Config) -> list[tuple[NotifyTarget, Endpoint]]:
    """Each [[notify]] table with its endpoint; a ConfigError naming the table when Apprise cannot send to it."""
    out = []
    for target in config.notify:
        try:
            out.append((target, check(target.url)))
        except ValueError as exc:
            raise ConfigError(f"{target.where}: url {exc}") from None
    return out


def take_on(archive: Archive, config: Config) -> None:
    """Before a run: an endpoint seen for the first time is told only what happens from now on."""
    try:
        journal = Journal(archive)
        for target in config.notify:
            journal.start(target.url)
    except PressroomError as exc:  # the run goes on; the endpoint is taken on after it instead
        logger.error("%s", exc)


def notify(
    archive: Archive, config: Config, health: Verdicts | None = None, sender: Sender | None = None
) -> NotifyReport:
    """Send every endpoint what it wants and has not been sent; record each message sent in the journal."""
    report = NotifyReport()
    chosen = endpoints(config)
    if not chosen:
        return report
    journal = Journal(archive)
    for target, _ in chosen:
        journal.start(target.url)
    plans = [(target, endpoint, _messages(archive, journal, target, health or {})) for target, endpoint in chosen]
    timeout = config.notify_timeout
    deliver = sender or (lambda endpoint, title, body: send(endpoint, title, body, timeout=timeout))
    with ThreadPoolExecutor(max_workers=len(plans), thread_name_prefix="pressroom-notify") as pool:
        futures = [
            pool.submit(_deliver, journal, target, endpoint, messages, deliver) for target, endpoint, messages in plans
        ]
        for future in futures:  # each endpoint's own figures, added up here: no thread writes the report
            sent, held, failure = future.result()
            report.sent += sent
            report.held += held
            report.failed += [failure] if failure else []
    return report


def _deliver(
    journal: Journal, target: NotifyTarget, endpoint: Endpoint, messages: list[Message], deliver: Sender
) -> tuple[int, int, str | None]:
    """Send one endpoint its messages in order, journalling each; stop at its first failure. Returns how many
    were sent, how many are held for the next run, and the failure (None: none)."""
    for done, message in enumerate(messages):
        held = len(messages) - done
        reason = deliver(endpoint, message.title, message.body)
        if reason is not None:
            logger.warning(
                "notification to %s failed: %s; %s held for the next run",
                endpoint.shown,
                reason,
                count(held, "message"),
            )
            return done, held, f"{endpoint.shown}: {reason}"
        fields = dict(message.mark)
        try:
            journal.mark(target.url, fields.pop("mark"), **fields)
        except PressroomError as exc:
            # Sent but not recorded: it goes out again next run (at least once), and nothing more this run.
            logger.error("%s; it will be sent again", exc)
            return done + 1, held - 1, f"{endpoint.shown}: {exc}"
    return len(messages), 0, None


def _messages(archive: Archive, journal: Journal, target: NotifyTarget, health: Verdicts) -> list[Message]:
    """What the endpoint of `target` is still to be sent, oldest first."""
    marks = journal.of(target.url)
    out: list[Message] = []
    if "health" in target.events:
        for site, (verdict, reason) in sorted(health.items()):
            if verdict != marks.health.get(site, "healthy"):
                out.append(health_message(site, verdict, reason))
    if "edits" in target.events:
        events = pending_events(archive, marks.edits_after)
        out += [event_message(archive, event) for event in events[:MAX_EVENT_MESSAGES]]
        if len(events) > MAX_EVENT_MESSAGES:
            out.append(more_events_message(events[MAX_EVENT_MESSAGES:]))
        past = pending_past(archive, marks.past_after)
        if past:
            out.append(past_events_message(past))
    if "new" in target.events:
        releases = pending_new(archive, marks.new_after)
        if releases:
            out.append(digest_message(releases))
    return out


def health_message(site: str, verdict: str, reason: str) -> Message:
    """A site's health changed: broken, degraded, or healthy again."""
    title = f"pressroom: {site} has recovered" if verdict == "healthy" else f"pressroom: {site} is {verdict}"
    body = f"{site}: {verdict}" + (f": {reason}" if reason else "")
    return Message(title, body, {"mark": "health", "site": site, "verdict": verdict})


def event_message(archive: Archive, event: Change) -> Message:
    """One edit, revert, withdrawal or restoration, with its word diff (metadata changes apart)."""
    head = f"{visible(event.title)}\n{event.url}\n"
    if event.kind in ("changed", "reverted") and event.old is not None and event.new is not None:
        old, new = archive.version(event.key, event.old)[1], archive.version(event.key, event.new)[1]
        verb = "edited" if event.kind == "changed" else f"reverted to version {event.new}"
        title = f"pressroom: {event.key} {verb} (+{event.added}/-{event.removed} words)"
        lead = f"The site's text went from version {event.old} to version {event.new} ({event.at}).\n\n"
        body = head + "\n" + lead + diff.word(old, new, escape=visible)
        body = _cut(body, f"pressroom diff {event.key} --from {event.old} --to {event.new} --format word")
    elif event.kind == "withdrawn":
        title = f"pressroom: {event.key} withdrawn"
        body = head + f"\nThe site no longer serves it ({event.at}); version {event.new} is its last archived text.\n"
    else:
        title = f"pressroom: {event.key} {event.kind}"
        body = head + f"\nThe site serves it again ({event.at}), as version {event.new}.\n"
    return Message(title, body, {"mark": "edit", "observation": event.id, "event": event.kind, "key": event.key})


def more_events_message(events: list[Change]) -> Message:
    """The events beyond MAX_EVENT_MESSAGES of one run, one line each (the first DIGEST_LINES of them)."""
    lines = [visible(event.summary()) for event in events[:DIGEST_LINES]]
    if len(events) > DIGEST_LINES:
        lines.append(f"… and {count(len(events) - DIGEST_LINES, 'more event')}")
    lines.append("`pressroom changes` lists them all; `pressroom diff KEY` shows each.")
    title = f"pressroom: {count(len(events), 'more change')} to archived releases"
    return Message(
        title, "\n".join(lines) + "\n", {"mark": "edit", "observation": events[-1].id, "events": len(events)}
    )


def past_events_message(events: list[Change]) -> Message:
    """The events an import from the web archive found (edits of years ago, withdrawals), as one digest: they
    are history, not news, and must not page anyone one by one."""
    edits = sum(1 for event in events if event.verb != "withdrawn")
    said = [count(edits, "past edit")] if edits else []
    said += [count(len(events) - edits, "withdrawal")] if len(events) > edits else []
    title = f"pressroom: {' and '.join(said)} found in the web archive"
    newest = sorted(events, key=lambda event: (event.at, event.id), reverse=True)
    lines = [visible(event.summary()) for event in newest[:DIGEST_LINES]]
    if len(events) > DIGEST_LINES:
        lines.append(f"… and {count(len(events) - DIGEST_LINES, 'more event')}")
    days = sorted(event.at[:10] for event in events)
    lines.append(f"From {days[0]} to {days[-1]}; `pressroom changes --since {days[0]}` lists them all.")
    mark = {"mark": "past", "observation": max(event.id for event in events), "events": len(events)}
    return Message(title, "\n".join(lines) + "\n", mark)


def digest_message(releases: list[NewRelease]) -> Message:
    """One message listing the new releases, newest first (the DIGEST_LINES newest by name)."""
    newest = sorted(releases, key=lambda r: (r.published, r.observation), reverse=True)
    lines = [f"{r.published[:10]}  {r.key}\n  {visible(r.title)}\n  {r.url}" for r in newest[:DIGEST_LINES]]
    more = len(releases) - DIGEST_LINES
    tail = f"\n\n… and {count(more, 'earlier release')} (pressroom export --since shows them all)" if more > 0 else ""
    title = f"pressroom: {count(len(releases), 'new release')}"
    last = max(r.observation for r in releases)
    return Message(
        title, "\n\n".join(lines) + tail + "\n", {"mark": "new", "observation": last, "releases": len(releases)}
    )


def _cut(body: str, command: str) -> str:
    """`body`, cut to MAX_BODY_CHARS at a paragraph, with the command that shows all of it."""
    if len(body) <= MAX_BODY_CHARS:
        return body
    kept = body[:MAX_BODY_CHARS].rsplit("\n\n", 1)[0]
    return f"{kept}\n\n… (cut: `{command}` shows all of it)\n"


def after_run(archive: Archive, config: Config, sites: list[str], *, stopped: bool) -> NotifyReport | None:
    """The notifications of a run that just ended (None when none are configured, or a signal cut the run
    short: a stopping process must not wait on endpoints; what it did goes out with the next run)."""
    if not config.notify or stopped:
        return None
    try:
        return notify(archive, config, site_health(archive, sites))
    except PressroomError as exc:  # a notification never fails a run: what was not sent is sent next time
        return NotifyReport(failed=[str(exc)])  # the caller's summary says it


def site_health(archive: Archive, sites: list[str]) -> Verdicts:
    """Each of `sites`' health verdict and its reason, from the run records (a site without a finished run
    has none: it is neither news nor a recovery)."""
    judged = judging.health(archive, sites, archive.clock())
    return {h.site: (h.verdict, h.reason) for h in judged if h.verdict != judging.UNKNOWN}


def test_all(config: Config) -> list[tuple[Endpoint, str | None]]:
    """Send a test message to every endpoint, side by side: each with None (sent) or why it failed."""
    chosen = endpoints(config)
    title = "pressroom: test notification"

    def one(pair: tuple[NotifyTarget, Endpoint]) -> tuple[Endpoint, str | None]:
        target, endpoint = pair
        body = f"A test message from pressroom to {endpoint.shown}, which wants: {', '.join(target.events)}.\n"
        return endpoint, send(endpoint, title, body, timeout=config.notify_timeout)

    if not chosen:
        return []
    with ThreadPoolExecutor(max_workers=len(chosen), thread_name_prefix="pressroom-notify") as pool:
        return list(pool.map(one, chosen))
