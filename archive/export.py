"""Exports of the archive as JSON Lines or CSV, read from the version files."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import Any, TextIO

from archive import timelines
from archive.document import format_captured, format_published
from archive.history import Sighting
from archive.recorder import Archive
from archive.rows import DocumentRow

# Stable column names, documented in README.md ("Export columns").
COLUMNS = (
    "key",
    "site",
    "collection",
    "collection_name",
    "id",
    "language",
    "url",
    "title",
    "published",
    "modified",
    "version",
    "current",
    "sha256",
    "captured",
    "document_number",
    "translations",
    "tags",
    "attachments",
    "status",
    "web_archive_only",
    "first_seen",
    "last_seen",
    "sources",
    "live_visits",
    "captures",
    "body",
)


def records(
    archive: Archive,
    *,
    all_versions: bool = False,
    site: str | None = None,
    language: str | None = None,
    since: str | None = None,
    until: str | None = None,
) -> Iterator[dict[str, Any]]:
    """One record per document (its current version), or per version with `all_versions`, in the order the
    site showed them (live or in web-archive captures); filtered by site, language and publication day
    (YYYY-MM-DD bounds, inclusive)."""
    only = set(archive.web_archive_only(site))
    for doc in archive.catalog.documents(site=site):
        day = doc.published[:10]
        if (language and doc.language != language) or (since and day < since) or (until and day > until):
            continue
        timeline = archive.timeline(doc.key)
        if all_versions:
            stored = {v.number: v for v in archive.catalog.versions(doc.key)}
            first = {s.number: s.first_seen for s in archive.seen_versions(doc.key)}
            numbers = timelines.order(first, {n: v.captured for n, v in stored.items()})
        else:
            numbers = [doc.current_version]
        for number in numbers:
            record = _record(archive, doc, number)
            yield record | {"web_archive_only": doc.key in only} | _seen(number, timeline)


def _seen(number: int, timeline: list[Sighting]) -> dict[str, Any]:
    """When and how a version's text was seen: the first and last sighting, live visits counted, and each
    web-archive capture (its time and URL)."""
    own = [s for s in timeline if s.version == number]
    captures = [{"at": s.at, "url": s.url} for s in own if s.source == timelines.CAPTURE]
    return {
        "first_seen": own[0].at if own else "",
        "last_seen": own[-1].at if own else "",
        "sources": sorted({timelines.source_name(s.source) for s in own}),
        "live_visits": len(own) - len(captures),
        "captures": captures,
    }


def _record(archive: Archive, doc: DocumentRow, number: int) -> dict[str, Any]:
    """The export record of one version of `doc`."""
    _, version = archive.version(doc.key, number)
    r = version.release
    return {
        "key": doc.key,
        "site": r.site,
        "collection": r.collection,
        "collection_name": r.collection_name,
        "id": r.doc_id,
        "language": r.language,
        "url": r.url,
        "title": r.title,
        "published": format_published(r.published),
        "modified": format_published(r.modified) if r.modified is not None else "",
        "version": number,
        "current": number == doc.current_version,
        "sha256": r.sha256(),
        "captured": format_captured(version.captured),
        "document_number": r.document_number,
        "translations": list(r.translations),
        "tags": list(r.tags),
        "attachments": [a.line() for a in r.attachments],  # as the version file lists them
        "status": doc.status,
        "body": "\n\n".join(r.body),
    }


def write_jsonl(rows: Iterator[dict[str, Any]], out: TextIO) -> int:
    """Write one JSON object per line (sorted keys); return the count."""
    count = 0
    for row in rows:
        out.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
        count += 1
    return count


def write_csv(rows: Iterator[dict[str, Any]], out: TextIO) -> int:
    """Write CSV with a header row (list fields joined with ' | ', a capture as its time and URL); return the
    count."""
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    count = 0
    for row in rows:
        flat = {k: " | ".join(_cell(item) for item in v) if isinstance(v, list) else v for k, v in row.items()}
        writer.writerow(flat)
        count += 1
    return count


def _cell(item: object) -> str:
    """A list item as a CSV cell shows it: a capture as `2019-03-12T09:45:12Z URL`, anything else as text."""
    if isinstance(item, dict):
        return f"{item['at']} {item['url']}"
    return str(item)
