"""The benchmarks stay runnable: their modules import, their imports are declared, their archives are real."""

from __future__ import annotations

import ast
import importlib
import sqlite3
import sys
import tomllib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from archive.recorder import Archive
from bench import scale, synth

ROOT = Path(__file__).parent.parent
BENCH_MODULES = sorted(p.stem for p in (ROOT / "bench").glob("*.py"))
LOCAL = {"archive", "bench", "crawler", "tests"}


def test_every_bench_module_imports() -> None:
    """Importing a section must not need what only its run needs (trafilatura is imported when extracting)."""
    assert {"__main__", "crawl", "extract", "scale", "synth"} <= set(BENCH_MODULES)
    for name in BENCH_MODULES:
        module = importlib.import_module(f"bench.{name}")
        assert module.__doc__, f"bench/{name}.py has no docstring"


def _imported_names(path: Path) -> set[str]:
    """Top-level names of every module `path` imports, in functions too."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_bench_imports_are_declared_dependencies() -> None:
    """Every third-party module the bench imports is a dependency of pressroom or of its `bench` extra."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = {
        spec.split(";")[0].split("[")[0].split("=")[0].split(">")[0].split("<")[0].strip().lower().replace("-", "_")
        for spec in [*project["dependencies"], *project["optional-dependencies"]["bench"]]
    }
    used = set().union(*(_imported_names(ROOT / "bench" / f"{name}.py") for name in BENCH_MODULES))
    third_party = {n for n in used if n not in sys.stdlib_module_names and n not in LOCAL}
    assert "trafilatura" in third_party  # the walk sees imports inside functions
    assert third_party - declared == set()


def test_synthetic_archive_is_what_reindex_rebuilds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The generator writes the files and rows a crawl would: reindex finds no problem and the same rows."""
    now = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
    monkeypatch.setattr(synth, "EDITED", 0.1)  # enough edits and withdrawals in a small archive
    monkeypatch.setattr(synth, "WITHDRAWN", 0.1)
    synth.write(tmp_path, 120, now, workers=2)
    db = sqlite3.connect(tmp_path / "catalog.sqlite")
    tables = ("documents", "versions", "search")
    before = {t: sorted(db.execute(f"SELECT * FROM {t}").fetchall()) for t in tables}  # noqa: S608
    db.close()
    scripts = {lang for (*_, lang) in (row[:5] for row in before["documents"])}
    assert {"en", "ko", "ru"} <= scripts
    assert any(row[9] == 2 for row in before["documents"]), "no document with an edit"
    assert any(row[10] == "withdrawn" for row in before["documents"]), "no withdrawn document"

    archive = Archive(tmp_path)
    report = archive.reindex()
    assert (report.documents, report.problems) == (120, [])
    assert report.versions == len(before["versions"])
    after = {t: sorted(archive.catalog.db.execute(f"SELECT * FROM {t}").fetchall()) for t in tables}  # noqa: S608
    archive.close()
    assert after == before


@pytest.mark.parametrize(
    ("figures", "expected"),
    [
        ({10_000: 0.30, 100_000: 0.31, 1_000_000: 0.32}, "constant"),
        ({10_000: 0.30, 100_000: 0.60, 1_000_000: 1.20}, "log"),
        ({10_000: 1.0, 100_000: 10.0, 1_000_000: 100.0}, "linear"),
        ({10_000: 1.0, 100_000: 100.0, 1_000_000: 10_000.0}, "worse than linear"),
    ],
)
def test_growth_names_the_exponent(figures: dict[int, float], expected: str) -> None:
    assert scale.growth(figures).split(" (")[0] == expected


def test_growth_is_measured_above_the_start_up() -> None:
    """A command whose time is Python's start-up at every size is constant, whatever the noise in it."""
    start = {10_000: 0.30, 1_000_000: 0.25}
    assert scale.growth({10_000: 0.35, 1_000_000: 0.31}, start).startswith("constant")
    assert scale.growth({10_000: 0.40, 1_000_000: 10.25}, start).startswith("linear")


def test_bench_sections_run_on_a_small_scale(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The crawl, politeness and backfill sections run against today's crawler API (a rename there broke the
    bench once, unnoticed until someone ran it)."""
    from bench import crawl

    figures = crawl.crawl(30, 1, tmp_path)
    assert figures["initial_written"] == 30 and figures["recrawl_written"] == 0
    assert crawl.politeness(10, 0.01, tmp_path) >= 1.0
    backfill = crawl.scale(40, tmp_path)
    assert backfill["backfill_docs"] == 40
    assert "reindex of 40 documents" in capsys.readouterr().out


def test_bench_publish_runs_on_a_small_scale(tmp_path: Path) -> None:
    """The publish section: a full publish renders every document, a second nothing, a third the crawl's."""
    from bench import publish

    summaries = publish.run(60, tmp_path)
    full, again, after = summaries.values()
    assert "60 rendered" in full and "search index rebuilt" in full, full
    assert "0 rendered, 0 files written" in again and "search index" not in again, again
    assert "search index rebuilt" in after and ": 2 rendered" in after, after  # one edited, one visited


