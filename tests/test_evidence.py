"""The evidence a run keeps in its WARC files beside the releases: the robots.txt and list pages it read, the
404/410 responses behind `missing` and `withdrawn`; no file for a run that brought nothing new; a file a kill -9
cut short still reads. Every test reads the files back with warcio."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive.warcscan import members, scan_captures
from tests.conftest import FAST_CONFIG, Pressroom
from tests.procs import assert_nothing_left, kill_run, stderr_lines, wait_line
from tests.sim_mofa import MofaSim, make_releases
from tests.simserver import SimServer

KEY = "mofa.go.kr/m_5676/320033"
ROOT = Path(__file__).parent.parent


@dataclass(frozen=True)
class Rec:
    """A WARC record as a test looks at it."""

    type: str
    path: str  # of the target URI, with its query
    status: int | None  # the HTTP status of a response or revisit
    evidence: str | None  # Pressroom-Evidence
    document: str | None  # Pressroom-Document


def read_warc(path: Path) -> list[Rec]:
    """Every record of one WARC file, read with warcio to its end."""
    out = []
    with path.open("rb") as handle:
        for record in ArchiveIterator(handle):
            uri = record.rec_headers.get_header("WARC-Target-URI") or ""
            http = record.http_headers
            status = int(http.get_statuscode()) if http is not None and record.rec_type != "request" else None
            out.append(
                Rec(
                    record.rec_type,
                    uri.split("://", 1)[-1].partition("/")[2],
                    status,
                    record.rec_headers.get_header("Pressroom-Evidence"),
                    record.rec_headers.get_header("Pressroom-Document"),
                )
            )
    return out


def warc_files(archive: Path) -> list[Path]:
    return sorted((archive / "raw").rglob("*.warc.gz"), key=lambda p: int(p.name.split("-run")[1].split(".")[0]))


def captures_in_catalog(archive: Path) -> list[tuple[object, ...]]:
    con = sqlite3.connect(archive / "catalog.sqlite")
    try:
        return con.execute("SELECT key, kind, version, warc, offset FROM captures ORDER BY id").fetchall()
    finally:
        con.close()


def test_a_crawl_keeps_robots_txt_and_the_list_pages_before_the_releases(
    pressroom: Pressroom, mofa_sim: tuple[MofaSim, SimServer]
) -> None:
    pressroom("crawl", "mofa")
    (path,) = warc_files(pressroom.archive)
    records = read_warc(path)
    responses = [r for r in records if r.type == "response"]
    assert [(r.path, r.status, r.evidence) for r in responses[:3]] == [
        ("robots.txt", 200, "robots.txt"),
        ("eng/brd/m_5676/list.do?page=1", 200, "list page"),
        ("eng/brd/m_5676/list.do?page=2", 200, "list page"),
    ]
    releases = responses[3:]
    assert len(releases) == 12 and all(r.evidence is None and r.document for r in releases)
    assert [r.type for r in records].count("request") == 15, "each response with the request that asked for it"
    indexed = captures_in_catalog(pressroom.archive)
    assert len(indexed) == 12 and all(key for key, *_ in indexed), "the catalog indexes the releases' captures only"
    assert [(r.key, r.kind) for r in scan_captures(pressroom.archive)] == [(k, kind) for k, kind, *_ in indexed]
    assert "12 unchanged" in pressroom("reextract", "mofa").stderr, "re-extraction reads the releases, not the rest"


def test_a_robots_txt_that_is_not_there_is_kept_with_its_404(tmp_path: Path) -> None:
    config = tmp_path / "pressroom.toml"
    config.write_text(FAST_CONFIG, encoding="utf-8")
    with SimServer(MofaSim(make_releases(3), robots=None)) as server:
        Pressroom(tmp_path / "archive", config, {"mofa": server.base_url})("crawl", "mofa")
    (path,) = warc_files(tmp_path / "archive")
    first = next(r for r in read_warc(path) if r.type == "response")
    assert (first.path, first.status, first.evidence) == ("robots.txt", 404, "robots.txt")


def test_the_404s_behind_missing_and_withdrawn_are_kept_and_nothing_new_makes_no_file(
    pressroom: Pressroom, mofa_sim: tuple[MofaSim, SimServer]
) -> None:
    sim, _ = mofa_sim
    pressroom("crawl", "mofa")
    sim.remove(320033)
    gone = []
    for kind in ("missing", "withdrawn"):
        result = pressroom("crawl", "mofa", "--revisit-all")
        assert f"1 {kind}" in result.stderr
        records = read_warc(warc_files(pressroom.archive)[-1])
        (evidence,) = [r for r in records if r.type == "response" and r.status == 404]
        assert (evidence.path, evidence.evidence, evidence.document) == (
            "eng/brd/m_5676/view.do?seq=320033",
            kind,
            KEY,
        )
        assert sum(1 for r in records if r.type == "revisit") == 11, "the run's revisits are kept with its news"
        gone.append(evidence)
    files = warc_files(pressroom.archive)
    before = captures_in_catalog(pressroom.archive)
    result = pressroom("crawl", "mofa", "--revisit-all")  # still gone: no news, 11 unchanged
    assert "mofa.go.kr: 11 unchanged" in result.stderr
    assert warc_files(pressroom.archive) == files, "a run that brought nothing new writes no WARC file"
    assert captures_in_catalog(pressroom.archive) == before
    (pressroom.archive / "catalog.sqlite").unlink()
    pressroom("reindex")
    assert captures_in_catalog(pressroom.archive) == before, "reindex reads back what the run indexed, no 404"
    assert "12 unchanged" in pressroom("reextract", "mofa").stderr, "the withdrawn one from its last page, not its 404"


def test_a_crawl_that_changes_nothing_leaves_no_new_file(
    pressroom: Pressroom, mofa_sim: tuple[MofaSim, SimServer]
) -> None:
    pressroom("crawl", "mofa")
    files = {p: p.read_bytes() for p in (pressroom.archive / "raw").rglob("*.warc.gz")}
    result = pressroom("crawl", "mofa")
    assert "mofa.go.kr: 12 unchanged" in result.stderr
    assert pressroom("add", "https://www.mofa.go.kr/eng/brd/m_5676/view.do?seq=320033").exit_code == 0
    assert {p: p.read_bytes() for p in (pressroom.archive / "raw").rglob("*.warc.gz")} == files


def test_a_kill_9_mid_run_leaves_a_warc_that_reads(tmp_path: Path) -> None:
    config = tmp_path / "pressroom.toml"
    config.write_text(FAST_CONFIG, encoding="utf-8")
    sim = MofaSim(make_releases(30, start_year=2024, years=1))
    sim.delay = 0.05  # slow enough that the kill lands with releases still to come
    archive = tmp_path / "archive"
    with SimServer(sim) as server:
        argv = ["--archive", str(archive), "--config", str(config), "--base-url", f"mofa={server.base_url}"]
        proc = subprocess.Popen(
            [sys.executable, "-m", "crawler", *argv, "crawl", "mofa"], cwd=ROOT, stderr=subprocess.PIPE, text=True
        )
        lines, _ = stderr_lines(proc.stderr)
        wait_line(lines, "new mofa.go.kr/", 3, [])
        started = kill_run(proc)
    assert_nothing_left(started)
    (path,) = warc_files(archive)
    whole = whole_until_cut(path)
    records = []
    with path.open("rb") as handle:
        for offset in whole:
            handle.seek(offset)
            record = next(iter(ArchiveIterator(handle)))
            records.append((record.rec_type, record.rec_headers.get_header("Pressroom-Evidence")))
    # Through the fetch process (a real CLI process): robots.txt and the list pages cross from it too.
    assert records[:5] == [("warcinfo", None), ("request", None), ("response", "robots.txt"), ("request", None)] + [
        ("response", "list page")
    ]
    assert sum(1 for kind, evidence in records if kind == "response" and evidence is None) >= 3
    assert len(list(scan_captures(archive))) >= 3, "the releases archived before the kill have their captures"


def whole_until_cut(path: Path) -> list[int]:
    """The offsets of a WARC file's whole records, up to one the kill cut short if it did."""
    offsets = []
    with path.open("rb") as handle:
        try:
            for offset, _, _ in members(handle):
                offsets.append(offset)
        except EOFError:
            pass
    return offsets


