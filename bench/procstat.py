"""What the bench reads of its processes: CPU of ended children, and memory sampled while a run goes on."""

from __future__ import annotations

import multiprocessing
import os
import resource
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


def children_cpu() -> float:
    """CPU seconds of this process's ended children: the import's fetch process, once it has ended."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@contextmanager
def sampling(every: float = 0.25) -> Iterator[list[float]]:
    """Sample the resident size of this process and of its other children (the fetch process) every
    `every` seconds; on leaving, the list holds the two peaks in MB.

    The sampler is a process, not a thread: with a second thread running, the import would fetch in its own
    process (forking a threaded process is unsafe), and so not be the import a user runs.
    """
    ctx = multiprocessing.get_context("fork")
    done, (receive, send) = ctx.Event(), ctx.Pipe(duplex=False)
    others = children(os.getpid())  # the simulators: the fetch process is the child that comes after them
    sampler = ctx.Process(target=_sample, args=(os.getpid(), others, every, done, send), daemon=True)
    sampler.start()
    peaks = [0.0, 0.0]
    try:
        receive.recv()  # the sampler has taken its first sample: the import may start
        yield peaks
    finally:
        done.set()
        peaks[:] = receive.recv() if receive.poll(30) else [0.0, 0.0]
        sampler.join(10)


def _sample(parent: int, others: set[int], every: float, done: Any, send: Any) -> None:
    """The sampler's loop: this process's own RSS now (the setup crawl's peak is not the import's), the fetch
    process's high-water mark (it was started for the import: a late sample still sees its peak)."""
    peaks, ready = [0.0, 0.0], False
    while True:
        peaks[0] = max(peaks[0], status_mb(str(parent), "VmRSS"))
        for pid in children(parent) - others - {os.getpid()}:
            peaks[1] = max(peaks[1], status_mb(str(pid), "VmHWM"))
        if not ready:
            send.send(None)
            ready = True
        if done.wait(every):
            break
    send.send(peaks)


def children(pid: int) -> set[int]:
    """A process's children."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            found |= {int(child) for child in (task / "children").read_text().split()}
        except OSError:
            continue
    return found


def status_mb(pid: str, name: str) -> float:
    """A figure of a process's /proc status (VmRSS: resident now, VmHWM: its peak), in MB; 0 once it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{name}:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0
