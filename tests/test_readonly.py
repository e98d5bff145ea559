"""Every reading command works on an archive it cannot write: a read-only mount (for real, as root) and a copy
without write permission (as a user without root's powers); writing commands say why in one line."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import Pressroom
from tests.sim_mofa import MofaSim
from tests.simserver import SimServer

ROOT = Path(__file__).parent.parent
KEY = "mofa.go.kr/m_5676/320033"
READING = (
    ("status",),
    ("search", "Consultation"),
    ("history", KEY),
    ("show", KEY),
    ("diff", KEY),
    ("changes",),
    ("feed",),
    ("export", "--all-versions"),
    ("runs",),
    ("check",),
)
WRITING = (("reindex",), ("reextract", "mofa"), ("crawl", "mofa"))
NOBODY = 65534
# Run as a user root's powers do not cover. Every module of pressroom (some are imported only when a command
# needs them) and of the standard library it uses is imported first: the interpreter, and the checkout CI
# clones into a private temporary folder, may be out of that user's reach.
AS_NOBODY = f"""
import importlib, os, pkgutil, sys
import archive, crawler
for package in (archive, crawler):
    for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        if not module.name.endswith(".__main__"):  # that one would run the command, still as root
            importlib.import_module(module.name)
import click, encodings.idna, json, csv, heapq, xml.etree.ElementTree, _strptime
os.setgroups([]); os.setgid({NOBODY}); os.setuid({NOBODY})
sys.argv[0] = "pressroom"
crawler.cli.main()
"""


def pressroom(archive: Path, *args: str, nobody: bool = False) -> subprocess.CompletedProcess[str]:
    """The CLI in its own process, as a user would run it."""
    command = [sys.executable, "-c", AS_NOBODY] if nobody else [sys.executable, "-m", "crawler"]
    return subprocess.run(
        [*command, "--archive", str(archive), *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env={**os.environ, "PRESSROOM_CONFIG": str(archive.parent / "pressroom.toml")},
    )


def history(run: Pressroom, sim: MofaSim) -> None:
    run("crawl", "mofa")
    sim.edit(320033, body=["A corrected text."])
    run("crawl", "mofa")


def expected(archive: Path) -> dict[tuple[str, ...], str]:
    out = {}
    for args in READING:
        result = pressroom(archive, *args)
        assert result.returncode == 0, result.stderr
        out[args] = result.stdout
    return out


def assert_reads_the_same(archive: Path, before: dict[tuple[str, ...], str], *, nobody: bool = False) -> None:
    for args, stdout in before.items():
        result = pressroom(archive, *args, nobody=nobody)
        assert (result.returncode, result.stderr.count("\n") <= 1) == (0, True), f"{args}: {result.stderr}"
        assert result.stdout == stdout, args  # a twin copy reads the same, the feed's ids included


def assert_writing_fails_in_one_line(archive: Path, *, nobody: bool = False) -> None:
    for args in WRITING:
        result = pressroom(archive, *args, nobody=nobody)
        assert result.returncode != 0, args
        assert "Traceback" not in result.stderr and result.stderr.startswith("Error: "), result.stderr
        assert result.stderr.count("\n") == 1 and str(archive) in result.stderr, result.stderr


@pytest.fixture
def mount(tmp_path: Path) -> Iterator[Path]:
    """A small tmpfs, unmounted afterwards (root only)."""
    if os.geteuid() != 0:
        pytest.skip("mounting a filesystem needs root (CI runs as root); the chmod test covers the copy case")
    point = tmp_path / "mnt"
    point.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=32m", "tmpfs", str(point)], check=True)
    try:
        yield point
    finally:
        subprocess.run(["umount", str(point)], check=True)


def leave_a_wal(archive: Path) -> None:
    """A writer killed after a commit: the WAL (and its index) stay beside the catalog, not checkpointed."""
    code = (
        "import os, signal, sqlite3, sys\n"
        "db = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "db.execute(\"UPDATE runs SET status = 'partial' WHERE id = 1\")\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    killed = subprocess.run([sys.executable, "-c", code, str(archive / "catalog.sqlite")], timeout=30)
    assert killed.returncode == -signal.SIGKILL
    assert (archive / "catalog.sqlite-wal").stat().st_size > 0


@pytest.mark.parametrize("leftover", ["clean", "wal", "wal without its index"])
def test_a_read_only_mount_can_be_read(
    pressroom_: Pressroom, mofa_sim: tuple[MofaSim, SimServer], mount: Path, leftover: str
) -> None:
    history(pressroom_, mofa_sim[0])
    archive = mount / "archive"
    shutil.copytree(pressroom_.archive, archive)
    shutil.copy(pressroom_.config, mount / "pressroom.toml")
    if leftover != "clean":
        leave_a_wal(archive)
    if leftover == "wal without its index":
        (archive / "catalog.sqlite-shm").unlink()
    before = expected(archive) if leftover == "clean" else None
    if leftover != "clean":  # reading would checkpoint the WAL on a writable copy: read a second copy instead
        twin = mount / "twin"
        shutil.copytree(archive, twin)
        before = expected(twin)
        shutil.rmtree(twin)
        assert "partial" in before[("runs",)], "the WAL's change is read"
    files = sorted(p.name for p in archive.iterdir())
    subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
    assert before is not None
    assert_reads_the_same(archive, before)
    assert_writing_fails_in_one_line(archive)
    assert sorted(p.name for p in archive.iterdir()) == files


def test_a_copy_without_write_permission_can_be_read(
    pressroom_: Pressroom, mofa_sim: tuple[MofaSim, SimServer]
) -> None:
    history(pressroom_, mofa_sim[0])
    nobody = os.geteuid() == 0  # root may write anything: read as a user who may not
    parent = Path(tempfile.mkdtemp(prefix="pressroom-ro-"))  # not under pytest's root-only folder
    try:
        parent.chmod(0o755)
        archive = parent / "archive"
        shutil.copytree(pressroom_.archive, archive)
        shutil.copy(pressroom_.config, parent / "pressroom.toml")
        before = expected(archive)
        for path in [archive, *archive.rglob("*")]:
            path.chmod(0o555 if path.is_dir() else 0o444)
        files = sorted(p.name for p in archive.iterdir())
        assert_reads_the_same(archive, before, nobody=nobody)
        assert_writing_fails_in_one_line(archive, nobody=nobody)
        assert sorted(p.name for p in archive.iterdir()) == files
    finally:
        for path in [parent, *parent.rglob("*")]:
            path.chmod(0o755)
        shutil.rmtree(parent)


@pytest.fixture
def pressroom_(pressroom: Pressroom) -> Pressroom:
    return pressroom
