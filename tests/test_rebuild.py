"""The catalog is a cache of the files: lose it, `reindex`, and every reading command says the same again."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.conftest import Pressroom
from tests.sim_mofa import MofaSim
from tests.simserver import SimServer

EDITED = "mofa.go.kr/m_5676/320033"
WITHDRAWN = "mofa.go.kr/m_5676/320030"


def crawl_a_history(pressroom: Pressroom, sim: MofaSim) -> None:
    """Runs with an edit, a revert, a withdrawal (and a later 404), and a failure."""
    from tests.simserver import Reply

    pressroom("crawl", "mofa")
    original = sim.releases[("m_5676", 320033)].body
    sim.edit(320033, body=["A corrected text."])
    pressroom("crawl", "mofa")
    sim.edit(320033, body=original)
    sim.remove(320030)
    pressroom("crawl", "mofa", "--revisit-all")
    sim.fail_next("/eng/brd/m_5676/view.do?seq=320027", *[Reply(503, "busy")] * 3)
    pressroom("crawl", "mofa", "--revisit-all", ok=False)
    pressroom("crawl", "mofa", "--revisit-all")


def outputs(pressroom: Pressroom) -> dict[str, str]:
    """What a reader sees, command by command."""
    seen = {}
    for args in (
        ("changes",),
        ("runs",),
        ("status",),
        ("history", EDITED),
        ("history", WITHDRAWN),
        ("diff", EDITED),
        ("export",),
        ("export", "--all-versions", "--format", "csv"),
        ("feed",),
        ("search", "Consultation"),
    ):
        seen[" ".join(args)] = pressroom(*args).stdout
    return seen


def tables(archive: Path) -> dict[str, list[tuple[object, ...]]]:
    con = sqlite3.connect(archive / "catalog.sqlite")
    try:
        return {
            "documents": con.execute("SELECT * FROM documents ORDER BY key").fetchall(),
            "versions": con.execute("SELECT * FROM versions ORDER BY key, number").fetchall(),
            "observations": con.execute("SELECT * FROM observations ORDER BY id").fetchall(),
            "runs": con.execute("SELECT * FROM runs ORDER BY id").fetchall(),
            "captures": con.execute("SELECT * FROM captures ORDER BY id").fetchall(),
        }
    finally:
        con.close()


def lose_the_catalog(archive: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{archive / 'catalog.sqlite'}{suffix}").unlink(missing_ok=True)


def test_a_lost_catalog_is_rebuilt_whole(pressroom: Pressroom, mofa_sim: tuple[MofaSim, SimServer]) -> None:
    sim, _ = mofa_sim
    crawl_a_history(pressroom, sim)
    before, rows = outputs(pressroom), tables(pressroom.archive)
    assert "withdrawn" in before["changes"] and "reverted" in before["changes"]
    assert "gone" in before["history " + WITHDRAWN]
    assert len(before["runs"].splitlines()) == 1 + 5 and "partial" in before["runs"]  # a header and 5 runs
    lose_the_catalog(pressroom.archive)
    result = pressroom("status", ok=False)
    assert result.stderr == (
        f"Error: the archive at {pressroom.archive} has no catalog (catalog.sqlite is missing): "
        "`pressroom reindex` rebuilds it from the files\n"
    )
    assert not (pressroom.archive / "catalog.sqlite").exists(), "no empty catalog made in its place"
    result = pressroom("reindex")
    assert "12 documents, 13 versions indexed" in result.stderr
    assert outputs(pressroom) == before
    assert tables(pressroom.archive) == rows, "the same rows, ids included (feed entry ids stay stable)"
    result = pressroom("reextract", "mofa")
    assert result.stderr == "12 unchanged\n", "every document's capture is found again"
    assert pressroom("runs", "--limit", "1").stdout.splitlines()[1].split()[0] == "6", (
        "a new run does not reuse a logged id"
    )


def test_reindex_keeps_a_catalog_that_is_there(pressroom: Pressroom, mofa_sim: tuple[MofaSim, SimServer]) -> None:
    sim, _ = mofa_sim
    crawl_a_history(pressroom, sim)
    rows = tables(pressroom.archive)
    pressroom("reindex")
    assert tables(pressroom.archive) == rows


def test_a_torn_last_log_line_is_ignored(pressroom: Pressroom, mofa_sim: tuple[MofaSim, SimServer]) -> None:
    sim, _ = mofa_sim
    pressroom("crawl", "mofa")
    sim.edit(320033, body=["A corrected text."])
    pressroom("crawl", "mofa")
    before = outputs(pressroom)
    logs = sorted((pressroom.archive / "log").glob("*-run2.jsonl"))
    assert len(logs) == 1
    with logs[0].open("a", encoding="utf-8") as log:
        log.write('{"at": "2026-01-01T00:00:00Z", "event": "observation", "key": "mofa.go.kr/m_56')  # killed here
    lose_the_catalog(pressroom.archive)
    result = pressroom("reindex")
    assert "torn last line" in result.stderr and "problem" not in result.stderr
    assert outputs(pressroom) == before


def test_an_archive_from_before_the_log_keeps_its_history(
    pressroom: Pressroom, mofa_sim: tuple[MofaSim, SimServer]
) -> None:
    """An archive whose runs were recorded only in its catalog: they are written to the log first, then kept."""
    import shutil

    sim, _ = mofa_sim
    crawl_a_history(pressroom, sim)
    rows = tables(pressroom.archive)
    shutil.rmtree(pressroom.archive / "log")
    pressroom("reindex")
    assert tables(pressroom.archive) == rows
    assert len(list((pressroom.archive / "log").glob("*-run*.jsonl"))) == 5
    lose_the_catalog(pressroom.archive)
    pressroom("reindex")
    assert tables(pressroom.archive) == rows, "and now the log alone tells it"


def test_a_re_extraction_is_rebuilt_as_such(
    pressroom: Pressroom, mofa_sim: tuple[MofaSim, SimServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A better parser's versions stay current, and stay out of `changes`, after the catalog is rebuilt."""
    import dataclasses

    from crawler import sites

    pressroom("crawl", "mofa")
    site = sites.SITES["mofa.go.kr"]

    def improved(html: str, url: str):  # type: ignore[no-untyped-def]
        release = site.parse_release(html, url)
        return dataclasses.replace(release, body=(*release.body, "(a paragraph the old parser missed)"))

    monkeypatch.setitem(sites.SITES, "mofa.go.kr", dataclasses.replace(site, parse_release=improved))
    pressroom("reextract", "mofa")
    before, rows = outputs(pressroom), tables(pressroom.archive)
    assert "reextracted v2" in before["history " + EDITED]
    lose_the_catalog(pressroom.archive)
    pressroom("reindex")
    after = outputs(pressroom)
    assert "<entry>" not in before.pop("feed") + after.pop("feed"), "no event: the feed says only when it was made"
    assert after == before
    assert tables(pressroom.archive) == rows


