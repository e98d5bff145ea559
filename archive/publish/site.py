"""`publish`: write the archive as a static site, rewriting only what changed since the last time.

The folder's manifest (`.pressroom-publish.json`) records, per document, a signature of everything its pages
are made of (its version files' names, which carry their content hashes, its catalog record, its
observations, the page format) and the files they became. A document whose signature is unchanged is not
read again and its files are not touched; every other page (indexes, changes, search) is rendered each time
and written only when its bytes differ. Pagefind re-indexes, and the file:// search index
(archive/publish/offline.py) is rebuilt, only when a document page changed. Each file is
written to a temporary name and renamed into place, so a reader never sees half a page.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archive.atomfeed import atom_feed
from archive.changes import changes
from archive.errors import ArchiveError
from archive.publish import documents, indexes, offline
from archive.publish import search as searching
from archive.publish.html import STYLE, STYLE_PATH
from archive.publish.offline_js import OFFLINE_JS, OFFLINE_JS_PATH
from archive.publish.paths import CHANGES_PATH, FEED_PATH
from archive.recorder import Archive
from archive.rows import DocumentRow
from archive.store import StoredVersion

MANIFEST = ".pressroom-publish.json"
FORMAT = 2  # the pages' format: a change of any template bumps it, and the next publish rewrites every page


@dataclass
class Report:
    """What a publish did."""

    documents: int = 0
    rendered: int = 0  # documents whose pages were rendered (new or changed since the last publish)
    written: int = 0  # files written (new or different)
    kept: int = 0  # files left as they were
    removed: int = 0
    indexed: bool = False  # whether Pagefind re-indexed
    seconds: dict[str, float] = field(default_factory=dict)


class Writer:
    """Writes files under the site's folder, only when their bytes differ, and counts what it did."""

    def __init__(self, root: Path, report: Report) -> None:
        self.root = root
        self.report = report

    def put(self, path: str, text: str) -> bool:
        """Write `text` at `path` unless the file already holds it; whether it was written."""
        target = self.root / path
        data = text.encode("utf-8")
        try:
            if target.read_bytes() == data:
                self.report.kept += 1
                return False
        except FileNotFoundError:
            pass
        temporary = target.with_name(f".{target.name}.tmp")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_bytes(data)
            os.replace(temporary, target)
        except OSError as exc:
            temporary.unlink(missing_ok=True)
            raise ArchiveError(f"cannot write {target}: {exc.strerror or exc}") from None
        self.report.written += 1
        return True

    def remove(self, path: str) -> None:
        """Delete a file the site no longer has."""
        try:
            (self.root / path).unlink()
            self.report.removed += 1
        except FileNotFoundError:
            pass


def publish(
    archive: Archive,
    out: Path,
    *,
    now: str,
    base_url: str = "",
    search: bool = True,
    indexer: Callable[[Path], None] = searching.index,
) -> Report:
    """Write (or bring up to date) the static site of `archive` in `out`, to be hosted at `base_url` (if
    known); with `search`, `indexer` (Pagefind) indexes the document pages when one of them changed."""
    clock, report = time.monotonic(), Report()
    old = _open_site(archive, out)
    writer = Writer(out, report)
    before: dict[str, Any] = old.get("documents", {})
    entries, now_docs = _documents(archive, before, writer, base_url)
    report.documents = len(now_docs)
    report.seconds["documents"] = time.monotonic() - clock
    doc_paths = {path for entry in now_docs.values() for path in entry["files"]}
    pages = _other_pages(archive, entries, doc_paths, now, base_url)
    for path, text in pages.items():
        writer.put(path, text)
    for key, entry in before.items():
        for path in set(entry["files"]) - set(now_docs.get(key, {}).get("files", [])):
            writer.remove(path)
    for path in set(old.get("pages", [])) - set(pages):
        writer.remove(path)
    report.seconds["pages"] = time.monotonic() - clock - report.seconds["documents"]
    changed = report.rendered or set(before) - set(now_docs)
    if search and (changed or not (out / offline.INDEX_DIR).is_dir()):
        _offline_index(archive, writer)
    if search and (changed or not (out / searching.PAGEFIND_DIR).is_dir()):
        indexer(out)
        report.indexed = True
    report.seconds["search"] = time.monotonic() - clock - sum(report.seconds.values())
    _save_manifest(out, {"documents": now_docs, "pages": sorted(pages)})
    return report


def _offline_index(archive: Archive, writer: Writer) -> None:
    """Write the file:// search index (archive/publish/offline.py) and delete its files no longer made."""
    files = offline.build(offline.collect(archive))
    for path, text in files.items():
        writer.put(path, text)
    for old in (writer.root / offline.INDEX_DIR).glob("*/*.js"):
        path = old.relative_to(writer.root).as_posix()
        if path not in files:
            writer.remove(path)


