"""Processes as the kernel sees them, for tests that kill a run: find what a process started, kill it, and
wait (bounded, on the process's exit itself) until nothing of it is left running.

Linux only (/proc and pidfd_open), as CI is; the kill tests name their dependency on it.
"""

from __future__ import annotations

import os
import queue
import select
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

GONE_TIMEOUT_S = 10.0  # a killed run's processes exit within milliseconds; this only bounds a failure


def _stat(pid: int) -> tuple[str, int] | None:
    """(state, parent pid) of a process, or None once it has been reaped."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text.rsplit(")", 1)[1].split()  # the command name before it may hold spaces and parentheses
    return fields[0], int(fields[1])


def alive(pid: int) -> bool:
    """Whether the process still runs (a zombie has ended: it only waits to be reaped)."""
    stat = _stat(pid)
    return stat is not None and stat[0] not in ("Z", "X")


def descendants(pid: int) -> set[int]:
    """Every process started by `pid`, and by those, right now."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (stat := _stat(int(entry))) is not None:
            children.setdefault(stat[1], []).append(int(entry))
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def command_line(pid: int) -> str:
    """A process's command line, for a failure message."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return "?"


def process_name(pid: int) -> str:
    """A process's name (/proc/PID/comm)."""
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return "?"


def open_files(pid: int) -> list[str]:
    """What a process's file descriptors point at."""
    out = []
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            out.append(os.readlink(f"/proc/{pid}/fd/{fd}"))
        except OSError:
            continue  # closed meanwhile
    return out


def wait_gone(pids: set[int], timeout: float = GONE_TIMEOUT_S) -> set[int]:
    """Wait until every process in `pids` has ended; return those still running at the deadline."""
    deadline = time.monotonic() + timeout
    for pid in pids:
        try:
            handle = os.pidfd_open(pid)
        except ProcessLookupError:
            continue  # already reaped
        try:
            while alive(pid) and (left := deadline - time.monotonic()) > 0:
                select.select([handle], [], [], left)  # readable when the process ends
                if alive(pid):
                    time.sleep(0.001)  # readable while the zombie's state catches up
        finally:
            os.close(handle)
    return {pid for pid in pids if alive(pid)}


def kill_run(proc: subprocess.Popen[str] | subprocess.Popen[bytes]) -> set[int]:
    """SIGKILL a run's process; return the processes it had started, as they were at that moment.

    The run is stopped first (SIGSTOP), so it cannot start another process between the listing and the kill.
    """
    if proc.poll() is not None:
        return set()  # it ended on its own first
    os.kill(proc.pid, signal.SIGSTOP)
    started = descendants(proc.pid)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(GONE_TIMEOUT_S)
    return started


def assert_nothing_left(pids: set[int]) -> None:
    """Fail, naming them, if any of these processes is still running after a bounded wait."""
    left = wait_gone(pids)
    assert not left, "left running after the kill: " + "; ".join(f"{p} {command_line(p)}" for p in sorted(left))


def wait_for(condition: Callable[[], object], what: str, timeout: float = 60.0) -> None:
    """Poll `condition()` until it is true; fail the test naming `what` at the deadline."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out after {timeout:.0f} s waiting for {what}"
        time.sleep(0.005)


def stderr_lines(stream: object) -> tuple[queue.Queue[str], threading.Thread]:
    """Every line of a process's stderr, as it comes, from a reader thread (which ends at EOF)."""
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:
        for line in stream:  # type: ignore[attr-defined]
            lines.put(line)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    return lines, reader


def wait_line(lines: queue.Queue[str], prefix: str, count: int, seen: list[str]) -> None:
    """Wait (bounded) until `count` lines starting with `prefix` have come."""
    while sum(1 for line in seen if line.startswith(prefix)) < count:
        try:
            seen.append(lines.get(timeout=60))
        except queue.Empty:
            raise AssertionError(f"no {count} lines starting {prefix!r} within 60 s: {seen}") from None
