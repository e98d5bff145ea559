"""import-history end to end, through the CLI, against a web archive and the live site on 127.0.0.1: the versions
and their dates, a second import, an import after a crawl and a crawl after an import, reindex."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from archive.recorder import Archive
from tests.conftest import FAST_CONFIG, Pressroom
from tests.sim_mofa import MofaSim, make_releases, view_page
from tests.simserver import SimServer
from tests.sitegen.mofa import MofaRelease
from tests.test_import_history_resume import Tiny

REL = make_releases(1, start_seq=321874, start_year=2019, years=1)[0]
URL = f"https://www.mofa.go.kr/www/brd/m_5676/view.do?seq={REL.seq}"
KEY = f"mofa.go.kr/m_5676/{REL.seq}"
EDITED = replace(REL, title=REL.title + " (corrected)")
LATER = replace(EDITED, body=[*EDITED.body[:-1], "3. A third point added in 2020."])


class World:
    """The web archive and the live site of one test, and the CLI run against them."""

    def __init__(self, tmp_path: Path, live: list[MofaRelease], config: str = FAST_CONFIG) -> None:
        self.wayback = Tiny({})
        self.site = MofaSim(live)
        path = tmp_path / "pressroom.toml"
        path.write_text(config, encoding="utf-8")
        self.servers = (SimServer(self.wayback), SimServer(self.site))
        self.tmp_path, self.config = tmp_path, path

    def __enter__(self) -> World:
        wb, site = (s.__enter__() for s in self.servers)
        self.base = wb.base_url
        self.run = Pressroom(self.tmp_path / "a", self.config, {"wayback": wb.base_url, "mofa": site.base_url})
        return self

    def __exit__(self, *exc: object) -> None:
        for server in self.servers:
            server.__exit__(*exc)

    def capture(self, ts: str, release: MofaRelease, url: str = URL) -> None:
        self.wayback.captures.setdefault(url, []).append((ts, 200, view_page(release)))

    def captures_fetched(self) -> int:
        return len([r for r in self.wayback.requests if r.startswith("/web/")])

    def live_visits(self) -> int:
        return len([r for r in self.servers[1].server.log if "view.do" in r.target])

    def archive(self) -> Archive:
        return Archive(self.tmp_path / "a")


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    with World(tmp_path, live=[]) as w:
        yield w


def headers(path: Path) -> dict[str, str]:
    head = path.read_text(encoding="utf-8").split("\n\n", 1)[0]
    return dict(line.split(": ", 1) for line in head.splitlines())


def test_each_text_is_a_version_dated_by_its_capture_and_diff_shows_the_edit(world: World) -> None:
    world.capture("20190312094512", REL)
    world.capture("20190501000000", EDITED)
    world.capture("20190601000000", EDITED, url=URL.replace("https://www.", "http://"))  # the same text again
    world.capture("20200115083000", LATER)
    result = world.run("import-history", "mofa", ok=None)
    assert result.exit_code == 0, result.stderr
    assert "3 versions added" in result.stderr and "2 events between captures" in result.stderr
    files = sorted((world.tmp_path / "a" / KEY).glob("*.txt"))
    assert [f.name[:3] for f in files] == ["001", "002", "003"]
    dated = [(headers(f)["Captured"], headers(f)["Origin"]) for f in files]
    assert dated == [
        ("2019-03-12T09:45:12Z", f"{world.base}/web/20190312094512id_/{URL}"),
        ("2019-05-01T00:00:00Z", f"{world.base}/web/20190501000000id_/{URL}"),
        ("2020-01-15T08:30:00Z", f"{world.base}/web/20200115083000id_/{URL}"),
    ]
    diff = world.run("diff", KEY, "--from", "1", "--to", "2").stdout
    assert "(corrected)" in diff
    timeline = world.archive().timeline(KEY)
    assert [(s.version, s.source) for s in timeline] == [(1, "capture"), (2, "capture"), (3, "capture")]
    assert "live check of mofa.go.kr: 1 withdrawn" in result.stderr  # the live site no longer has it


def test_importing_twice_writes_nothing_new_and_fetches_no_capture_again(world: World) -> None:
    world.capture("20190312094512", REL)
    world.capture("20190501000000", EDITED)
    world.run("import-history", "mofa", ok=None)
    before = {p: p.read_bytes() for p in (world.tmp_path / "a").rglob("*.txt")}
    fetched, live = world.captures_fetched(), world.live_visits()

    again = world.run("import-history", "mofa", ok=None)
    assert again.exit_code == 0, again.stderr
    assert "0 versions added, 0 sightings, 0 events" in again.stderr
    assert world.captures_fetched() == fetched, "captures already recorded are not fetched again"
    assert world.live_visits() == live, "a document known only from the web archive is visited live once"
    assert {p: p.read_bytes() for p in (world.tmp_path / "a").rglob("*.txt")} == before
    second = sorted((world.tmp_path / "a" / "log").glob("*.jsonl"))[-1]
    kinds = [json.loads(line).get("kind") for line in second.read_text(encoding="utf-8").splitlines()]
    assert not [k for k in kinds if k and (k == "captured" or k.startswith("capture_"))], kinds


def test_an_import_after_a_crawl_interleaves_by_when_each_text_was_seen(tmp_path: Path) -> None:
    with World(tmp_path, live=[LATER]) as world:
        world.run("crawl", "mofa")  # the live text today: v1
        world.capture("20190312094512", REL)
        world.capture("20190501000000", EDITED)
        world.capture("20200115083000", LATER)  # the text live today, captured in 2020
        result = world.run("import-history", "mofa", ok=None)
        assert result.exit_code == 0, result.stderr
        archive = world.archive()
        seen = archive.seen_versions(KEY)
        # entry order: the live text first (v1), then the two older texts (v2, v3); seen order: v2, v3, v1
        assert [v.number for v in seen] == [2, 3, 1]
        assert seen[-1].sources == {"live", "capture"}, "one version, seen in a capture and live"
        assert archive.document(KEY).current_version == 1  # type: ignore[union-attr]
        assert "live check" not in result.stderr, "a document seen live is not visited again"


def test_a_crawl_after_an_import_finds_the_captured_text_live(tmp_path: Path) -> None:
    with World(tmp_path, live=[EDITED]) as world:
        world.capture("20190312094512", REL)
        world.capture("20190501000000", EDITED)
        world.run("import-history", "mofa", ok=None)
        archive = world.archive()
        assert archive.web_archive_only("mofa.go.kr") == [], "its live visit found it"
        crawl = world.run("crawl", "mofa")
        assert "new" not in crawl.stderr.split("mofa.go.kr: ", 1)[-1]
        versions = sorted(p.name[:3] for p in (world.tmp_path / "a" / KEY).glob("*.txt"))
        assert versions == ["001", "002"], "the live text is the capture's version 2, not a new one"
        assert archive.seen_versions(KEY)[-1].sources == {"live", "capture"}


def test_reindex_rebuilds_what_the_import_recorded(world: World) -> None:
    world.capture("20190312094512", REL)
    world.capture("20190501000000", EDITED)
    world.capture("20200115083000", REL)  # back to the first text: a revert between captures
    world.run("import-history", "mofa", ok=None)
    before = [world.run(*cmd).stdout for cmd in (("history", KEY, "--json"), ("changes", "--json"), ("status",))]
    timeline = world.archive().timeline(KEY)
    (world.tmp_path / "a" / "catalog.sqlite").unlink()
    world.run("reindex")
    after = [world.run(*cmd).stdout for cmd in (("history", KEY, "--json"), ("changes", "--json"), ("status",))]
    assert after == before
    assert world.archive().timeline(KEY) == timeline
    assert world.archive().web_archive_only("mofa.go.kr") == [KEY]


def test_a_429_storm_pauses_every_request_to_the_web_archive_and_the_import_goes_on(tmp_path: Path) -> None:
    config = FAST_CONFIG.replace("pause_after_429 = 0.05", "pause_after_429 = 0.3")
    with World(tmp_path, live=[], config=config) as world:
        for i in range(6):
            rel = replace(REL, seq=REL.seq + i)
            url = URL.replace(str(REL.seq), str(rel.seq))
            world.capture("20190312094512", rel, url=url)
            world.capture("20190501000000", replace(rel, title=rel.title + " (corrected)"), url=url)
        world.wayback.storm_after, world.wayback.storm = 3, 2  # two 429s in a row after the third capture
        result = world.run("import-history", "mofa", ok=None)
        assert result.exit_code == 0, result.stderr
        assert "12 versions added" in result.stderr
        times = world.wayback.times
        storms = [i for i, (_, _, status) in enumerate(times) if status == 429]
        assert len(storms) == 2
        for i in storms:  # after each 429, no request of either lane started during the pause
            assert times[i + 1][0] - times[i][0] >= 0.3, times[i : i + 2]
        assert result.stderr.count("answered 429") == 2, result.stderr


def test_the_captures_read_are_in_the_runs_warc_files_as_mementos(world: World) -> None:
    from warcio.archiveiterator import ArchiveIterator

    world.capture("20190312094512", REL)
    world.capture("20190501000000", EDITED)
    world.capture("20190601000000", REL)
    world.wayback.captures[URL][-1] = ("20190601000000", 200, "")  # an empty capture: skipped, kept as evidence
    world.run("import-history", "mofa", ok=None)
    archive = world.archive()
    marked = {}
    for path in (world.tmp_path / "a" / "raw").rglob("*.warc.gz"):
        with path.open("rb") as handle:
            for record in ArchiveIterator(handle):
                if record.rec_type == "response" and record.rec_headers.get_header("Pressroom-Memento-Of"):
                    uri = record.rec_headers.get_header("WARC-Target-URI")
                    marked[uri] = record.rec_headers.get_header("Pressroom-Memento-Of")
    mementos = {f"{world.base}/web/{ts}id_/{URL}" for ts in ("20190312094512", "20190501000000", "20190601000000")}
    assert set(marked) == mementos, marked
    assert set(marked.values()) == {URL}
    indexed = archive.catalog.db.execute("SELECT url, version FROM captures WHERE kind = 'memento'").fetchall()
    assert sorted(indexed) == sorted(
        [(f"{world.base}/web/20190312094512id_/{URL}", 1), (f"{world.base}/web/20190501000000id_/{URL}", 2)]
    )
    assert archive.latest_capture(KEY) is None, "no memento is taken for the live page"
