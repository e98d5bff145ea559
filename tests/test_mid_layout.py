"""mid.ru's section-free keys: one id is one document whichever sections list it, and an archive written with
the section keys of before (`mid.ru/foreign_policy.news/1899422/en`, up to 084d010) is carried over whole."""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path
from typing import Any

import pytest

from archive.recorder import Archive
from crawler.sites import SITES, mid, mid_archive, ministry_ru
from tests.conftest import Pressroom
from tests.sim_mid import MidSim
from tests.simserver import SimServer

Sims = tuple[MidSim, object, SimServer, SimServer]
LONG = "foreign_policy/economic_diplomacy/vnesneekonomiceskie-svazi-sub-ektov-rossijskoj-federacii"


def versions(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*.txt"))}


def inodes(root: Path) -> dict[str, int]:
    return {p.name: p.stat().st_ino for p in root.rglob("*.txt")}


def test_one_id_listed_in_two_sections_is_fetched_and_stored_once(mid_pressroom: Pressroom, mid_sims: Sims) -> None:
    sim, server = mid_sims[0], mid_sims[2]
    sim.also[LONG] = {1899422}
    config = mid_pressroom.config
    config.write_text(
        config.read_text().replace(
            '[sites."mid.ru"]\n', f'[sites."mid.ru"]\ncollections = ["foreign_policy/news", "{LONG}"]\n', 1
        )
    )
    mid_pressroom("crawl", "mid.ru")
    files = [name for name in versions(mid_pressroom.archive) if "/1899422/" in name]
    assert [f.rsplit("/", 1)[0] for f in files] == ["mid.ru/id/1899422/en", "mid.ru/id/1899422/ru"]
    assert {(lang, n) for (lang, n) in sim.views if n == 1899422} == {("en", 1899422), ("ru", 1899422)}
    assert sim.views[("en", 1899422)] == 1, "listed under two sections, fetched once"
    fetched = [r.target for r in server.log if "/1899422/" in r.target and "lang=" not in r.target]
    assert len([t for t in fetched if t.startswith("/en/")]) == 1, fetched
    # Both URLs name the one document.
    by_news = mid_pressroom("history", "https://mid.ru/en/foreign_policy/news/1899422/").stdout
    by_long = mid_pressroom("history", f"https://mid.ru/en/{LONG}/1899422/").stdout
    assert by_news == by_long and "mid.ru/id/1899422/en" in by_news


def _old_layout(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the sites key and file documents as the code up to 084d010 did: by section, no carry-over."""

    def old_key(site: str, parts: tuple[str, str, str]) -> str:
        lang, section, doc_id = parts
        return f"{site}/{ministry_ru.section_slug(section)}/{doc_id}/{lang}"

    def old_release(*args: Any, **kwargs: Any) -> Any:
        return dataclasses.replace(ministry_ru.release(*args, **kwargs), site_wide_id=False)

    for module in (mid, mid_archive):
        monkeypatch.setattr(module, "ministry_key", old_key)
        monkeypatch.setattr(module, "release", old_release)
    for name in ("mid.ru", "archive.mid.ru"):
        monkeypatch.setitem(SITES, name, dataclasses.replace(SITES[name], key_group=""))


def test_an_archive_of_the_old_layout_is_carried_over_without_false_edits(
    mid_pressroom: Pressroom, mid_sims: Sims
) -> None:
    root = mid_pressroom.archive
    with pytest.MonkeyPatch.context() as patch:
        _old_layout(patch)
        mid_pressroom("crawl", "mid.ru", "archive.mid.ru")
    old = versions(root)
    assert "mid.ru/foreign_policy.news/1899422/en" in {k.rsplit("/", 1)[0] for k in old}
    assert not (root / "mid.ru" / "id").exists()
    old_inodes = inodes(root)
    mid_sims[0].edit("en", 1899422, body=["The ministry edited this one."])

    result = mid_pressroom("crawl", "mid.ru", "archive.mid.ru")

    # Moved, never rewritten: the same files (same bytes, same inodes) under the new keys, nothing left behind.
    now = versions(root)
    renamed = {
        k.replace("/foreign_policy.news/", "/id/").replace("/press_service.minister_speeches/", "/id/"): v
        for k, v in old.items()
    }
    assert {k: v for k, v in now.items() if k in renamed} == renamed
    assert {k: i for k, i in inodes(root).items() if k in old_inodes} == old_inodes
    assert sorted(os.listdir(root / "mid.ru")) == ["id"] and sorted(os.listdir(root / "archive.mid.ru")) == ["id"]
    # The recrawl finds every document: only the real edit is one, nothing is new.
    assert "mid.ru: 1 changed, 4 unchanged" in result.stderr, result.stderr
    assert " new" not in result.stderr
    assert set(now) - set(renamed) == {next(k for k in now if k.startswith("mid.ru/id/1899422/en/002_"))}
    # The journal says what moved where.
    moves = [json.loads(line) for line in (root / "log" / "moves.jsonl").read_text().splitlines()]
    assert {"from": "mid.ru/foreign_policy.news/1899422/en", "to": "mid.ru/id/1899422/en"} in [
        {k: m[k] for k in ("from", "to")} for m in moves
    ]
    # Old key, old URL, new key: one document, its history from before the move included.
    shown = {
        doc: mid_pressroom("history", doc).stdout
        for doc in (
            "mid.ru/foreign_policy.news/1899422/en",
            "mid/foreign_policy.news/1899422/en",
            "https://mid.ru/en/foreign_policy/news/1899422/",
            "mid.ru/id/1899422/en",
        )
    }
    assert len(set(shown.values())) == 1, shown
    history = shown["mid.ru/id/1899422/en"]
    assert "\n  v1  " in history and "\n* v2  " in history
    assert [line.split()[1] for line in history.splitlines() if line.startswith("  20")] == ["new", "changed"]
    unchanged = mid_pressroom("history", "mid.ru/foreign_policy.news/1792974/en").stdout
    assert [line.split()[1] for line in unchanged.splitlines() if line.startswith("  20")] == ["new", "unchanged"]
    assert mid_pressroom("diff", "mid.ru/foreign_policy.news/1899422/en").stdout
    # An old key without its language, as with today's keys: the one language taken, or the choice named.
    one = mid_pressroom("show", "mid/foreign_policy.news/1792974").stdout
    assert one == mid_pressroom("show", "mid.ru/id/1792974/en").stdout
    both = mid_pressroom("history", "mid.ru/foreign_policy.news/1899422", ok=False).stderr
    assert "mid.ru/foreign_policy.news/1899422 is archived in 2 languages: name one" in both
    # A reindex of the carried-over archive gives the same.
    mid_pressroom("reindex")
    assert mid_pressroom("history", "mid.ru/foreign_policy.news/1899422/en").stdout == history


def test_reindex_carries_an_old_archive_over_and_a_second_folder_of_one_id_stays(
    mid_pressroom: Pressroom, mid_sims: Sims
) -> None:
    root = mid_pressroom.archive
    with pytest.MonkeyPatch.context() as patch:
        _old_layout(patch)
        mid_pressroom("crawl", "mid.ru")
    # The old layout could file one id under two sections: the same id, listed in another section.
    twin = root / "mid.ru" / "foreign_policy.brics" / "1899422" / "en"
    twin.parent.mkdir(parents=True)
    source = root / "mid.ru" / "foreign_policy.news" / "1899422" / "en"
    os.mkdir(twin)
    for f in source.iterdir():
        text = f.read_text().replace("Collection-Id: foreign_policy.news", "Collection-Id: foreign_policy.brics")
        (twin / f.name).write_text(text)
    result = mid_pressroom("reindex", ok=False)
    assert "5 documents moved to today's key layout" in result.stderr  # the other folder of 1899422/en stays
    assert (
        "problem: mid.ru/foreign_policy.news/1899422/en: not moved to mid.ru/id/1899422/en, "
        "which already holds a document (kept as is)"
    ) in result.stderr.splitlines()
    assert sorted(os.listdir(root / "mid.ru")) == ["foreign_policy.news", "id"]
    # Both stay readable: nothing orphaned.
    assert "foreign_policy.brics" in mid_pressroom("show", "mid.ru/id/1899422/en").stdout
    assert mid_pressroom("history", "mid.ru/foreign_policy.news/1899422/en").stdout
    # Run again: nothing more to move, the same problem said again, no version lost.
    before = versions(root)
    mid_pressroom("reindex", ok=False)
    assert versions(root) == before


def test_an_interrupted_move_is_done_next_time(tmp_path: Path) -> None:
    from archive import migrate

    root = tmp_path / "archive"
    folder = root / "mid.ru" / "foreign_policy.news" / "7" / "en"
    folder.mkdir(parents=True)
    (folder / "001_0123456789abcdef.txt").write_text("x\n")
    # A kill after the journal line and before the rename: the journal names a move that did not happen.
    migrate._journal(root, {"event": "move", "from": "mid.ru/foreign_policy.news/7/en", "to": "mid.ru/id/7/en"})
    archive = Archive(root)
    assert archive.keys_outside("mid.ru", "id") == ["mid.ru/foreign_policy.news/7/en"]
    assert archive.move_document("mid.ru/foreign_policy.news/7/en", "mid.ru/id/7/en")
    assert (root / "mid.ru" / "id" / "7" / "en" / "001_0123456789abcdef.txt").read_text() == "x\n"
    assert not (root / "mid.ru" / "foreign_policy.news").exists()
    assert archive.keys_outside("mid.ru", "id") == []
    assert archive.moved_to("mid.ru/foreign_policy.news/7/en") == "mid.ru/id/7/en"


def test_reextract_of_an_old_layout_archive_carries_it_over_first(mid_pressroom: Pressroom, mid_sims: Sims) -> None:
    root = mid_pressroom.archive
    with pytest.MonkeyPatch.context() as patch:
        _old_layout(patch)
        mid_pressroom("crawl", "mid.ru")
    before = {k.replace("/foreign_policy.news/", "/id/"): v for k, v in versions(root).items()}
    result = mid_pressroom("reextract", "mid.ru")
    assert versions(root) == before, "moved, and nothing re-extracted as a new version or a new document"
    assert "reextracted" not in mid_pressroom("history", "mid.ru/foreign_policy.news/1899422/en").stdout
    assert "failed" not in result.stderr
