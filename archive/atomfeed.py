"""The Atom feed of the changes (archive/changes.py finds them): one entry per event, the word diff inside."""

from __future__ import annotations

import hashlib
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

from archive import diff
from archive.changes import EDIT_KINDS, Change
from archive.escape import html_text, visible
from archive.history import WEB_ARCHIVE
from archive.publish.html import outside
from archive.publish.paths import CHANGES_PATH, FEED_PATH, page_url
from archive.recorder import Archive
from archive.timelines import as_seen

ATOM = "http://www.w3.org/2005/Atom"


def atom_feed(archive: Archive, events: list[Change], *, now: str, base_url: str = "", self_url: str = "") -> str:
    """An Atom 1.0 feed with one entry per event, the word diff in the entry.

    With `base_url` (where `pressroom publish` output is hosted) the feed names its own URL there
    (rel="self", unless `self_url` says otherwise), links the published changes page, and each entry
    links the document's page (the release itself as `related`); without it an entry links the release,
    and the feed the sites its entries come from. Site text shows its control and bidi characters as
    visible escapes: a feed reader must not let a title's U+202E reorder the entries around it (and XML 1.0
    cannot carry most control characters).

    Entries are ordered, and dated (`updated`), by when pressroom recorded their event: an edit of 2019 that
    an import found today is news today, and a reader that sorts by date shows it on top; its `published` is
    when it happened (the capture that showed it), which its title says too.
    """
    events = sorted(events, key=lambda event: (event.noted, event.id), reverse=True)
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    base = base_url.rstrip("/")
    identity = archive_identity(archive)
    _text(feed, "id", f"urn:pressroom:{identity}:changes")
    _text(feed, "title", "pressroom: changes to archived press releases")
    _text(feed, "updated", events[0].noted if events else now)
    if self_url or base:
        _link(feed, "self", self_url or f"{base}/{FEED_PATH}", "application/atom+xml")
    if base:
        _link(feed, "alternate", f"{base}/{CHANGES_PATH}", "text/html")
    else:
        for home in sorted({_home(event.url) for event in events}):
            _link(feed, "related", home, "text/html")
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", "pressroom")
    ET.SubElement(feed, f"{{{ATOM}}}generator", {"uri": "https://pypi.org/project/pressroom/"}).text = "pressroom"
    for event in events:
        _entry(archive, ET.SubElement(feed, f"{{{ATOM}}}entry"), event, identity, base)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"


def _entry(archive: Archive, entry: ET.Element, event: Change, identity: str, base: str) -> None:
    """One event's entry: dated by when pressroom recorded it, published when it happened."""
    _text(entry, "id", f"urn:pressroom:{identity}:event:{event.id}")
    when = f" {event.between()}" if event.between() else ""
    _text(entry, "title", f"{event.label}{when}: {visible(event.title)}")
    _text(entry, "updated", event.noted)
    if event.recorded:
        _text(entry, "published", event.at)
    page = page_url(base, event.key)
    _link(entry, "alternate", page or event.url, "text/html")
    if page:
        _link(entry, "related", event.url, "text/html")
    _text(entry, "summary", visible(event.summary()))
    content = ET.SubElement(entry, f"{{{ATOM}}}content", {"type": "html"})
    content.text = _entry_html(archive, event)


def archive_identity(archive: Archive) -> str:
    """A name for the archive that does not depend on where it lives: made from its first observation (when
    and what URL), which the log keeps and `reindex` replays as it was. A copied, moved or restored archive,
    and one rebuilt by reindex or moved to a new key layout, keeps it; another archive has its own."""
    row = archive.catalog.db.execute("SELECT at, url FROM observations ORDER BY id LIMIT 1").fetchone()
    first = "\n".join(str(value) for value in row) if row else ""
    return hashlib.sha256(first.encode()).hexdigest()[:16]


def _home(url: str) -> str:
    """The home page of the site a release URL is on: `https://www.mofa.go.kr/`."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/"


def _link(parent: ET.Element, rel: str, href: str, kind: str) -> None:
    ET.SubElement(parent, f"{{{ATOM}}}link", {"rel": rel, "type": kind, "href": href})


def _entry_html(archive: Archive, event: Change) -> str:
    lead = _web_archive_html(event)
    if event.verb in EDIT_KINDS and event.old is not None and event.new is not None:
        old = as_seen(archive.version(event.key, event.old)[1], event.before)
        new = as_seen(archive.version(event.key, event.new)[1], event.after)
        return lead + diff.word_html(old, new, labels=(f"v{event.old}", f"v{event.new}"))
    if event.source == WEB_ARCHIVE:
        return lead + f"<p>{html_text(event.key)}: version {event.new} is its last text seen in the web archive.</p>"
    verb = "is no longer served by the site" if event.kind == "withdrawn" else "is served again"
    return f"<p>{event.key} {verb}.</p>"


def _web_archive_html(event: Change) -> str:
    """For an event seen in the web archive: that it was, when, and the captures it lies between, linked."""
    if event.source != WEB_ARCHIVE:
        return ""
    links = [
        f"{what}: {outside(s.url)}"
        for what, s in (("before", event.before), ("after", event.after))
        if s is not None and s.source == "capture" and s.url
    ]
    listed = "".join(f"<li>{item}</li>" for item in links)
    said = f"Seen in the web archive: {event.verb} {event.between()}".rstrip() + "."
    return f"<p>{html_text(said)}</p>" + (f"<ul>{listed}</ul>" if listed else "")


def _text(parent: ET.Element, tag: str, text: str) -> None:
    ET.SubElement(parent, f"{{{ATOM}}}{tag}").text = text