def _documents(
    archive: Archive, before: dict[str, Any], writer: Writer, base_url: str
) -> tuple[list[indexes.Entry], dict[str, Any]]:
    """Every document's pages, rendered and written where its signature changed; its index entry."""
    seen = _observation_marks(archive)
    entries, after = [], {}
    for row in archive.documents():
        stored = archive.versions(row.key)
        if not stored:
            continue
        signature = _signature(row, [(v.number, v.digest16) for v in stored], seen.get(row.key), base_url)
        entry = before.get(row.key)
        if not (entry and entry["signature"] == signature and _all_exist(writer.root, entry["files"])):
            entry = _render_document(archive, row, stored, writer, base_url)
            entry["signature"] = signature
            writer.report.rendered += 1
        after[row.key] = entry
        site, collection = row.site, row.collection  # not the key's: mid.ru's keys are section-free (id)
        entries.append(
            indexes.Entry(
                row.key,
                site,
                collection,
                entry["collection_name"],
                row.title,
                row.published,
                row.language,
                len(stored),
                row.status,
            )
        )
    return entries, after


def _render_document(
    archive: Archive, row: DocumentRow, stored: list[StoredVersion], writer: Writer, base_url: str
) -> dict[str, Any]:
    versions = {v.number: archive.store.read(v) for v in stored}
    observations, timeline = archive.observations(row.key), tuple(archive.timeline(row.key))
    doc = documents.DocumentInput(row.key, row, versions, observations, base_url, timeline)
    files = documents.render(doc)
    for path, text in files.items():
        writer.put(path, text)
    return {"files": sorted(files), "collection_name": versions[doc.current].release.collection_name}


def _observation_marks(archive: Archive) -> dict[str, list[int]]:
    """Per document, how many observations it has and the newest one's id: a new visit changes its timeline."""
    rows = archive.catalog.db.execute(
        "SELECT key, COUNT(*), MAX(id) FROM observations WHERE key IS NOT NULL GROUP BY key"
    ).fetchall()
    return {key: [count, last] for key, count, last in rows}


def _signature(row: DocumentRow, versions: list[tuple[int, str]], seen: list[int] | None, base_url: str) -> str:
    state = [FORMAT, base_url, row.current_version, row.status, row.title, row.published, row.url, versions, seen]
    return hashlib.sha256(json.dumps(state, ensure_ascii=False).encode("utf-8")).hexdigest()[:32]


def _all_exist(root: Path, files: list[str]) -> bool:
    return all((root / path).is_file() for path in files)


def _other_pages(
    archive: Archive, entries: list[indexes.Entry], doc_paths: set[str], now: str, base_url: str
) -> dict[str, str]:
    """The indexes, the changes page and its feed, the search pages and the style sheet."""
    pages = indexes.render(entries)
    events = changes(archive)
    pages[CHANGES_PATH] = indexes.changes_page(events, doc_paths)
    pages[FEED_PATH] = atom_feed(archive, events, now=now, base_url=base_url)
    pages.update(searching.pages(sorted({e.language for e in entries})))
    pages[STYLE_PATH] = STYLE
    pages[OFFLINE_JS_PATH] = OFFLINE_JS
    return pages


def _open_site(archive: Archive, out: Path) -> dict[str, Any]:
    """The manifest of the site already in `out` ({} for a new one); refuse a folder that is not a site."""
    root, target = archive.root.resolve(), out.resolve()
    if target == root or root in target.parents:
        raise ArchiveError(f"cannot publish into {out}: it is inside the archive at {archive.root}")
    manifest = out / MANIFEST
    try:
        out.mkdir(parents=True, exist_ok=True)
        if not manifest.exists():
            if any(out.iterdir()):
                raise ArchiveError(
                    f"cannot publish into {out}: the folder is not empty and holds no published site ({MANIFEST}); "
                    "name a new or empty folder"
                )
            # Claimed before the first page is written: a first publish cut short is taken up by the next one.
            _save_manifest(out, {"documents": {}, "pages": []})
            return {}
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ArchiveError(f"cannot publish into {out}: {exc.strerror or exc}") from None
    except (ValueError, UnicodeDecodeError):
        return {}  # a damaged manifest: every page is rendered again (and overwrites its old self)
    return data if isinstance(data, dict) else {}


def _save_manifest(out: Path, data: dict[str, Any]) -> None:
    temporary = out / f".{MANIFEST}.tmp"
    temporary.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(temporary, out / MANIFEST)
