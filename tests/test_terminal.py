"""What a person sees on a terminal: colours that render, site text that cannot rewrite the screen.

Every test here runs the CLI as a real process under a pseudo-terminal (tests/ptyrun.py) and asserts on the
bytes the terminal received, or on the screen they draw.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from xml.etree import ElementTree as ET

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


def test_word_diff_colours_render_and_site_text_stays_escaped(archive: Path) -> None:
    result = run_pty(pressroom(archive, "diff", KEY, "--format", "word"))
    assert result.returncode == 0, result.text
    out = result.output
    assert b"\\u001b" not in out, "pressroom's own colour codes must reach the terminal as codes"
    assert re.search(rb"\x1b\[31m(\x1b\[9m)?20\x1b\[0m", out), out  # removed: red (struck through)
    assert re.search(rb"\x1b\[32m(\x1b\[1m)?21\x1b\[0m", out), out  # added: green (bold)
    assert RLO.encode() not in out and b"billion \\u202ein 2021." in out
    assert "Trade rose to 2021 billion \\u202ein 2021." in result.screen


def test_word_diff_to_a_pipe_has_no_colour_codes(archive: Path) -> None:
    result = run_pty(pressroom(archive, "diff", KEY, "--format", "word"), stdout_pipe=True)
    assert result.returncode == 0, result.text
    assert ESC not in result.stdout
    assert b"Trade rose to [-20-]{+21+} billion \\u202ein 2021." in result.stdout


def test_search_bolds_the_matches_and_escapes_the_page(archive: Path) -> None:
    result = run_pty(pressroom(archive, "search", "trade"))
    assert result.returncode == 0, result.text
    out = result.output
    assert b"\\u001b" not in out
    assert re.search(rb"\x1b\[1mTrade\x1b\[0m rose to 21 billion \\u202ein 2021\.", out), out
    assert RLO.encode() not in out
    assert f"{KEY}  2024-01-15  Statement on \\u202etrade figures" in result.screen


def test_show_escapes_on_a_terminal_and_keeps_exact_bytes_in_a_pipe(archive: Path) -> None:
    shown = run_pty(pressroom(archive, "show", KEY))
    assert shown.returncode == 0, shown.text
    assert RLO.encode() not in shown.output
    assert "Title: Statement on \\u202etrade figures" in shown.screen
    piped = run_pty(pressroom(archive, "show", KEY), stdout_pipe=True)
    assert piped.returncode == 0, piped.text
    (file,) = sorted((archive / KEY).glob("002_*.txt"))
    assert piped.stdout == file.read_bytes() and RLO.encode() in piped.stdout, "the archived file stays exact"


def test_history_escapes_titles(archive: Path) -> None:
    result = run_pty(pressroom(archive, "history", KEY))
    assert result.returncode == 0, result.text
    assert RLO.encode() not in result.output and b"Statement on \\u202etrade figures" in result.output


def test_html_diff_neutralizes_bidi_controls(archive: Path, tmp_path: Path) -> None:
    page_file = tmp_path / "diff.html"
    result = run_pty(pressroom(archive, "diff", KEY, "--format", "html", "--output", str(page_file)))
    assert result.returncode == 0, result.text
    page = page_file.read_text(encoding="utf-8")
    assert RLO not in page, "a raw override would reorder the rest of the page"
    mark = '<span class="control" title="U+202E">\\u202e</span>'
    assert f"<h1>Statement on {mark}trade figures</h1>" in page
    assert f"billion {mark}in 2021." in page
    assert "<title>Changes: Statement on \\u202etrade figures</title>" in page


def test_atom_feed_neutralizes_bidi_controls(archive: Path, tmp_path: Path) -> None:
    feed_file = tmp_path / "changes.atom"
    result = run_pty(pressroom(archive, "feed", "--output", str(feed_file)))
    assert result.returncode == 0, result.text
    text = feed_file.read_text(encoding="utf-8")
    assert RLO not in text
    entry = ET.fromstring(text).find("{http://www.w3.org/2005/Atom}entry")
    assert entry is not None
    assert entry.findtext("{http://www.w3.org/2005/Atom}title") == "changed: Statement on \\u202etrade figures"
    assert "billion <span" in (entry.findtext("{http://www.w3.org/2005/Atom}content") or "")
