"""End to end: the CLI against the mofa.go.kr simulator on 127.0.0.1."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
from pathlib import Path

from tests.conftest import Pressroom
from tests.sim_mofa import MofaSim
from tests.simserver import SimServer

KEY = "mofa.go.kr/m_5676/320033"  # the newest of the sample releases (12th, seq 320000 + 11 * 3)


def version_files(archive: Path) -> list[Path]:
    return sorted(archive.glob("mofa.go.kr/*/*/*.txt"))


def test_crawl_archives_every_listed_release(pressroom: Pressroom, mofa_sim: tuple[MofaSim, SimServer]) -> None:
    result = pressroom("crawl", "mofa")
    files = version_files(pressroom.archive)
    assert len(files) == 12
    assert all(f.name.startswith("001_") for f in files)
    assert "12 new" in result.stderr
    text = (pressroom.archive / KEY).glob("001_*.txt").__next__().read_text(encoding="utf-8")
    assert text.startswith("Title: Outcome of Consultation No. 12 on Bilateral Cooperation\n")
    assert "URL: https://www.mofa.go.kr/eng/brd/m_5676/view.do?seq=320033\n" in text
    for boilerplate in ("바로가기", "검색창 열기", "KOR", "hit", "Copyright", "Previous"):
        assert boilerplate not in text


def test_cookie_gate_is_passed(pressroom: Pressroom, mofa_sim: tuple[MofaSim, SimServer]) -> None:
    sim, server = mofa_sim
    pressroom("crawl", "mofa")
    gated = [r for r in server.log if r.cookie("TMOSHCooKie") is None and r.path != "/robots.txt"]
    assert len(gated) == 1, "only the very first request should meet the gate; the cookie jar keeps it"


def test_unchanged_recrawl_writes_nothing_though_hits_changed(
    pressroom: Pressroom, mofa_sim: tuple[MofaSim, SimServer]
) -> None:
    sim, _ = mofa_sim
    pressroom("crawl", "mofa")
    before = {f: f.read_bytes() for f in version_files(pressroom.archive)}
    views = sum(sim.views.values())
    result = pressroom("crawl", "mofa")
    assert sum(sim.views.values()) == 2 * views, "every release was fetched again, with a new hit count"
    assert {f: f.read_bytes() for f in version_files(pressroom.archive)} == before
    assert "12 unchanged" in result.stderr


def test_edit_makes_a_new_version_and_diff_shows_exactly_it(
    pressroom: Pressroom, mofa_sim: tuple[MofaSim, SimServer]
) -> None:
    sim, _ = mofa_sim
    pressroom("crawl", "mofa")
    pressroom("crawl", "mofa")
    rel = sim.releases[("m_5676", 320033)]
    old_line = rel.body[2]
    new_body = list(rel.body)
    new_body[2] = "2. They agreed to meet again in Seoul in 2027."
    sim.edit(320033, body=new_body)
    result = pressroom("crawl", "mofa")
    assert "1 changed" in result.stderr and "11 unchanged" in result.stderr
    assert [f.name[:3] for f in sorted((pressroom.archive / KEY).glob("*.txt"))] == ["001", "002"]
    diff = pressroom("diff", KEY).stdout
    assert [line.split("\t")[0] for line in diff.splitlines()[:2]] == [f"--- {KEY} v1", f"+++ {KEY} v2"]
    changed = [line for line in diff.splitlines() if line[:1] in "+-" and not line.startswith(("---", "+++"))]
    assert changed == [f"-{old_line}", "+2. They agreed to meet again in Seoul in 2027."]
    by_url = pressroom("diff", "http://overseas.mofa.go.kr/www/brd/m_5676/view.do?seq=320033&amp;page=1").stdout
    assert by_url == diff


def test_title_edit_is_diffed_as_text(pressroom: Pressroom, mofa_sim: tuple[MofaSim, SimServer]) -> None:
    sim, _ = mofa_sim
    pressroom("crawl", "mofa")
    sim.edit(320033, title="Outcome of Consultation No. 12 (corrected)")
    pressroom("crawl", "mofa")
    diff = pressroom("diff", KEY, "--from", "1", "--to", "2").stdout
    assert "Metadata changes:" not in diff, "the title is text, and nothing else changed"
    changed = [line for line in diff.splitlines()[2:] if line[:1] in "+-@"]
    assert changed == [
        "@@ -1,4 +1,4 @@",
        "-Outcome of Consultation No. 12 on Bilateral Cooperation",
        "+Outcome of Consultation No. 12 (corrected)",
    ]


def test_history_show_and_observations(pressroom: Pressroom, mofa_sim: tuple[MofaSim, SimServer]) -> None:
    sim, _ = mofa_sim
    pressroom("crawl", "mofa")
    pressroom("crawl", "mofa")
    sim.edit(320033, body=["Replaced text."])
    pressroom("crawl", "mofa")
    out = pressroom("history", KEY).stdout
    kinds = [line.split()[1] for line in out.splitlines() if line.startswith("  20")]
    assert kinds == ["new", "unchanged", "changed"]
    assert "* v2" in out and "  v1" in out
    shown = pressroom("show", KEY, "--version", "1").stdout
    assert shown == next((pressroom.archive / KEY).glob("001_*.txt")).read_text(encoding="utf-8")
    assert pressroom("show", KEY).stdout.endswith("\nReplaced text.\n")


def test_export_jsonl_and_csv(pressroom: Pressroom, mofa_sim: tuple[MofaSim, SimServer]) -> None:
    sim, _ = mofa_sim
    pressroom("crawl", "mofa")
    sim.edit(320033, body=["Replaced text."])
    pressroom("crawl", "mofa")
    rows = [json.loads(line) for line in pressroom("export").stdout.splitlines()]
    assert len(rows) == 12
    row = next(r for r in rows if r["key"] == KEY)
    for field in (
        "key",
        "site",
        "collection",
        "id",
        "language",
        "url",
        "title",
        "published",
        "version",
        "sha256",
        "captured",
        "body",
    ):
        assert field in row
    assert (row["version"], row["body"], row["language"], row["id"]) == (2, "Replaced text.", "en", "320033")
    assert row["published"] == sim.releases[("m_5676", 320033)].date
    every = pressroom("export", "--all-versions").stdout.splitlines()
    assert len(every) == 13
    csv_text = pressroom("export", "--format", "csv").stdout
    assert csv_text.splitlines()[0].startswith("key,site,collection,collection_name,id,language,url,title")
    table = list(csv.DictReader(io.StringIO(csv_text)))
    assert len(table) == 12
    assert next(r for r in table if r["key"] == KEY)["body"] == "Replaced text."
    assert any("\n\n" in r["body"] for r in table), "paragraphs stay apart inside a CSV cell"


def test_reindex_rebuilds_the_same_catalog(pressroom: Pressroom, mofa_sim: tuple[MofaSim, SimServer]) -> None:
    sim, _ = mofa_sim
    pressroom("crawl", "mofa")
    sim.edit(320030, body=["Edited once."])
    pressroom("crawl", "mofa")
    db = pressroom.archive / "catalog.sqlite"

    def tables() -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
        con = sqlite3.connect(db)
        try:
            docs = con.execute("SELECT * FROM documents ORDER BY key").fetchall()
            versions = con.execute("SELECT * FROM versions ORDER BY key, number").fetchall()
        finally:
            con.close()
        return docs, versions

    crawled = tables()
    pressroom("reindex")
    assert tables() == crawled
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    pressroom("reindex")
    docs, versions = tables()
    assert versions == crawled[1]
    content = [row[:11] for row in docs]  # everything the files can tell (not visits or validators)
    assert content == [row[:11] for row in crawled[0]]


def test_failures_are_reported_and_the_run_goes_on(pressroom: Pressroom, mofa_sim: tuple[MofaSim, SimServer]) -> None:
    from tests.simserver import Reply

    sim, _ = mofa_sim
    pressroom("crawl", "mofa")
    before = {f: f.read_bytes() for f in version_files(pressroom.archive)}
    sim.fail_next("/eng/brd/m_5676/view.do?seq=320033", *[Reply(500, "<h1>Internal error</h1>")] * 3)
    sim.fail_next(
        "/eng/brd/m_5676/view.do?seq=320030",
        Reply(200, "<html><body><p>Service temporarily unavailable</p></body></html>"),
    )
    result = pressroom("crawl", "mofa", ok=False)
    assert result.exit_code == 1
    assert (
        "failed http://127.0.0.1" in result.stderr and "view.do?seq=320033: HTTP 500 (after 3 tries)" in result.stderr
    )
    assert "seq=320030: no article" in result.stderr
    assert "10 unchanged, 2 failed" in result.stderr
    assert {f: f.read_bytes() for f in version_files(pressroom.archive)} == before


def test_transient_503_is_retried(pressroom: Pressroom, mofa_sim: tuple[MofaSim, SimServer]) -> None:
    from tests.simserver import Reply

    sim, _ = mofa_sim
    sim.fail_next(
        "/eng/brd/m_5676/view.do?seq=320033", Reply(503, "busy", {"Retry-After": "0"}), Reply(0, action="reset")
    )
    result = pressroom("-v", "crawl", "mofa")
    assert "12 new" in result.stderr
    view = "/eng/brd/m_5676/view.do?seq=320033"
    assert f"{view}: HTTP 503; trying again (try 2 of 3)" in result.stderr, "-v says why a request takes long"
    assert re.search(rf"{re.escape(view)}: connection broken: .*; trying again \(try 3 of 3\)", result.stderr)


def test_user_errors_are_one_line(pressroom: Pressroom, mofa_sim: tuple[MofaSim, SimServer]) -> None:
    result = pressroom("show", "mofa.go.kr/m_5676/1", ok=False)
    assert "no archive at" in result.stderr
    pressroom("crawl", "mofa")
    result = pressroom("show", "mofa.go.kr/m_5676/1", ok=False)
    assert result.stderr.strip() == f"Error: no document mofa.go.kr/m_5676/1 in the archive at {pressroom.archive}"
    result = pressroom("show", "../../etc/passwd", ok=False)
    assert "invalid document key" in result.stderr
    result = pressroom("crawl", "nosuchsite", ok=False)
    assert "unknown site 'nosuchsite'" in result.stderr
    path = next((pressroom.archive / KEY).glob("001_*.txt"))
    path.write_text(path.read_text(encoding="utf-8").replace("Consultation", "Consultations"), encoding="utf-8")
    result = pressroom("show", KEY, ok=False)
    assert "content does not match the hash in its name" in result.stderr
    assert "Traceback" not in result.output


def test_unwritable_archive(tmp_path: Path, config_file: Path, mofa_sim: tuple[MofaSim, SimServer]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    run = Pressroom(blocker / "archive", config_file, {"mofa": mofa_sim[1].base_url})
    result = run("crawl", "mofa", ok=False)
    assert result.stderr.startswith("Error: cannot create the archive at")


def test_extract_prints_the_version_file(tmp_path: Path, config_file: Path) -> None:
    fixtures = Path(__file__).parent / "fixtures" / "mofa.go.kr"
    run = Pressroom(tmp_path / "unused", config_file, {})
    url = "https://www.mofa.go.kr/eng/brd/m_5676/view.do?seq=321874"
    page = str(fixtures / "seed004_se_2021.html")
    out = run("extract", "mofa", page, "--url", url, "--captured", "2026-01-01T00:00:00Z").stdout
    assert out == (fixtures / "seed004_se_2021.txt").read_text(encoding="utf-8")
    assert not (tmp_path / "unused").exists(), "extract is offline and writes nothing"
    result = run("extract", "mofa", page, ok=False)
    assert "no URL given and no canonical link" in result.stderr
    result = run("extract", "mofa", str(fixtures / "error_page.html"), "--url", url, ok=False)
    assert result.stderr.strip().startswith(f"Error: {url}: no article: no template of the engine matched (tried ")
    assert "div.board_detail" in result.stderr and "td.detail_body" in result.stderr and "View|" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
