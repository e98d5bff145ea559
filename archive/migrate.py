"""Carrying documents over to a new key layout: a document's folder moved whole to its new key, with a trace.

When a site's keys change (mid.ru's `mid.ru/<section>/<id>/<lang>` became `mid.ru/id/<id>/<lang>`), the crawler
names each old key and the key its site gives now; this module moves the folder. Version files are never
rewritten or renamed one by one: the document's folder is renamed, in one step, inside the archive, so a
crash leaves it either at the old key or at the new one. Each move is first appended to the journal,
`log/moves.jsonl` (one JSON object per line: `event` "move", `from`, `to`, `at`), and the journal is what
makes the old key still name the document: reindex replays old keys of the log and the WARC captures onto
the new ones, and `history`/`diff` accept an old key. A move that was interrupted is done again the next
time (the journal may then hold its line twice). A move whose new key already has versions is not made:
the folder stays at its old key, readable as before, and the caller reports it.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from archive import log
from archive.document import split_key
from archive.errors import ArchiveError
from archive.log import LOG_DIR, _events

JOURNAL = "moves.jsonl"


def keys_outside(root: Path, site: str, group: str) -> Iterator[str]:
    """The document keys of `site` filed under any collection folder but `group`, in sorted order."""
    folder = root / site
    try:
        collections = sorted(e.name for e in os.scandir(folder) if e.is_dir() and not e.name.startswith("."))
    except FileNotFoundError:
        return
    for name in collections:
        if name == group:
            continue
        for dirpath, dirnames, filenames in os.walk(folder / name):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            if any(f.endswith(".txt") and not f.startswith(".") for f in filenames):
                key = Path(dirpath).relative_to(root).as_posix()
                with contextlib.suppress(ArchiveError):
                    split_key(key)
                    yield key


def move(root: Path, old: str, new: str, at: str) -> bool:
    """Move the folder of document `old` to `new` (journal first); False, nothing moved, if `new` has one."""
    source, target = root.joinpath(*split_key(old)), root.joinpath(*split_key(new))
    if old == new or not source.is_dir():
        return False
    if target.exists():
        return False
    _journal(root, {"event": "move", "from": old, "to": new, "at": at})
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        os.rename(source, target)  # one step: the document is at one key or the other, never split
        _fsync_dir(target.parent)
        _fsync_dir(source.parent)
    except OSError as exc:
        raise ArchiveError(f"cannot move {source} to {target}: {exc.strerror or exc}") from None
    _remove_empty_parents(source.parent, root / split_key(old)[0])
    return True


def moved(root: Path) -> dict[str, str]:
    """Every key the journal moved, to the key it names now (moves of moves followed to the end)."""
    moves: dict[str, str] = {}
    for event in _events(root / LOG_DIR / JOURNAL, []):
        if event.get("event") == "move" and isinstance(event.get("from"), str) and isinstance(event.get("to"), str):
            moves[event["from"]] = event["to"]
    for old in list(moves):
        seen = {old}
        while moves[old] in moves and moves[old] not in seen:
            seen.add(moves[old])
            moves[old] = moves[moves[old]]
    return moves


def _journal(root: Path, event: dict[str, str]) -> None:
    """Append one line to the journal and make it durable before the move it announces (a line torn by a kill
    is closed off by LogFile before the next one, so no move is lost with it)."""
    path = root / LOG_DIR / JOURNAL
    try:
        journal = log.LogFile(path)
        try:
            journal.append(event)
        finally:
            journal.close()
    except OSError as exc:
        raise ArchiveError(f"cannot write {path}: {exc.strerror or exc}") from None


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_empty_parents(folder: Path, stop: Path) -> None:
    """Remove the folders a move left empty, up to (not including) the site's folder."""
    while folder != stop and stop in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
