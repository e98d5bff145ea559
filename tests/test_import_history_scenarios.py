"""import-history against the web-archive simulator's scenarios (tests/wayback_scenarios.py) for mofa.go.kr, mid.ru
and archive.mid.ru: exactly the real versions, dated by their captures, the events between them, each skipped
capture counted by reason, nothing else archived; by site and by document."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from archive.recorder import Archive
from crawler.sites.cdx import url_key
from crawler.wording import clip
from tests.conftest import MID_CONFIG, Pressroom
from tests.sim_mid import MidSim, OldMidSim
from tests.sim_mofa import MofaSim
from tests.simserver import SimServer
from tests.wayback_expected import bounds
from tests.wayback_scenarios import Scenario, mid, mofa


@pytest.fixture(params=[mofa, mid], ids=["mofa", "mid"])
def scenario(request: pytest.FixtureRequest) -> Scenario:
    made: Scenario = request.param()
    return made


@pytest.fixture
def world(tmp_path: Path, scenario: Scenario) -> Iterator[tuple[Pressroom, SimServer]]:
    """The CLI against the scenario's web archive, and live sites that no longer have any of its documents."""
    config = tmp_path / "pressroom.toml"
    config.write_text(MID_CONFIG, encoding="utf-8")
    with (
        SimServer(scenario.sim()) as wb,
        SimServer(MofaSim([])) as mofa_site,
        SimServer(MidSim([])) as mid_site,
        SimServer(OldMidSim([])) as old_site,
    ):
        bases = {"wayback": wb.base_url, "mofa": mofa_site.base_url, "mid": mid_site.base_url}
        yield Pressroom(tmp_path / "a", config, {**bases, "archive.mid.ru": old_site.base_url}), wb


def skipped(stderr: str) -> Counter[str]:
    """The summary's skipped captures by reason."""
    line = next((x for x in stderr.splitlines() if x.startswith("skipped: ")), "skipped: ")
    return Counter({m[2]: int(m[1]) for m in re.finditer(r"(\d+) ([a-z0-9 -]+?)(?:,|$)", line[len("skipped: ") :])})


def check_archive(run: Pressroom, scenario: Scenario) -> None:
    """Every document holds exactly its expected versions (text, Captured, Origin), sightings and events."""
    archive = Archive(run.archive)
    keys = {p.parent.relative_to(run.archive).as_posix() for p in run.archive.rglob("*.txt")}
    assert keys == set(scenario.docs), "nothing but the scenario's documents is archived"
    for key, doc in scenario.docs.items():
        stored = archive.versions(key)
        assert len(stored) == len(doc.versions), key
        for number, expected in enumerate(doc.versions, 1):
            _, version = archive.version(key, number)
            release = version.release
            assert (release.title, release.body) == (expected.title, expected.body), (key, number)
            assert version.captured == expected.captured, (key, number)
            assert "/web/" in (version.origin or "") and "id_/" in (version.origin or ""), version.origin
        seen = [(s.at, s.version) for s in archive.timeline(key) if s.source == "capture"]
        wanted = sorted((at, n) for n, v in enumerate(doc.versions, 1) for at in v.seen)
        assert [(str(at), n) for at, n in seen] == [(f"{at:%Y-%m-%dT%H:%M:%SZ}", n) for at, n in wanted], key
        events = [(o.kind, o.at) for o in archive.observations(key) if o.kind.startswith("capture_")]
        assert events == [(e.kind, f"{e.at:%Y-%m-%dT%H:%M:%SZ}") for e in doc.events], key


def test_import_of_the_sites_writes_exactly_the_real_versions(
    scenario: Scenario, world: tuple[Pressroom, SimServer]
) -> None:
    run, _ = world
    result = run("import-history", *scenario.sites, ok=None)
    assert result.exit_code == 0, result.stderr
    assert f"{scenario.versions} versions added, {scenario.sightings} sightings" in result.stderr
    assert skipped(result.stderr) == scenario.skipped
    check_archive(run, scenario)
    archive = Archive(run.archive)
    logged = re.findall(r"^captured (\S+) v(\d+)  (.*)$", result.stderr, re.MULTILINE)
    assert len(logged) == scenario.versions, result.stderr
    for key, number, title in logged:  # each version by its own title, also where the edit is the title
        assert title == clip(archive.version(key, int(number))[1].release.title, 60), (key, number, title)
    # every document visited live is counted, a document the archive saw withdrawn and still 404 (gone) too
    checked = re.findall(r"^live check of \S+: (.*)$", result.stderr, re.MULTILINE)
    assert sum(int(n) for line in checked for n in re.findall(r"(\d+) [a-z]", line)) == len(scenario.docs), checked


