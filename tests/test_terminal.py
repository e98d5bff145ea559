"""What a person sees on a terminal: colours that render, site text that cannot rewrite the screen.

Every test here runs the CLI as a real process under a pseudo-terminal (tests/ptyrun.py) and asserts on the
bytes the terminal received, or on the screen they draw.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from archive.document import Release
from archive.recorder import Archive
from tests.ptyrun import run_pty, screen

RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: on a terminal or a page, it reverses what follows
KEY = "mid.ru/foreign_policy.news/7/en"
ESC = b"\x1b["


def release(body: tuple[str, ...]) -> Release:
    return Release(
        site="mid.ru",
        collection="foreign_policy.news",
        collection_name="News",
        doc_id="7",
        language="en",
        url="https://mid.ru/en/foreign_policy/news/7/",
        title=f"Statement on {RLO}trade figures",
        published=date(2024, 1, 15),
        body=body,
        per_language=True,
    )


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    """An archive with one document in two versions; its title and a paragraph carry a U+202E."""
    root = tmp_path / "archive"
    archive = Archive(root)
    archive.record(release((f"Trade rose to 20 billion {RLO}in 2021.", "Korea was mentioned.")))
    archive.record(release((f"Trade rose to 21 billion {RLO}in 2021.", "Korea was mentioned.")))
    archive.catalog.close()
    return root


def pressroom(archive: Path, *args: str) -> list[str]:
    return ["--archive", str(archive), *args]


def test_pty_helper_sees_the_terminal(tmp_path: Path) -> None:
    result = run_pty(["--version"])
    assert result.returncode == 0 and re.search(rb"pressroom, version \S+\r\n", result.output)
    assert screen(b"bar 1/3\r\x1b[Klog line\nbar 2/3") == ["log line", "bar 2/3"]
    assert screen(b"abcdef", columns=4) == ["abcd", "ef"]
