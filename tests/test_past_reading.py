"""Reading an archive with a past (tests/pastkit.py): history, diff, changes, the feed, notifications, export,
status and publish order versions by when their text was seen and mark what was seen in the web archive."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from click.testing import CliRunner, Result

from archive.notices import JOURNAL, endpoint_id
from archive.publish.documents import diff_path, version_path
from archive.publish.paths import CHANGES_PATH, page_path
from archive.publish.site import publish
from archive.recorder import Archive
from crawler import config as configuration
from crawler.cli import cli
from crawler.pipeline import notify
from crawler.sites import BUILT_IN
from tests.pastkit import (
    MID,
    MID_URL,
    MOFA,
    MOFA_URL,
    TEXT_A,
    TEXT_B,
    TEXT_C,
    Clock,
    build,
    capture,
    memento,
    mid,
    mofa,
)

CAPTURE_A = memento("20190312094512", MOFA_URL)
CAPTURE_B = memento("20190501120000", MOFA_URL)
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def archive_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    yield build(tmp_path_factory.mktemp("past") / "archive")


def run(root: Path, *args: str) -> Result:
    result = CliRunner().invoke(cli, ["--archive", str(root), *args])
    assert result.exit_code == 0, result.output
    return result


def test_history_lists_versions_in_the_order_they_were_seen_with_their_sightings(archive_dir: Path) -> None:
    lines = run(archive_dir, "history", MOFA).stdout.splitlines()
    versions = [line[:4] for line in lines if line[:4] in ("  v1", "  v2", "* v3")]
    assert versions == ["  v2", "  v1", "* v3"], "by first sighting, not by number"
    at = {line[:4]: i for i, line in enumerate(lines)}
    assert lines[at["  v2"]].endswith("Statement on trade  [web archive only]")
    assert lines[at["  v2"] + 1] == f"        2019-03-12 09:45Z  web archive  {CAPTURE_A}"
    assert lines[at["  v1"] + 1 : at["  v1"] + 3] == [
        f"        2019-05-01 12:00Z  web archive  {CAPTURE_B}",
        "        2026-03-01 09:00Z  live visit",
    ]
    assert not lines[at["  v1"]].endswith("[web archive only]")
    log = [line.split()[:3] for line in lines if line.startswith("  20")]
    assert log == [
        ["2019-03-12T09:45:12Z", "captured", "v2"],
        ["2019-05-01T12:00:00Z", "captured", "v1"],
        ["2019-05-01T12:00:00Z", "capture_changed", "v1"],
        ["2026-03-01T09:00:00Z", "new", "v1"],
        ["2026-03-05T12:00:00Z", "changed", "v3"],
    ], "every observation, in time order"


def test_history_json_gives_each_version_its_sightings(archive_dir: Path) -> None:
    items = [json.loads(line) for line in run(archive_dir, "history", MOFA, "--json").stdout.splitlines()]
    versions = [item for item in items if item["kind"] == "version"]
    assert [v["version"] for v in versions] == [2, 1, 3]
    v2, v1, _ = versions
    assert v2["web_archive_only"] and v2["sources"] == ["web-archive"]
    assert v2["sightings"] == [{"at": "2019-03-12T09:45:12Z", "source": "web-archive", "url": CAPTURE_A}]
    assert (v1["first_seen"], v1["last_seen"], v1["sources"]) == (
        "2019-05-01T12:00:00Z",
        "2026-03-01T09:00:00Z",
        ["live", "web-archive"],
    )
    assert not v1["web_archive_only"]
    events = {item["event"]: item["source"] for item in items if item["kind"] == "observation"}
    assert events == {"captured": "web-archive", "capture_changed": "web-archive", "new": "live", "changed": "live"}


@pytest.mark.parametrize("fmt", ["unified", "word", "html"])
def test_diff_defaults_follow_the_sightings_and_name_the_captures(archive_dir: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"diff.{fmt}"
    run(archive_dir, "diff", MOFA, "--format", fmt, "--output", str(out))
    text = out.read_text(encoding="utf-8")
    assert f"{MOFA} v1" in text and f"{MOFA} v3" in text, "the two latest-seen versions"
    assert "(live visit)" in text
    run(archive_dir, "diff", MOFA, "--to", "1", "--format", fmt, "--output", str(out))
    text = out.read_text(encoding="utf-8")
    old = f"captured 2019-03-12T09:45:12Z (web-archive capture {CAPTURE_A})"
    new = f"captured 2019-05-01T12:00:00Z (web-archive capture {CAPTURE_B})"
    if fmt == "html":
        assert f'{MOFA} v2<span class="seen">{old}</span>' in text
        assert f'{MOFA} v1<span class="seen">{new}</span>' in text
    else:
        assert text.splitlines()[:2] == [f"--- {MOFA} v2\t{old}", f"+++ {MOFA} v1\t{new}"]
    assert "20" in text and "21" in text


def test_diff_shows_the_historical_edit(archive_dir: Path) -> None:
    text = run(archive_dir, "diff", MOFA, "--to", "1").stdout
    assert f"\n-{TEXT_A}\n+{TEXT_B}\n" in text


def test_changes_interleave_live_and_web_archive_events_by_when_they_happened(archive_dir: Path) -> None:
    lines = run(archive_dir, "changes").stdout.splitlines()
    assert [line.split()[0][:10] for line in lines] == ["2026-03-05", "2019-05-01", "2018-06-01", "2018-02-02"]
    assert lines[0].split()[1] == "changed" and "(web archive)" not in lines[0]
    assert lines[1].startswith(f"2019-05-01T12:00:00Z  changed (web archive) {MOFA} v2→v1  +1/-1 words")
    assert "between captures of 2019-03-12 and 2019-05-01  Statement on trade" in lines[1]
    assert f"withdrawn (web archive) {MID} v2" in lines[2]
    assert "between captures of 2018-02-02 and 2018-06-01" in lines[2]
    past = run(archive_dir, "changes", "--since", "2019-01-01", "--until", "2019-12-31").stdout.splitlines()
    assert past == [lines[1]], "--since and --until take the time of the later capture"


def test_changes_json_gives_the_source_and_both_dates(archive_dir: Path) -> None:
    items = [json.loads(line) for line in run(archive_dir, "changes", "--json").stdout.splitlines()]
    live, past = items[0], items[1]
    assert (live["event"], live["source"], live["from_at"]) == ("changed", "live", "2026-03-01T09:00:00Z")
    assert live["from_capture"] is None and live["to_capture"] is None
    assert (past["event"], past["source"], past["at"], past["from_at"]) == (
        "changed",
        "web-archive",
        "2019-05-01T12:00:00Z",
        "2019-03-12T09:45:12Z",
    )
    assert (past["from_capture"], past["to_capture"]) == (CAPTURE_A, CAPTURE_B)
    assert (past["from_version"], past["to_version"]) == (2, 1)


def test_the_feed_marks_web_archive_events_and_links_both_captures(archive_dir: Path) -> None:
    feed = ET.fromstring(run(archive_dir, "feed").stdout)
    entries = feed.findall(f"{ATOM}entry")
    titles = [entry.findtext(f"{ATOM}title") for entry in entries]
    past = "changed (web archive) between captures of 2019-03-12 and 2019-05-01: Statement on trade"
    assert titles[0] == "changed: Statement on trade" and past in titles
    entries[1] = entries[titles.index(past)]
    content = entries[1].findtext(f"{ATOM}content") or ""
    assert "Seen in the web archive: changed between captures of 2019-03-12 and 2019-05-01." in content
    assert f'href="{CAPTURE_A}"' in content and f'href="{CAPTURE_B}"' in content
    assert f"v1, captured 2019-05-01T12:00:00Z (web-archive capture {CAPTURE_B})" in content, "named as seen then"
    assert "between captures" in (entries[1].findtext(f"{ATOM}summary") or "")
    assert "web archive" not in (entries[0].findtext(f"{ATOM}content") or "")


def test_the_feed_dates_web_archive_events_by_their_import_and_shows_them_first(tmp_path: Path) -> None:
    # The live edit is recorded on 2026-03-05; the import that finds the 2019 edit runs after it, on 03-10.
    clock = Clock()
    archive = Archive(tmp_path, clock=clock)
    with archive.writing():
        with archive.run("crawl", ["mofa.go.kr"]) as crawl:
            archive.record(mofa(TEXT_B), run_id=crawl.id)
        clock.at = datetime(2026, 3, 5, 12, tzinfo=UTC)
        with archive.run("crawl", ["mofa.go.kr"]) as crawl:
            archive.record(mofa(TEXT_C), run_id=crawl.id)
        clock.at = datetime(2026, 3, 10, 8, tzinfo=UTC)
        with archive.run("import-history", ["mofa.go.kr"]) as imported:
            pairs = [(mofa(TEXT_A), capture("20190312094512", MOFA_URL))]
            pairs.append((mofa(TEXT_B), capture("20190501120000", MOFA_URL)))
            archive.import_captures(pairs, run_id=imported.id)
    archive.close()
    feed = ET.fromstring(run(tmp_path, "feed").stdout)
    entries = feed.findall(f"{ATOM}entry")
    dates = [(e.findtext(f"{ATOM}updated"), e.findtext(f"{ATOM}published")) for e in entries]
    assert dates == [("2026-03-10T08:00:00Z", "2019-05-01T12:00:00Z"), ("2026-03-05T12:00:00Z", None)]
    assert feed.findtext(f"{ATOM}updated") == "2026-03-10T08:00:00Z", "the feed is as new as its newest entry"
    assert (entries[0].findtext(f"{ATOM}title") or "").startswith("changed (web archive) between captures of")
    one = ET.fromstring(run(tmp_path, "feed", "--limit", "1").stdout).findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}updated") for e in one] == ["2026-03-10T08:00:00Z"], "--limit keeps the newest news"


def test_export_orders_versions_by_sighting_and_says_what_exists_only_in_the_web_archive(archive_dir: Path) -> None:
    rows = [json.loads(line) for line in run(archive_dir, "export", "--all-versions").stdout.splitlines()]
    mofa = [row for row in rows if row["key"] == MOFA]
    assert [row["version"] for row in mofa] == [2, 1, 3]
    assert [row["body"] for row in mofa] == [TEXT_A, TEXT_B, TEXT_C]
    assert mofa[1]["captures"] == [{"at": "2019-05-01T12:00:00Z", "url": CAPTURE_B}]
    assert (mofa[1]["live_visits"], mofa[1]["sources"]) == (1, ["live", "web-archive"])
    assert (mofa[1]["first_seen"], mofa[1]["last_seen"]) == ("2019-05-01T12:00:00Z", "2026-03-01T09:00:00Z")
    assert not any(row["web_archive_only"] for row in mofa)
    mid = [row for row in rows if row["key"] == MID]
    assert mid and all(row["web_archive_only"] and row["status"] == "withdrawn" for row in mid)
    table = list(csv.DictReader(io.StringIO(run(archive_dir, "export", "--format", "csv").stdout)))
    by_key = {row["key"]: row for row in table}
    assert by_key[MID]["web_archive_only"] == "True" and by_key[MOFA]["web_archive_only"] == "False"
    assert by_key[MID]["captures"].startswith("2018-02-02T08:00:00Z https://web.archive.org/web/20180202080000id_/")


def test_status_counts_documents_known_only_from_the_web_archive(archive_dir: Path) -> None:
    text = run(archive_dir, "status").stdout
    assert "    1 document known only from the web archive (1 withdrawn)" in text
    assert text.count("known only from the web archive") == 1, "mofa.go.kr has none: no line"
    items = {item["site"]: item for item in map(json.loads, run(archive_dir, "status", "--json").stdout.splitlines())}
    assert (items["mid.ru"]["web_archive_only"], items["mid.ru"]["web_archive_only_withdrawn"]) == (1, 1)
    assert (items["mofa.go.kr"]["web_archive_only"], items["mofa.go.kr"]["web_archive_only_withdrawn"]) == (0, 0)


def notified(root: Path, tmp_path: Path) -> list[tuple[str, str]]:
    """What `notify` sends an endpoint that wants edits and was taken on before the archive's first
    observation (everything in it is still to tell): (title, body) of each message. A second `notify`
    sends nothing."""
    settings = tmp_path / "pressroom.toml"
    settings.write_text('[[notify]]\nurl = "json://127.0.0.1:9/hook"\nevents = ["edits"]\n', encoding="utf-8")
    config = configuration.load({name: site.defaults for name, site in BUILT_IN.items()}, settings)
    start = {"at": "2026-01-01T00:00:00Z", "endpoint": endpoint_id(config.notify[0].url), "mark": "start"}
    (root / JOURNAL).write_text(json.dumps({**start, "observation": 0}) + "\n", encoding="utf-8")
    sent: list[tuple[str, str]] = []
    archive = Archive(root)
    try:
        notify.notify(archive, config, sender=lambda _, title, body: sent.append((title, body)))
        count = len(sent)
        notify.notify(archive, config, sender=lambda _, title, body: sent.append((title, body)))
        assert len(sent) == count, "each is sent once"
    finally:
        archive.close()
    return sent


def test_an_imports_events_are_one_digest_and_a_live_edit_its_own_message(tmp_path: Path) -> None:
    sent = notified(build(tmp_path / "archive"), tmp_path)
    assert [title for title, _ in sent] == [
        f"pressroom: {MOFA} edited (+1/-0 words)",
        "pressroom: 2 past edits and 1 withdrawal found in the web archive",
    ]
    digest = sent[1][1].splitlines()
    assert len(digest) == 4 and digest[0].startswith("2019-05-01T12:00:00Z  changed (web archive) ")
    assert digest[-1] == "From 2018-02-02 to 2019-05-01; `pressroom changes --since 2018-02-02` lists them all."


def test_publish_lists_versions_by_sighting_and_marks_the_web_archive(archive_dir: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    publish(Archive(archive_dir), site, now="2026-03-06T00:00:00Z", search=False)
    page = (site / page_path(MOFA)).read_text(encoding="utf-8")
    versions = page[page.index("<h2>Versions</h2>") : page.index("<h2>Timeline</h2>")]
    assert versions.index(">v2<") < versions.index(">v1<") < versions.index(">v3<")
    assert "<td>2019-03-12 09:45Z</td><td>web archive (1)</td>" in versions
    assert "<td>web archive (1) and live (1)</td>" in versions
    assert "changes from v2" in versions, "v1 came after v2 on the site: its diff is from v2"
    timeline = page[page.index("<h2>Timeline</h2>") :]
    assert timeline.index("2019-03-12T09:45:12Z") < timeline.index("2026-03-01T09:00:00Z")
    assert f'<a href="{CAPTURE_A}" rel="noreferrer">' in timeline
    assert (site / diff_path(MOFA, 2, 1)).is_file() and (site / diff_path(MOFA, 1, 3)).is_file()
    v2 = (site / version_path(MOFA, 2)).read_text(encoding="utf-8")
    assert f'2019-03-12T09:45:12Z: web-archive capture <a href="{CAPTURE_A}"' in v2
    changes = (site / CHANGES_PATH).read_text(encoding="utf-8")
    assert "changed (web archive)<br>" in changes and "between captures of 2019-03-12 and 2019-05-01" in changes


def test_the_readme_shows_what_these_commands_print(archive_dir: Path) -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n### Reading the past\n", 1)[1].split("\n#", 1)[0]
    blocks = [block.split("\n```", 1)[0] for block in section.split("```\n$ pressroom ")[1:]]
    assert len(blocks) == 3
    for block in blocks:
        command, shown = block.split("\n", 1)
        assert run(archive_dir, *command.split()).stdout == shown + "\n", command


def test_the_live_check_of_an_import_joins_its_digest(tmp_path: Path) -> None:
    """A document known only from captures that the live site answers 404 during the import is withdrawn by a
    live visit, but the import brought it: its withdrawal is told in the import's digest, not paged alone."""
    root = tmp_path / "archive"
    archive = Archive(root, clock=Clock())
    with archive.writing(), archive.run("import-history", ["mid.ru"]) as run_:
        pairs = [(mid("Uno."), capture("20180110080000", MID_URL)), (mid("Dos."), capture("20180202080000", MID_URL))]
        archive.import_captures(pairs, run_id=run_.id)
        assert archive.miss(MID, MID_URL, run_id=run_.id) == "withdrawn"
    archive.close()
    titles = [title for title, _ in notified(root, tmp_path)]
    assert titles == ["pressroom: 1 past edit and 1 withdrawal found in the web archive"]
