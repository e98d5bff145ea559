"""`--json` on history, changes, runs and status: parsed line by line, checked against the text listings."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from tests.conftest import Pressroom
from tests.sim_mofa import MofaSim
from tests.simserver import SimServer

ISO_Z = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$")
KEY = "mofa.go.kr/m_5676/320033"
HISTORY_VERSION = {"kind", "key", "version", "digest16", "current", "captured", "title", "url"} | {
    "first_seen",
    "last_seen",
    "sources",
    "web_archive_only",
    "sightings",
}
HISTORY_OBSERVATION = {"kind", "key", "at", "event", "version", "detail", "source"}
CHANGE = {
    "at",
    "event",
    "key",
    "url",
    "title",
    "from_version",
    "to_version",
    "words_added",
    "words_removed",
    "attachments_changed",
    "source",
    "from_at",
    "from_capture",
    "to_capture",
}
RUN = {"run", "started", "finished", "status", "command", "sites", "counts"}
STATUS = {
    "site",
    "documents",
    "withdrawn",
    "due",
    "last_success",
    "last_run",
    "last_run_status",
    "verdict",
    "reason",
    "health",
    "web_archive_only",
    "web_archive_only_withdrawn",
}


def lines_of(pressroom: Pressroom, *args: str) -> list[dict[str, Any]]:
    """Every stdout line parsed as one JSON object (a line that is not one fails the test)."""
    result = pressroom(*args, "--json")
    return [json.loads(line) for line in result.stdout.splitlines()]


@pytest.fixture
def edited(pressroom: Pressroom, mofa_sim: tuple[MofaSim, SimServer]) -> Pressroom:
    """An archive of three runs: a crawl, an edit of 320033 crawled, its revert crawled."""
    sim, _ = mofa_sim
    pressroom("crawl", "mofa")
    original = sim.releases[("m_5676", 320033)].body
    sim.edit(320033, body=[*original[:2], "2. They agreed to meet again in Busan.", original[3]])
    pressroom("crawl", "mofa")
    sim.edit(320033, body=original)
    pressroom("crawl", "mofa")
    return pressroom


def test_history_json_versions_and_observations_match_the_listing(edited: Pressroom) -> None:
    items = lines_of(edited, "history", KEY)
    versions = [i for i in items if i["kind"] == "version"]
    observations = [i for i in items if i["kind"] == "observation"]
    assert len(versions) + len(observations) == len(items)
    assert items[: len(versions)] == versions  # versions first, then the observations
    assert all(set(v) == HISTORY_VERSION for v in versions)
    assert all(set(o) == HISTORY_OBSERVATION for o in observations)
    text = edited("history", KEY).stdout.splitlines()
    listed = [line for line in text if re.match(r"^[* ] v[0-9]+ ", line)]
    for version, line in zip(versions, listed, strict=True):
        assert line.startswith(("* " if version["current"] else "  ") + f"v{version['version']}  {version['digest16']}")
        assert f"captured {version['captured'][:16].replace('T', ' ')}Z  {version['title']}" in line
        assert ISO_Z.match(version["captured"]) and version["key"] == KEY
    assert [v["current"] for v in versions] == [True, False]  # the revert brought v1 back
    shown = [line.split() for line in text if line.startswith("  20")]
    assert len(shown) == len(observations) == 3
    for obs, words in zip(observations, shown, strict=True):
        assert ISO_Z.match(obs["at"]) and words[0] == obs["at"] and words[1] == obs["event"]
        assert words[2:3] == ([f"v{obs['version']}"] if obs["version"] else [])
    assert [o["event"] for o in observations] == ["new", "changed", "reverted"]


def test_changes_json_matches_the_listing(edited: Pressroom) -> None:
    events = lines_of(edited, "changes")
    text = edited("changes").stdout.splitlines()
    assert len(events) == len(text) == 2
    assert all(set(e) == CHANGE for e in events)
    for event, line in zip(events, text, strict=True):
        assert ISO_Z.match(event["at"])
        versions = f"v{event['from_version']}→v{event['to_version']}"
        words = f"+{event['words_added']}/-{event['words_removed']} words"
        assert line.split()[:4] == [event["at"], event["event"], event["key"], versions]
        assert words in line and line.endswith(event["title"])
    assert [(e["event"], e["from_version"], e["to_version"]) for e in events] == [("reverted", 2, 1), ("changed", 1, 2)]
    assert events[1]["words_added"] > 0 and events[1]["url"].startswith("http")
    result = edited("changes", "--site", "mid", "--json")
    assert result.stdout == "" and "no changed" in result.stderr


def test_runs_json_matches_the_table(edited: Pressroom) -> None:
    runs = lines_of(edited, "runs")
    rows = edited("runs").stdout.splitlines()[1:]
    assert len(runs) == len(rows) == 3
    for run, row in zip(runs, rows, strict=True):
        assert set(run) == RUN
        assert ISO_Z.match(run["started"]) and ISO_Z.match(run["finished"])
        assert row.split()[:6] == [
            str(run["run"]),
            run["started"],
            run["finished"],
            run["status"],
            run["command"],
            "mofa.go.kr",
        ]
        assert run["sites"] == ["mofa.go.kr"]
        for name, value in run["counts"].items():
            assert not value or f"{value} {name.replace('_', ' ')}" in row
    assert [r["run"] for r in runs] == [3, 2, 1] and runs[1]["counts"]["changed"] == 1


def test_status_json_matches_the_listing(edited: Pressroom) -> None:
    sites = lines_of(edited, "status")
    text = edited("status").stdout.splitlines()
    assert len(sites) == 1 and len(text) == 2
    site = sites[0]
    assert set(site) == STATUS and site["site"] == "mofa.go.kr"
    assert ISO_Z.match(site["last_success"]) and ISO_Z.match(site["last_run"]) and site["last_run_status"] == "ok"
    assert text[0] == f"mofa.go.kr: {site['verdict']} — {site['reason']}"
    assert text[1] == (
        f"    {site['documents']} documents ({site['withdrawn']} withdrawn), {site['due']} due now; "
        f"last success {site['last_success']}; last run {site['last_run']} (ok)"
    )


def test_site_text_arrives_in_json_as_is(pressroom: Pressroom, mofa_sim: tuple[MofaSim, SimServer]) -> None:
    sim, _ = mofa_sim
    pressroom("crawl", "mofa")
    sim.edit(320033, title="Talks \u202eexe.txt\x1b[2J")
    pressroom("crawl", "mofa")
    versions = [i for i in lines_of(pressroom, "history", KEY) if i["kind"] == "version"]
    assert versions[-1]["title"] == "Talks \u202eexe.txt\x1b[2J"  # the real characters, given back by json.loads
    assert "\\u202e" not in versions[-1]["title"]
    raw = pressroom("changes", "--json").stdout
    # U+202E is written as the character itself, not as the terminal layer's (or json's) `\u202e` escape;
    # json.dumps escapes the control code itself, so no raw ESC reaches the stream either.
    assert "\u202e" in raw and "\\u202e" not in raw
    assert "\\u001b" in raw and "\x1b" not in raw
    assert json.loads(raw.splitlines()[0])["title"] == "Talks \u202eexe.txt\x1b[2J"