def test_import_of_each_document_by_its_url_writes_the_same(
    scenario: Scenario, world: tuple[Pressroom, SimServer]
) -> None:
    run, wb = world
    result = run("import-history", *scenario.doc_args, ok=None)
    assert result.exit_code == 0, result.stderr
    assert skipped(result.stderr) == scenario.skipped
    check_archive(run, scenario)
    asked = [r.query["url"] for r in wb.server.log if r.path == "/cdx/search/cdx" and "resumeKey" not in r.query]
    assert len({url_key(url) for url in asked}) == len(asked), "one exact query per URL form the index tells apart"


def test_since_and_until_limit_the_captures_imported(scenario: Scenario, world: tuple[Pressroom, SimServer]) -> None:
    run, wb = world
    since, until = date(2019, 4, 1), date(2019, 9, 30)
    result = run("import-history", *scenario.sites, "--since", f"{since}", "--until", f"{until}", ok=None)
    assert result.exit_code == 0, result.stderr
    expected = bounds(scenario, since, until)
    archive = Archive(run.archive)
    texts = {
        key: [
            (v.release.title, v.release.body, v.captured) for _, v in map(archive.version, [key] * n, range(1, n + 1))
        ]
        for key in expected
        for n in [len(archive.versions(key))]
    }
    assert texts == {key: [(v.title, v.body, v.captured) for v in vs] for key, vs in expected.items()}
    keys = {p.parent.relative_to(run.archive).as_posix() for p in run.archive.rglob("*.txt")}
    assert keys == set(expected)
    queries = [r.target for r in wb.server.log if r.path == "/cdx/search/cdx"]
    assert queries and all("from=20190401" in q and "to=20190930" in q for q in queries), queries[:2]


def test_a_capture_judged_no_release_is_never_fetched_again_by_any_later_import(
    scenario: Scenario, world: tuple[Pressroom, SimServer]
) -> None:
    """Judgements are the archive's, per capture: a DOC after its SITE, or another date range, fetches none of
    the captures the first import skipped (nor the ones it recorded), and says how many it left alone."""
    run, wb = world
    first = run("import-history", *scenario.sites, ok=None)
    assert first.exit_code == 0, first.stderr
    judged = sum(skipped(first.stderr).values())
    assert judged > 0
    for args in (scenario.doc_args, [*scenario.sites, "--since", "2019-01-01", "--until", "2021-12-31"]):
        before = len(wb.server.log)
        again = run("import-history", *args, ok=None)
        assert again.exit_code == 0, again.stderr
        fetched = [r.target for r in wb.server.log[before:] if r.path.startswith("/web/")]
        assert fetched == [], (args, fetched)
        assert "skipped:" not in again.stderr, again.stderr
        said = re.search(r"(\d+) captures? judged earlier not fetched again", again.stderr)
        assert said is not None and 0 < int(said[1]) <= judged, again.stderr
    check_archive(run, scenario)


def request_figures(stderr: str) -> dict[str, int]:
    """The summary's `requests:` line by lane (a lane it leaves out is 0), and the run's total."""
    line = next(x for x in stderr.splitlines() if x.startswith("requests: "))
    found = {m[2]: int(m[1]) for m in re.finditer(r"\+?(\d+) (CDX|captures|redirects?|robots\.txt|live)", line)}
    total = re.search(r"^run \d+: (\d+) requests", stderr, re.MULTILINE)
    assert total is not None, stderr
    names = ("CDX", "captures", "redirect", "robots.txt", "live")
    figures = {name: found.get(name, 0) + (found.get("redirects", 0) if name == "redirect" else 0) for name in names}
    return {**figures, "total": int(total[1])}


def test_the_request_figures_are_the_requests_each_server_received(scenario: Scenario, tmp_path: Path) -> None:
    """Each lane's figure is what the web archive (CDX, /web/ with its redirect hops, robots.txt) and the live
    sites logged, and together they are the run's request count."""
    config = tmp_path / "pressroom.toml"
    config.write_text(MID_CONFIG, encoding="utf-8")
    with (
        SimServer(scenario.sim()) as wb,
        SimServer(MofaSim([])) as mofa_site,
        SimServer(MidSim([])) as mid_site,
        SimServer(OldMidSim([])) as old_site,
    ):
        bases = {"wayback": wb.base_url, "mofa": mofa_site.base_url, "mid": mid_site.base_url}
        run = Pressroom(tmp_path / "a", config, {**bases, "archive.mid.ru": old_site.base_url})
        result = run("import-history", *scenario.sites, ok=None)
        live = len(mofa_site.log) + len(mid_site.log) + len(old_site.log)
    assert result.exit_code == 0, result.stderr
    figures = request_figures(result.stderr)
    web = [r for r in wb.log if r.path.startswith("/web/")]
    assert figures["CDX"] == len([r for r in wb.log if r.path == "/cdx/search/cdx"])
    assert figures["captures"] + figures["redirect"] == len(web), result.stderr
    assert figures["robots.txt"] == len([r for r in wb.log if r.path == "/robots.txt"]) == 1
    assert figures["live"] == live > 0
    assert figures["total"] == len(wb.log) + live == sum(v for k, v in figures.items() if k != "total")