def test_records_wait_for_news_in_order_and_up_to_a_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The writer itself: a run of revisits and evidence alone leaves no file; news writes what waited first, in
    the order it came, and tells each revisit where it went; past the limit the file is opened without news."""
    from archive import raw
    from archive.raw import RawWriter, Response

    def page(path: str, status: int = 200) -> Response:
        return Response(f"https://example.org/{path}", status, (), b"x" * 100, datetime(2026, 1, 1, tzinfo=UTC))

    quiet = RawWriter(tmp_path, 1, datetime(2026, 1, 1, tzinfo=UTC))
    quiet.evidence("s", page("robots.txt"), "robots.txt", news=False)
    quiet.revisit("s", page("a", 304), None, "s/c/1", 1, lambda ref: pytest.fail("never written"))
    quiet.close()
    assert not (tmp_path / "raw").exists(), "nothing new: no file, no folder"

    told: list[raw.RawRef] = []
    busy = RawWriter(tmp_path, 2, datetime(2026, 1, 1, tzinfo=UTC))
    busy.evidence("s", page("robots.txt"), "robots.txt", news=False)
    busy.revisit("s", page("a", 304), None, "s/c/1", 1, told.append)
    assert not (tmp_path / "raw").exists()
    busy.evidence("s", page("b", 404), "missing", key="s/c/2", news=True)
    busy.revisit("s", page("c", 304), None, "s/c/3", 1, told.append)
    busy.close()
    (path,) = warc_files(tmp_path)
    assert [(r.type, r.path, r.evidence) for r in read_warc(path)] == [
        ("warcinfo", "", None),
        ("request", "robots.txt", None),
        ("response", "robots.txt", "robots.txt"),
        ("revisit", "a", None),
        ("request", "b", None),
        ("response", "b", "missing"),
        ("revisit", "c", None),
    ]
    with path.open("rb") as handle:
        for ref, expected in zip(told, ("a", "c"), strict=True):
            handle.seek(ref.offset)
            record = next(iter(ArchiveIterator(handle)))
            assert record.rec_headers.get_header("WARC-Target-URI").endswith(expected)
            assert (tmp_path / ref.path) == path

    monkeypatch.setattr(raw, "SPOOL_LIMIT", 1000)
    long = RawWriter(tmp_path, 3, datetime(2026, 1, 1, tzinfo=UTC))
    for n in range(8):  # list pages of a long backfill: past the limit, written without waiting for news
        long.evidence("s", page(f"list{n}"), "list page", news=False)
    long.close()
    pages = [r.path for r in read_warc(warc_files(tmp_path)[-1]) if r.type == "response"]
    assert pages == [f"list{n}" for n in range(8)]