REBUILT = "rebuilt it from the files first, as `pressroom reindex` does (12 documents, 13 versions)"


def empty_catalog(archive: Path) -> None:
    """A catalog with the tables of today and no row in them (as a writer of before would leave it)."""
    from archive.catalog import Catalog

    Catalog(archive / "catalog.sqlite").close()


@pytest.mark.parametrize(
    ("damage", "said"),
    [
        (lambda archive: None, "was missing"),
        (lambda archive: (archive / "catalog.sqlite").write_bytes(b""), "held no document or run"),
        (empty_catalog, "held no document or run"),
    ],
    ids=["missing", "empty-file", "no-rows"],
)
def test_a_crawl_after_the_catalog_is_lost_rebuilds_it_first(
    pressroom: Pressroom, mofa_sim: tuple[MofaSim, SimServer], damage: object, said: str
) -> None:
    """A cron `crawl` heals a lost catalog once and reports the truth: nothing is new, and no log line says so."""
    sim, _ = mofa_sim
    pressroom("crawl", "mofa")
    sim.edit(320033, body=["A corrected text."])
    pressroom("crawl", "mofa")
    lose_the_catalog(pressroom.archive)
    damage(pressroom.archive)  # type: ignore[operator]
    result = pressroom("crawl", "mofa")
    assert "mofa.go.kr: 12 unchanged" in result.stderr and " new" not in result.stderr
    third = next((pressroom.archive / "log").glob("*-run3.jsonl")).read_text(encoding="utf-8")
    assert '"kind": "new"' not in third and third.count('"kind": "unchanged"') == 12
    notice = [line for line in result.stderr.splitlines() if "rebuilt it from the files" in line]
    assert notice == [f"{pressroom.archive / 'catalog.sqlite'} {said}: {REBUILT}"]
    history = pressroom("history", EDITED).stdout
    assert history.count("new") == 1 and "changed" in history
    again = pressroom("crawl", "mofa")
    assert "rebuilt it from the files" not in again.stderr, "a catalog that knows the archive is left alone"


def test_reindex_of_a_lost_catalog_rebuilds_it_once(pressroom: Pressroom, mofa_sim: tuple[MofaSim, SimServer]) -> None:
    pressroom("crawl", "mofa")
    lose_the_catalog(pressroom.archive)
    result = pressroom("reindex")
    assert result.stderr == "12 documents, 12 versions indexed\n"


def test_reextract_after_the_catalog_is_lost_rebuilds_it_first(
    pressroom: Pressroom, mofa_sim: tuple[MofaSim, SimServer]
) -> None:
    pressroom("crawl", "mofa")
    lose_the_catalog(pressroom.archive)
    result = pressroom("reextract", "mofa")
    assert result.stderr.splitlines()[-1] == "12 unchanged", "every capture found, nothing re-extracted as new"
    assert "was missing: rebuilt it from the files first" in result.stderr
