"""`check`: the installed parsers over the stored raw captures of each site's newest documents, offline, to
catch a parser regression before a crawl records it as re-extractions. It reads and never writes: no run, no
version, no log line; it works on an archive it cannot write.

Each document sampled is compared with its current version: its text (the content hash: title, publication
date, body) would change, only its metadata would (document number, tags, translations...: a recrawl would
not record a version for that), it would not parse at all, or it is the same.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, replace

from archive.attachment import as_recorded
from archive.diff import metadata_changes
from archive.document import Version
from archive.errors import ArchiveError
from archive.recorder import Archive
from archive.warcscan import read_response
from crawler.errors import ParseError
from crawler.net.charset import decode_html
from crawler.sites.base import Site

logger = logging.getLogger(__name__)

SAME, METADATA, CHANGED, UNPARSED, NO_CAPTURE = "same", "metadata", "changed", "unparsed", "no_capture"
DIFFERENT = frozenset({CHANGED, UNPARSED})  # what makes `check` fail


@dataclass(frozen=True)
class Checked:
    """One document re-parsed: how its text compares with the archived version (`old`), and what the
    installed parser makes of its capture now (`new`; None when it does not parse, `reason` says why)."""

    key: str
    url: str
    number: int  # the archived version compared with
    kind: str  # same | metadata | changed | unparsed | no_capture
    old: Version | None = None
    new: Version | None = None
    reason: str = ""


def check_site(archive: Archive, site: Site, sample: int) -> Iterator[Checked]:
    """Re-parse the newest capture of each of the site's `sample` most recently published documents."""
    for doc in archive.recent_documents(site.name, sample):
        number = doc.current_version
        capture = archive.latest_capture(doc.key)
        if capture is None:
            yield Checked(doc.key, doc.url, number, NO_CAPTURE)
            continue
        _, old = archive.version(doc.key, number)
        try:
            raw = read_response(archive.root, capture.warc, capture.offset)
        except (OSError, ValueError) as exc:
            raise ArchiveError(f"{doc.key}: cannot read its capture in {capture.warc}: {exc}") from None
        text, _ = decode_html(raw.body, raw.content_type, site.legacy_charsets)  # as the crawl does
        try:
            release = site.parse_release(text, doc.url)
        except ParseError as exc:
            yield Checked(doc.key, doc.url, number, UNPARSED, old, reason=exc.reason)
            continue
        # The files are not fetched here: the version's record of them stands if the page names the same ones.
        release = replace(release, attachments=as_recorded(old.release.attachments, release.attachments))
        new = Version(release, old.captured)
        yield Checked(doc.key, doc.url, number, _compare(old, new), old, new)


def _compare(old: Version, new: Version) -> str:
    """How the re-parsed version differs from the archived one."""
    if old.release.sha256() != new.release.sha256():
        return CHANGED
    return METADATA if metadata_changes(old, new) else SAME
