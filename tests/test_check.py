"""`pressroom check`: the installed parsers over the stored captures, offline; a selector changed in a
user-defined site's definition (pressroom.toml) is caught before a crawl records anything."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from archive.recorder import Archive
from tests.conftest import FAST_CONFIG, Pressroom
from tests.sim_ministry import MINISTRY_TABLE, MinistrySim
from tests.simserver import SimServer

KEY = "mfa.example/releases/1044"


@pytest.fixture
def press(tmp_path: Path) -> Iterator[Pressroom]:
    config = tmp_path / "pressroom.toml"
    config.write_text(FAST_CONFIG + MINISTRY_TABLE, encoding="utf-8")
    with SimServer(MinistrySim()) as server:
        run = Pressroom(tmp_path / "archive", config, {"exampleland": server.base_url})
        run("crawl", "mfa.example")
    return run  # the simulator is gone: check never fetches


def redefine(press: Pressroom, old: str, new: str) -> None:
    text = press.config.read_text(encoding="utf-8")
    assert old in text
    press.config.write_text(text.replace(old, new), encoding="utf-8")


def snapshot(root: Path) -> dict[str, str]:
    """Every file's hash; SQLite's shared-memory index (-shm) is its readers' scratch space, not the archive."""
    files = (p for p in root.rglob("*") if p.is_file() and not p.name.endswith("-shm"))
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def test_unchanged_parsers_find_nothing(press: Pressroom) -> None:
    result = press("check", "mfa.example")
    assert result.stdout == ""
    assert result.stderr.splitlines() == ["mfa.example: 2 documents checked"]


def test_a_changed_selector_is_reported_with_its_word_diff_and_nothing_is_written(press: Pressroom) -> None:
    redefine(press, 'drop = ["aside.share"]', 'drop = ["aside.share", "p:first-child"]')
    before = snapshot(press.archive)
    result = press("check", ok=False)
    assert result.exit_code == 1
    assert f"would change: {KEY} v1 (https://www.mfa.example/press/releases/1044/)" in result.stdout
    assert "[-The two ministers reaffirmed their friendship.-]" in result.stdout
    assert "mfa.example: 2 documents checked, 2 would change" in result.stderr
    assert "2 documents would not be read as archived (above)" in result.stderr
    assert snapshot(press.archive) == before, "check writes nothing"
    quiet = press("check", "--show", "0", ok=False)
    assert "would change" in quiet.stdout and "[-" not in quiet.stdout


def test_a_page_the_parser_no_longer_understands(press: Pressroom) -> None:
    redefine(press, 'title = ["h2.pr-title", "h1"]', 'title = ["h3.pr-title"]')
    result = press("check", "exampleland", "--sample", "1", ok=False)
    assert result.stdout.splitlines() == [
        f"would not parse: {KEY} v1: no title (tried h3.pr-title) (https://www.mfa.example/press/releases/1044/)"
    ]
    assert "mfa.example: 1 document checked, 1 would not parse" in result.stderr


def test_an_archive_without_documents_says_so(tmp_path: Path, config_file: Path) -> None:
    empty = Archive(tmp_path / "empty")
    assert empty.catalog.path.exists()  # opening the catalog creates it: an archive without a document
    empty.close()
    result = Pressroom(tmp_path / "empty", config_file, {})("check")
    assert result.stderr == f"no documents to check in the archive at {tmp_path / 'empty'}\n"


def test_documents_that_would_change_only_in_metadata_are_named(press: Pressroom) -> None:
    redefine(press, 'drop = ["aside.share"]', 'drop = ["aside.share"]\ntags = ["span.pr-time"]')
    result = press("check", "mfa.example")
    assert result.exit_code == 0, "metadata alone records no version"
    lines = result.stdout.splitlines()
    assert f"only in metadata: {KEY} v1: Tags (https://www.mfa.example/press/releases/1044/)" in lines
    assert len(lines) == 2 and all(line.startswith("only in metadata: mfa.example/") for line in lines)
    assert "mfa.example: 2 documents checked, 2 only in metadata" in result.stderr
