"""A real full disk: a small tmpfs, filled by a crawl. The run reports each document it could not keep in
one line, prints its summary and exits 1; nothing archived before is changed, nothing written is corrupt,
and once space is freed the next run completes. (The injected full-disk tests are in test_archive.py.)"""

from __future__ import annotations

import dataclasses
import os
import random
import re
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive.recorder import Archive
from tests.conftest import FAST_CONFIG
from tests.sim_mofa import MofaSim, make_releases
from tests.simserver import SimServer

ROOT = Path(__file__).parent.parent
DISK_SIZE = "16m"
LEFT_FREE = 400_000  # bytes left on the disk for the crawl that fills it: a dozen documents or so

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0, reason="mounting a small tmpfs needs root (CI runs as root); test_archive.py injects ENOSPC"
)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "disk"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={DISK_SIZE}", "tmpfs", str(mount)], check=True)
    try:
        yield mount
    finally:
        subprocess.run(["umount", "--lazy", str(mount)], check=True)


def fill(disk: Path, leave: int) -> Path:
    """Take all of the disk's free space but `leave` bytes."""
    filler = disk / "filler"
    stat = os.statvfs(disk)
    with filler.open("wb") as out:
        out.truncate(0)
        out.write(b"\0" * max(0, stat.f_bavail * stat.f_frsize - leave))
    return filler


def versions(archive: Path) -> dict[str, bytes]:
    return {p.relative_to(archive).as_posix(): p.read_bytes() for p in sorted(archive.rglob("*.txt"))}


def long_body(rng: random.Random) -> list[str]:
    """About 8 KB of text that does not compress away (the WARC records are gzipped)."""
    words = ["cooperation", "ministry", "bilateral", "statement", "energy", "trade", "summit", "peninsula"]
    return [" ".join(rng.choice(words) + str(rng.randrange(10**6)) for _ in range(60)) + "." for _ in range(8)]


def test_a_crawl_that_fills_the_disk(tmp_path: Path, small_disk: Path) -> None:
    rng = random.Random(13)
    releases = make_releases(112, start_year=2020, years=5)
    sim = MofaSim(releases[:12])
    config = tmp_path / "pressroom.toml"
    config.write_text(FAST_CONFIG.replace("list_pages = 2", "list_pages = 12"), encoding="utf-8")
    archive = small_disk / "archive"
    with SimServer(sim) as server:
        cmd = [sys.executable, "-m", "crawler", "--archive", str(archive), "--config", str(config),
               "--base-url", f"mofa={server.base_url}", "crawl", "mofa"]  # fmt: skip

        def crawl() -> subprocess.CompletedProcess[str]:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=ROOT)

        first = crawl()
        assert first.returncode == 0, first.stderr
        before = versions(archive)
        assert len(before) == 12
        for release in releases[12:]:
            sim.releases[(release.board, release.seq)] = dataclasses.replace(release, body=long_body(rng))
        filler = fill(small_disk, LEFT_FREE)

        full = crawl()
        lines = full.stderr.splitlines()
        assert full.returncode == 1, full.stderr
        assert "Traceback" not in full.stderr
        assert "No space left on device" in full.stderr or "database or disk is full" in full.stderr
        summary = next(line for line in lines if line.startswith("mofa.go.kr: "))
        counts = r"mofa\.go\.kr: (\d+ new, )?(\d+ unchanged, )?\d+ failed(, \d+ captures lost)?"
        assert re.fullmatch(counts, summary), lines
        # A crawl slowed past PROGRESS_EVERY_S by a loaded machine adds its progress pulse ("crawl: 82/112 done …").
        one_liners = r"(new|failed|captures lost) \S+ .*|cannot .*: .*|mofa\.go\.kr: .*|run 2: .*|crawl: \d+/\d+ done.*"
        assert [line for line in lines if not re.fullmatch(one_liners, line)] == []
        assert re.match(r"run 2: \d+ requests", lines[-1]), lines
        assert versions(archive).items() >= before.items(), "every version archived before is byte-identical"
        check_intact(archive)

        filler.unlink()
        freed = crawl()
        assert freed.returncode == 0, freed.stderr
    assert "Traceback" not in freed.stderr
    after = versions(archive)
    assert len({path.rsplit("/", 1)[0] for path in after}) == 112, "every release is archived in the end"
    assert after.items() >= before.items()
    check_intact(archive)


def check_intact(archive: Path) -> None:
    """Every version file parses and matches its hash, the catalog is sound, every WARC file reads."""
    store = Archive(archive)
    try:
        for key in store.store.document_keys():
            for stored in store.store.versions(key):
                store.store.read(stored)  # raises CorruptVersion on a bad file
    finally:
        store.close()
    con = sqlite3.connect(archive / "catalog.sqlite")
    try:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        con.close()
    for path in (archive / "raw").rglob("*.warc.gz"):
        with path.open("rb") as handle:
            assert sum(1 for _ in ArchiveIterator(handle)) >= 1, path
