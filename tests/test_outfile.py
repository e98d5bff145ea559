"""Files written for a user with --output: a missing folder or a read-only filesystem is one line, exit 1,
and a failed write never leaves half a file nor destroys the one that was there."""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Pressroom
from tests.sim_mofa import MofaSim
from tests.simserver import SimServer

KEY = "mofa.go.kr/m_5676/320033"
COMMANDS = {
    "export": ("export",),
    "export-csv": ("export", "--format", "csv"),
    "feed": ("feed",),
    "diff-html": ("diff", KEY, "--format", "html"),
    "diff-unified": ("diff", KEY),
}


@pytest.fixture
def edited(pressroom: Pressroom, mofa_sim: tuple[MofaSim, SimServer]) -> Pressroom:
    """An archive where one document has two versions, so every command has something to write."""
    sim, _ = mofa_sim
    pressroom("crawl", "mofa")
    sim.edit(320033, body=["Replaced text."])
    pressroom("crawl", "mofa")
    return pressroom


@contextlib.contextmanager
def read_only_folder(path: Path) -> Iterator[Path]:
    """A folder on a read-only filesystem (a real tmpfs mount as root; a chmod'd folder otherwise)."""
    path.mkdir()
    if os.geteuid() != 0:
        path.chmod(0o555)
        try:
            yield path
        finally:
            path.chmod(0o755)
        return
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1M,ro", "tmpfs", str(path)], check=True)
    try:
        yield path
    finally:
        subprocess.run(["umount", str(path)], check=True)


@pytest.mark.parametrize("name", COMMANDS)
def test_output_into_a_missing_folder_is_one_line(edited: Pressroom, tmp_path: Path, name: str) -> None:
    target = tmp_path / "no" / "such" / "out.txt"
    result = edited(*COMMANDS[name], "--output", str(target), ok=False)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [f"Error: cannot write {target}: no folder {target.parent}"]


@pytest.mark.parametrize("name", COMMANDS)
def test_output_onto_a_read_only_filesystem_is_one_line(edited: Pressroom, tmp_path: Path, name: str) -> None:
    with read_only_folder(tmp_path / "ro") as folder:
        target = folder / "out.txt"
        result = edited(*COMMANDS[name], "-o", str(target), ok=False)
        assert result.exit_code == 1
        reason = "Read-only file system" if os.geteuid() == 0 else "Permission denied"
        assert result.stderr.splitlines() == [f"Error: cannot write {target}: {reason}"]
        assert list(folder.iterdir()) == []


def test_output_is_written_whole_and_replaces_the_old_file(edited: Pressroom, tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    target.write_text("old\n", encoding="utf-8")
    result = edited("export", "-o", str(target))
    assert result.stderr.strip() == "12 records"
    assert len(target.read_text(encoding="utf-8").splitlines()) == 12
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == [], "no temporary file is left"
    assert oct(target.stat().st_mode & 0o777) == oct(0o666 & ~_umask())


@contextlib.contextmanager
def small_filesystem(folder: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A 64 KB tmpfs as root; otherwise writes through crawler.cli.outfile go to /dev/full (ENOSPC)."""
    folder.mkdir()
    if os.geteuid() != 0:
        import crawler.cli.outfile

        def full(fd: int, *args: Any, **kwargs: Any) -> Any:
            os.close(fd)
            return open("/dev/full", *args, **kwargs)  # noqa: SIM115

        monkeypatch.setattr(crawler.cli.outfile.os, "fdopen", full)
        yield folder
        return
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)], check=True)
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_a_full_disk_keeps_the_previous_file(
    edited: Pressroom, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with small_filesystem(tmp_path / "small", monkeypatch) as folder:
        target = folder / "out.jsonl"
        target.write_text("previous export\n", encoding="utf-8")
        (folder / "filler").write_bytes(b"x" * 56_000)  # 14 of 16 pages: the export cannot fit
        result = edited("export", "--all-versions", "-o", str(target), ok=False)
        assert result.stderr.splitlines() == [f"Error: cannot write {target}: No space left on device"]
        assert target.read_text(encoding="utf-8") == "previous export\n"
        assert sorted(p.name for p in folder.iterdir()) == ["filler", "out.jsonl"]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
