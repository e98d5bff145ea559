"""Raw captures in WARC files, and re-extraction from them."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from tests.conftest import Pressroom
from tests.sim_mofa import MofaSim
from tests.simserver import SimServer

KEY = "mofa.go.kr/m_5676/320033"


def records(archive: Path) -> list[tuple[str, str, str | None, str | None]]:
    out = []
    for path in sorted((archive / "raw" / "mofa.go.kr").glob("*.warc.gz")):
        with path.open("rb") as handle:
            for record in ArchiveIterator(handle):
                headers = record.rec_headers
                out.append(
                    (
                        record.rec_type,
                        headers.get_header("WARC-Target-URI") or "",
                        headers.get_header("WARC-Record-ID"),
                        headers.get_header("WARC-Refers-To"),
                    )
                )
    return out


def test_captures_are_kept_as_warc(pressroom: Pressroom, mofa_sim: tuple[MofaSim, SimServer]) -> None:
    pressroom("crawl", "mofa")
    first = records(pressroom.archive)
    responses = [r for r in first if r[0] == "response" and "view.do?seq=" in r[1]]
    assert len(responses) == 12 and len([r for r in first if r[0] == "request"]) == 15, "and robots.txt, 2 list pages"
    mofa_sim[0].edit(320000, title="Edited")  # news: the next run writes a file, with its revisits
    pressroom("crawl", "mofa")
    revisits = [r for r in records(pressroom.archive) if r[0] == "revisit"]
    assert len(revisits) == 11
    unedited = {r[2] for r in responses if not r[1].endswith("seq=320000")}
    assert {r[3] for r in revisits} == unedited, "each revisit points at its version's capture"
    with sorted((pressroom.archive / "raw" / "mofa.go.kr").glob("*.warc.gz"))[0].open("rb") as handle:
        record = next(
            r
            for r in ArchiveIterator(handle)
            if r.rec_type == "response" and "view.do" in r.rec_headers["WARC-Target-URI"]
        )
        body = record.content_stream().read().decode("utf-8")
    assert "board_detail" in body and "<html" in body


def test_reextract_changes_nothing_when_the_parser_agrees(
    pressroom: Pressroom, mofa_sim: tuple[MofaSim, SimServer]
) -> None:
    pressroom("crawl", "mofa")
    before = {p: p.read_bytes() for p in pressroom.archive.rglob("*.txt")}
    result = pressroom("reextract", "mofa")
    assert "12 unchanged" in result.stderr
    assert {p: p.read_bytes() for p in pressroom.archive.rglob("*.txt")} == before


def test_reextract_records_a_better_parser_as_such(
    pressroom: Pressroom, mofa_sim: tuple[MofaSim, SimServer], monkeypatch: pytest.MonkeyPatch
) -> None:
    sim, server = mofa_sim
    pressroom("crawl", "mofa")
    requests = len(server.log)
    from crawler import sites

    site = sites.SITES["mofa.go.kr"]

    def improved(html: str, url: str):  # type: ignore[no-untyped-def]
        release = site.parse_release(html, url)
        return dataclasses.replace(release, body=(*release.body, "(a paragraph the old parser missed)"))

    monkeypatch.setitem(sites.SITES, "mofa.go.kr", dataclasses.replace(site, parse_release=improved))
    result = pressroom("reextract", "mofa")
    assert "12 reextracted" in result.stderr
    assert len(server.log) == requests, "offline: nothing fetched"
    second = next((pressroom.archive / KEY).glob("002_*.txt")).read_text(encoding="utf-8")
    assert "\nOrigin: re-extraction of the capture of 20" in second
    assert second.endswith("\n(a paragraph the old parser missed)\n")
    history = pressroom("history", KEY).stdout
    assert "reextracted v2  was v1" in history
    assert pressroom("changes").stdout == "", "a re-extraction is not a ministry edit"


def test_reextract_and_extract_decode_legacy_charsets_as_the_crawl_does(
    pressroom: Pressroom, mofa_sim: tuple[MofaSim, SimServer], tmp_path: Path
) -> None:
    """A page in EUC-KR (CP949) with no charset anywhere and few Korean letters: statistical detection
    takes it for cp1252; the crawl tries the site's legacy charset first, and so must the offline paths."""
    from tests.simserver import Reply
    from tests.sitegen.mofa import view_page

    sim, _ = mofa_sim
    rel = sim.releases[("m_5676", 320033)]
    sim.edit(320033, body=[*rel.body, "Issued in 서울."])
    page = view_page(sim.releases[("m_5676", 320033)]).replace("; charset=utf-8", "").encode("cp949", "replace")
    sim.fail_next("/eng/brd/m_5676/view.do?seq=320033", Reply(200, page, {"Content-Type": "text/html"}))
    pressroom("crawl", "mofa")
    assert "Issued in 서울." in pressroom("show", KEY).stdout, "the crawl decodes it as CP949"
    result = pressroom("reextract", "mofa")
    assert "12 unchanged" in result.stderr
    saved = tmp_path / "page.html"
    saved.write_bytes(page)
    url = "https://www.mofa.go.kr/eng/brd/m_5676/view.do?seq=320033"
    out = pressroom("extract", "mofa", str(saved), "--url", url).stdout
    assert out.endswith("\nIssued in 서울.\n")


def test_the_scan_for_reindex_finds_every_record_and_stops_at_a_cut_one(
    pressroom: Pressroom, mofa_sim: tuple[MofaSim, SimServer]
) -> None:
    from archive.warcscan import read_response, scan_captures

    pressroom("crawl", "mofa")
    mofa_sim[0].edit(320000, title="Edited")
    pressroom("crawl", "mofa")
    rows = list(scan_captures(pressroom.archive))
    expected = [
        (kind, rid)
        for kind, url, rid, _ in records(pressroom.archive)
        if kind in ("response", "revisit") and "view.do" in url  # robots.txt and list pages are no release's
    ]
    assert [(r.kind, r.record_id) for r in rows] == expected
    assert {r.key for r in rows} == {f"mofa.go.kr/m_5676/{320000 + 3 * i}" for i in range(12)}
    assert {r.version for r in rows} == {1, 2}
    for row in rows:
        if row.kind == "response":
            assert read_response(pressroom.archive, row.warc, row.offset).url == row.url
    last = pressroom.archive / rows[-1].warc
    with last.open("r+b") as handle:
        handle.truncate(rows[-1].offset + rows[-1].length // 2)  # a kill in the middle of the last record
    assert list(scan_captures(pressroom.archive)) == rows[:-1]
