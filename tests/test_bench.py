"""The benchmarks stay runnable: their modules import, their imports are declared, their archives are real."""

from __future__ import annotations

import ast
import importlib
import json
import sqlite3
import sys
import tomllib
from datetime import UTC, datetime
from pathlib import Path

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


def _cdx(app: object, **query: str) -> list[list[str]]:
    from tests.simserver import Request

    reply = app(Request("GET", "/cdx/search/cdx", query, {}, "/cdx/search/cdx"))  # type: ignore[operator]
    return json.loads(reply.data())  # type: ignore[no-any-return]


def test_history_scenario_pages_its_index_and_serves_its_captures() -> None:
    """The bench's web archive: a prefix query paged by resume keys lists every capture once, an exact one a
    single URL's (any scheme or www.), and each `id_` memento is the page the mofa.go.kr parser reads, at the
    time asked, with the headers a memento has; a capture never taken is the archive's own 404."""
    from bench import histsim
    from crawler.sites import SITES
    from tests.simserver import Request

    plan = histsim.Plan(25, 3)
    app = histsim.WaybackBulk(plan)
    rows, key = [], ""
    for _ in range(10):
        page = _cdx(
            app,
            url="mofa.go.kr/eng/brd/m_5676/",
            matchType="prefix",
            limit="20",
            showResumeKey="true",
            **({"resumeKey": key} if key else {}),
        )
        assert page[0] == ["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"]
        if page[-2:-1] == [[]]:
            rows, key = rows + page[1:-2], page[-1][0]
        else:
            rows += page[1:]
            break
    assert len(rows) == len({(r[1], r[2]) for r in rows}) == 25 * 3
    one = histsim.PAGE_URL.format(seq=320003)
    exact = _cdx(app, url=one.replace("https://www.", "http://"), fl="timestamp,original")[1:]
    assert [r[1] for r in exact] == [one] * 3 and exact == sorted(exact)

    stamp = exact[1][0]
    reply = app(Request("GET", f"/web/{stamp}id_/{one}", {}, {}, f"/web/{stamp}id_/{one}"))
    assert reply.status == 200 and reply.headers["Link"] == f'<{one}>; rel="original"'
    assert reply.headers["Memento-Datetime"].endswith("GMT")
    release = SITES["mofa.go.kr"].parse_release(reply.data().decode(), one)
    assert release.body[-2] == histsim.wording(1, 1)
    missing = app(Request("GET", f"/web/20010101000000id_/{one}", {}, {}, f"/web/20010101000000id_/{one}"))
    assert missing.status == 404 and "Memento-Datetime" not in missing.headers
    assert plan.withdrawn == 1 and plan.expected_versions() == 24 * 2 + 3


def test_history_figures_say_how_close_to_the_rates_the_import_ran() -> None:
    """A lane's rate is its intervals over its span (a gate spaces request starts); the summary names each
    lane's requests, its rate against the allowed one, and the time the rates alone need."""
    from bench import history, histsim

    figures = history.Figures(histsim.Plan(20, 3), 1.0, wall=25.0, versions=41, sightings=60, events=40)
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
    assert "41 versions (a correct import writes 41)" in text
    assert "captures: 60 in 15 s = 4/s of 5/s allowed (80.0%)" in text
    assert "CDX:      2 in 2 s = 0.40/s (24/min) of 0.40/s (24/min) allowed (100.0%)" in text
    assert "the rates alone need 15 s: 61.2% of the time" in text


def test_bench_history_runs_on_a_small_scale(tmp_path: Path) -> None:
    """The history section against today's importer: every capture fetched once, exactly the versions a
    correct import writes, and the lanes' requests as the import itself counted them."""
    from bench import history, histsim

    plan = histsim.Plan(20, 3)
    figures = history.run(plan, 100.0, tmp_path)
    assert figures.versions == plan.expected_versions() == 41
    assert len(figures.lanes["captures"].times) == figures.reported["captures"] == 60
    assert len(figures.lanes["CDX"].times) == figures.reported["CDX"] >= 1
    assert len(figures.lanes["live"].times) >= plan.withdrawn == 1
    assert figures.skipped == {}
    assert figures.fetch_cpu > 0, "the import did not fetch in its own process"


def test_bench_check_fails_when_the_import_writes_other_versions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`bench check` fails, naming the figure, when the import's result is not the scenario's: here two
    captures of each release show the same text, so fewer versions are written than it expects."""
    from bench import history, histsim

    monkeypatch.setattr(histsim, "wording", lambda i, k: f"2. Same wording for release {i + 1}.")
    with pytest.raises(SystemExit, match=r"bench check, history: \d+ versions written, expected 41"):
        history.check(tmp_path)
