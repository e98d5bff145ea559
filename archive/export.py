"""Exports of the archive as JSON Lines or CSV, read from the version files."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import Any, TextIO

from archive.document import format_captured, format_published
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
    """One record per document (its current version), or per version with `all_versions`; filtered by site,
    language and publication day (YYYY-MM-DD bounds, inclusive)."""
    for doc in archive.catalog.documents(site=site):
        day = doc.published[:10]
        if (language and doc.language != language) or (since and day < since) or (until and day > until):
            continue
        wanted = archive.catalog.versions(doc.key) if all_versions else None
        numbers = [v.number for v in wanted] if wanted else [doc.current_version]
        for number in numbers:
            yield _record(archive, doc, number)


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
    """Write CSV with a header row (list fields joined with ' | '); return the count."""
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    count = 0
    for row in rows:
        flat = {k: " | ".join(v) if isinstance(v, list) else v for k, v in row.items()}
        writer.writerow(flat)
        count += 1
    return count