def _get(app: Any, path: str, **query: str) -> Any:
    from tests.simserver import Request

    return app(Request("GET", path, query, {"cookie": "TMOSHCooKie=1"}, path))


def test_history_live_site_serves_the_newest_text_and_removes_a_share() -> None:
    """The bench's live site: each release of the shared bulk scenario with the text of its newest capture,
    every twentieth gone (404); the web archive and the live site log each request's lane by the bench's names;
    a correct import writes every captured text but the live ones the setup crawl archived."""
    from bench import histsim
    from crawler.sites import SITES

    plan = histsim.Plan(20, 3)
    scenario = plan.scenario()
    live = histsim.live_app(plan)
    docs = list(scenario.docs.values())
    newest = SITES["mofa.go.kr"].parse_release(
        _get(live, "/eng/brd/m_5676/view.do", seq=docs[0].url[-6:]).data().decode(), docs[0].url
    )
    assert newest.body == docs[0].versions[-1].body and len(docs[0].versions) == 2
    assert _get(live, "/eng/brd/m_5676/view.do", seq=docs[19].url[-6:]).status == 404
    assert _get(live, "/eng/brd/m_5676/view.do", seq=docs[18].url[-6:]).status == 200
    _get(live, "/robots.txt")
    assert [lane for _, lane in histsim.request_log(live)] == ["live", "live", "live", "other"]

    wayback = histsim.wayback_app(plan)
    _get(wayback, "/cdx/search/cdx", url="mofa.go.kr/", matchType="prefix", output="json")
    _get(wayback, f"/web/{scenario.captures[0].timestamp}id_/{scenario.captures[0].url}")
    _get(wayback, "/robots.txt")
    assert [lane for _, lane in histsim.request_log(wayback)] == ["CDX", "captures", "other"]
    assert (plan.withdrawn, plan.expected_versions()) == (1, 19 * 1 + 2)


def test_history_figures_say_how_close_to_the_rates_the_import_ran() -> None:
    """A lane's rate is its intervals over its span (a gate spaces request starts); the summary names each
    lane's requests, its rate against the allowed one, and the time the rates alone need."""
    from bench import history, histsim

    figures = history.Figures(histsim.Plan(20, 3), 1.0, wall=25.0, versions=21, sightings=60, events=20)
    figures.reported = {"CDX": 2, "captures": 60, "live": 2}
    figures.lanes = {
        "CDX": history.Lane("CDX", 0.4, [0.0, 2.5]),
        "captures": history.Lane("captures", 5.0, [3.0 + i * 0.25 for i in range(60)]),
        "live": history.Lane("live", 1.0, [20.0, 21.0]),
    }
    assert figures.lanes["captures"].rate == pytest.approx(4.0)
    assert figures.lanes["captures"].floor == pytest.approx(11.8)
    text = "\n".join(history.show(figures))
    assert "20 documents x 3 captures at the default rates" in text
    assert "21 versions (a correct import writes 21)" in text
    assert "captures: 60 in 15 s = 4/s of 5/s allowed (80.0%)" in text
    assert "CDX:      2 in 2 s = 0.40/s (24/min) of 0.40/s (24/min) allowed (100.0%)" in text
    assert "the rates alone need 15 s: 61.2% of the time" in text


def test_bench_history_runs_on_a_small_scale(tmp_path: Path) -> None:
    """The history section against today's importer: every capture fetched once, exactly the versions a
    correct import writes, and the lanes' requests as the import itself counted them."""
    from bench import history, histsim

    plan = histsim.Plan(20, 3)
    figures = history.run(plan, 100.0, tmp_path)
    assert figures.versions == plan.expected_versions() == 21
    assert len(figures.lanes["captures"].times) == figures.reported["captures"] == 60
    assert len(figures.lanes["CDX"].times) == figures.reported["CDX"] >= 1
    assert len(figures.lanes["live"].times) >= plan.withdrawn == 1
    assert figures.skipped == {}
    assert figures.fetch_cpu > 0, "the import did not fetch in its own process"


def test_bench_check_fails_when_the_import_writes_other_versions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`bench check` fails, naming the figure, when the import's result is not what it expects: here the live
    site still serves the release the check expects gone, so the import writes one version fewer."""
    from bench import history, histsim

    serve_all = histsim.live_app

    def nothing_gone(plan: histsim.Plan) -> Any:
        app = serve_all(plan)
        app.app.removed.clear()  # the live site serves the release the check expects gone
        return app

    monkeypatch.setattr(histsim, "live_app", nothing_gone)
    with pytest.raises(SystemExit, match=r"bench check, history: \d+ versions written, expected 21; "):
        history.check(tmp_path)
