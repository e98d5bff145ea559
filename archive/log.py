"""The archive's log: an append-only record of runs and visits, from which the catalog's record of them is rebuilt.

    <archive>/log/20261122T215800-run7.jsonl     one file per run, named like the run's WARC files
    <archive>/log/outside-runs.jsonl              visits recorded outside any run (library use)

One JSON object per line, keys sorted: a `run` line first, then one `observation` line per visit outcome, in the
order they happened, then an `end` line when the run finishes (none after a kill). Each line is written and
flushed as the event happens, and the file is fsynced at the end of the run, so a kill -9 loses at most the line
being written: a torn last line is ignored when the catalog is rebuilt.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from archive.rows import ObservationRow, RunRow

logger = logging.getLogger(__name__)

LOG_DIR = "log"
OUTSIDE_RUNS = "outside-runs.jsonl"
RUN_FILE = re.compile(r"^([0-9]{8}T[0-9]{6})-run([0-9]+)\.jsonl$")


def run_file_name(started: str, run_id: int) -> str:
    """The log file of a run that started at `started` (ISO 8601 UTC, as the catalog writes it)."""
    stamp = re.sub(r"[^0-9T]", "", started)[:15]
    return f"{stamp}-run{run_id}.jsonl"


class LogFile:
    """One log file, opened for appending."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._handle: IO[str] = path.open("a", encoding="utf-8")
        if self._handle.tell() and not _ends_with_newline(path):
            self._handle.write("\n")  # after a torn line (a kill mid-write), start a fresh one

    def append(self, event: dict[str, Any]) -> None:
        """Write one event as one line, and hand it to the OS now (a kill -9 then loses nothing written)."""
        self._handle.write(json.dumps(event, ensure_ascii=False, sort_keys=True) + "\n")
        self._handle.flush()

    def close(self) -> None:
        """Flush, fsync (the file and its folder) and close."""
        if self._handle.closed:
            return
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self._handle.close()
        dir_fd = os.open(self.path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def write_history(root: Path, runs: list[RunRow], observations: list[ObservationRow]) -> None:
    """Write the log of an archive from before the log existed, from its catalog (once, all or nothing)."""
    building = root / f".{LOG_DIR}.migrating"
    if building.exists():  # left by an interrupted migration: start again
        for stale in building.iterdir():
            stale.unlink()
    files: dict[int | None, LogFile] = {}
    for run in sorted(runs, key=lambda r: r.id):
        files[run.id] = LogFile(building / run_file_name(run.started, run.id))
        sites = run.sites.split()
        files[run.id].append(
            {"event": "run", "run": run.id, "command": run.command, "sites": sites, "started": run.started}
        )
    for o in observations:
        run_id = o.run_id if o.run_id in files else None
        if run_id is None and None not in files:
            files[None] = LogFile(building / OUTSIDE_RUNS)
        seen = {"key": o.key, "url": o.url, "at": o.at, "kind": o.kind, "version": o.version, "detail": o.detail}
        files[run_id].append(
            {"event": "observation", "run": run_id, **{k: v for k, v in seen.items() if v is not None}}
        )
    for run in runs:
        if run.finished:
            end = {"run": run.id, "finished": run.finished, "status": run.status, "counts": run.counts}
            files[run.id].append({"event": "end", **end})
    for logfile in files.values():
        logfile.close()
    building.mkdir(parents=True, exist_ok=True)
    os.rename(building, root / LOG_DIR)
    logger.warning("wrote the record of %d earlier runs to %s", len(runs), root / LOG_DIR)


def _ends_with_newline(path: Path) -> bool:
    with path.open("rb") as handle:
        handle.seek(-1, os.SEEK_END)
        return handle.read(1) == b"\n"


def last_run_id(root: Path) -> int:
    """The highest run id that has a log file (0 if none)."""
    with contextlib.suppress(FileNotFoundError):
        ids = [int(m[2]) for name in os.listdir(root / LOG_DIR) if (m := RUN_FILE.match(name))]
        return max(ids, default=0)
    return 0


@dataclass
class LoggedRun:
    """A run as its log file tells it."""

    id: int
    command: str
    sites: str
    started: str
    finished: str | None = None
    status: str = "running"
    counts: dict[str, int] = field(default_factory=dict)
    observations: list[dict[str, Any]] = field(default_factory=list)
    site_figures: dict[str, Any] = field(default_factory=dict)  # what each site's part found (its health)


def read_runs(root: Path, problems: list[str]) -> tuple[list[LoggedRun], list[dict[str, Any]]]:
    """Every logged run (by id) and the observations logged outside runs; unreadable lines go to `problems`."""
    folder = root / LOG_DIR
    runs: list[LoggedRun] = []
    names = sorted((int(m[2]), name) for name in _listdir(folder) if (m := RUN_FILE.match(name)))
    for run_id, name in names:
        run: LoggedRun | None = None
        for event in _events(folder / name, problems):
            if event.get("event") == "run":
                run = LoggedRun(run_id, event["command"], " ".join(event["sites"]), event["started"])
            elif run is not None and event.get("event") == "observation":
                run.observations.append(event)
            elif run is not None and event.get("event") == "end":
                run.finished, run.status, run.counts = event["finished"], event["status"], event["counts"]
                run.site_figures = event.get("sites") or {}
        if run is None:
            problems.append(f"{folder / name}: no run line; skipped")
        else:
            runs.append(run)
    outside = [e for e in _events(folder / OUTSIDE_RUNS, problems) if e.get("event") == "observation"]
    return runs, outside


def _listdir(folder: Path) -> list[str]:
    try:
        return os.listdir(folder)
    except FileNotFoundError:
        return []


def _events(path: Path, problems: list[str]) -> Iterator[dict[str, Any]]:
    """The events of one file; a torn last line (a kill mid-write) is skipped quietly, any other bad line named."""
    try:
        lines = path.read_bytes().split(b"\n")
    except FileNotFoundError:
        return
    except OSError as exc:
        problems.append(f"{path}: cannot read: {exc.strerror}")
        return
    last = len(lines) - 1  # the part after the last newline: empty unless the last line is torn
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            event = json.loads(line)
            if not isinstance(event, dict):
                raise ValueError("not an object")
        except ValueError:
            if number - 1 == last:
                logger.warning("%s: ignoring the torn last line (the run was killed while writing it)", path)
            else:
                problems.append(f"{path}:{number}: not a log event; skipped")
            continue
        yield event
