"""`changes` (and `feed`) over a period: --since, --until, --site, --limit, alone and together, with --json."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from archive.document import Release
from archive.recorder import Archive
from crawler.cli import cli

MOFA, MID = "mofa.go.kr/m_5676/7", "mid.ru/foreign_policy.news/8/en"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.at = datetime(2026, 3, 1, 9, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.at


def release(site: str, body: str) -> Release:
    mofa = site == "mofa.go.kr"
    return Release(
        site=site,
        collection="m_5676" if mofa else "foreign_policy.news",
        collection_name="Press Releases" if mofa else "News",
        doc_id="7" if mofa else "8",
        language="en",
        url="https://www.mofa.go.kr/eng/brd/m_5676/view.do?seq=7"
        if mofa
        else "https://mid.ru/en/foreign_policy/news/8/",
        title="Statement" if mofa else "Comment",
        published=date(2026, 2, 27),
        body=(body,),
        per_language=not mofa,
    )


@pytest.fixture(scope="module")
def archive_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Events on known days: mofa edited on 3 March at 23:59:59 and reverted on 5 March, mid.ru edited on
    4 March at 00:00:00 and withdrawn on 6 March (its first miss on the 5th is no event)."""
    root = tmp_path_factory.mktemp("changes") / "archive"
    clock = Clock()
    archive = Archive(root, clock=clock)
    steps = [
        (datetime(2026, 3, 1, 9), lambda: archive.record(release("mofa.go.kr", "One."))),
        (datetime(2026, 3, 1, 9, 5), lambda: archive.record(release("mid.ru", "Uno."))),
        (datetime(2026, 3, 3, 23, 59, 59), lambda: archive.record(release("mofa.go.kr", "One, edited."))),
        (datetime(2026, 3, 4, 0, 0, 0), lambda: archive.record(release("mid.ru", "Uno, editado."))),
        (datetime(2026, 3, 5, 12), lambda: archive.record(release("mofa.go.kr", "One."))),
        (datetime(2026, 3, 5, 13), lambda: archive.miss(MID, "https://mid.ru/en/foreign_policy/news/8/")),
        (datetime(2026, 3, 6, 13), lambda: archive.miss(MID, "https://mid.ru/en/foreign_policy/news/8/")),
    ]
    for at, step in steps:
        clock.at = at.replace(tzinfo=UTC)
        step()
    archive.close()
    yield root


def run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--archive", str(root), *args])


def listed(result: Result) -> list[tuple[str, str]]:
    """(day, event) of each line `changes` printed."""
    assert result.exit_code == 0, result.output
    return [(line.split()[0][:10], line.split()[1]) for line in result.stdout.splitlines()]


def test_all_events_newest_first(archive_dir: Path) -> None:
    assert listed(run(archive_dir, "changes")) == [
        ("2026-03-06", "withdrawn"),
        ("2026-03-05", "reverted"),
        ("2026-03-04", "changed"),
        ("2026-03-03", "changed"),
    ]


def test_until_takes_the_whole_day(archive_dir: Path) -> None:
    assert listed(run(archive_dir, "changes", "--until", "2026-03-03")) == [("2026-03-03", "changed")]
    assert listed(run(archive_dir, "changes", "--until", "2026-03-04")) == [
        ("2026-03-04", "changed"),
        ("2026-03-03", "changed"),
    ]


def test_since_until_site_and_limit_together(archive_dir: Path) -> None:
    both = ("--since", "2026-03-04", "--until", "2026-03-05")
    assert listed(run(archive_dir, "changes", *both)) == [("2026-03-05", "reverted"), ("2026-03-04", "changed")]
    assert listed(run(archive_dir, "changes", *both, "--site", "mid")) == [("2026-03-04", "changed")]
    assert listed(run(archive_dir, "changes", "--site", "mofa")) == [
        ("2026-03-05", "reverted"),
        ("2026-03-03", "changed"),
    ]
    result = run(archive_dir, "changes", "--since", "2026-03-01", "--limit", "2")
    assert listed(result) == [("2026-03-06", "withdrawn"), ("2026-03-05", "reverted")]
    assert result.stderr == "the newest 2 of 4 events (--limit to see more)\n"
    result = run(archive_dir, "changes", *both, "--site", "mofa.go.kr", "--limit", "1")
    assert listed(result) == [("2026-03-05", "reverted")] and result.stderr == ""


def test_json_follows_the_same_options(archive_dir: Path) -> None:
    result = run(archive_dir, "changes", "--json", "--until", "2026-03-05", "--site", "mid.ru", "--limit", "5")
    assert result.exit_code == 0, result.output
    events = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(e["at"], e["event"], e["key"], e["from_version"], e["to_version"]) for e in events] == [
        ("2026-03-04T00:00:00Z", "changed", MID, 1, 2)
    ]
    assert events[0]["words_added"] == 1 and events[0]["words_removed"] == 0
    assert result.stderr == ""


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("--since", "2026-03-07"), "no changed, reverted, withdrawn or restored documents since 2026-03-07\n"),
        (("--until", "2026-03-02"), "no changed, reverted, withdrawn or restored documents up to 2026-03-02\n"),
        (
            ("--since", "2026-03-06", "--until", "2026-03-06", "--site", "mofa"),
            "no changed, reverted, withdrawn or restored documents between 2026-03-06 and 2026-03-06 on mofa.go.kr\n",
        ),
        (
            ("--json", "--site", "archive.mid"),
            "no changed, reverted, withdrawn or restored documents on archive.mid.ru\n",
        ),
    ],
)
def test_nothing_in_range_is_one_line_on_stderr(archive_dir: Path, args: tuple[str, ...], said: str) -> None:
    result = run(archive_dir, "changes", *args)
    assert result.exit_code == 0 and result.stdout == ""
    assert result.stderr == said


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (("--until", "2026-02-30"), "Invalid value for --until: expected YYYY-MM-DD, got '2026-02-30'"),
        (("--since", "March"), "Invalid value for --since: expected YYYY-MM-DD, got 'March'"),
        (("--since", "2026-03-05", "--until", "2026-03-04"), "--until 2026-03-04 is before --since 2026-03-05"),
        (("--limit", "0"), "Invalid value for '--limit': 0 is not in the range x>=1."),
        (("--limit", "many"), "Invalid value for '--limit': 'many' is not a valid integer range."),
        (("--site", "nowhere"), "unknown site 'nowhere'"),
    ],
)
def test_bad_values_are_one_line(archive_dir: Path, args: tuple[str, ...], error: str) -> None:
    for command in ("changes", "feed"):
        result = run(archive_dir, command, *args)
        assert result.exit_code != 0 and result.stdout == ""
        errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
        assert len(errors) == 1 and error in errors[0], result.stderr
        assert "Traceback" not in result.stderr


def test_feed_takes_the_same_period(archive_dir: Path) -> None:
    from xml.etree import ElementTree as ET

    result = run(archive_dir, "feed", "--since", "2026-03-04", "--until", "2026-03-05", "--limit", "1")
    assert result.exit_code == 0, result.output
    entries = ET.fromstring(result.stdout).findall("{http://www.w3.org/2005/Atom}entry")
    assert [e.findtext("{http://www.w3.org/2005/Atom}updated") for e in entries] == ["2026-03-05T12:00:00Z"]


def test_several_sites_take_the_events_of_each(archive_dir: Path) -> None:
    everything = listed(run(archive_dir, "changes"))
    assert listed(run(archive_dir, "changes", "--site", "mofa", "--site", "mid")) == everything
    mofa = [("2026-03-05", "reverted"), ("2026-03-03", "changed")]
    assert listed(run(archive_dir, "changes", "--site", "mofa", "--site", "archive.mid")) == mofa
    result = run(archive_dir, "changes", "--json", "--site", "mofa", "--site", "archive.mid")
    assert [json.loads(line)["key"].split("/")[0] for line in result.stdout.splitlines()] == ["mofa.go.kr"] * 2
    result = run(archive_dir, "changes", "--site", "archive.mid", "--site", "archive.mid.ru", "--since", "2026-03-07")
    assert result.stderr == "no changed, reverted, withdrawn or restored documents since 2026-03-07 on archive.mid.ru\n"
    from xml.etree import ElementTree as ET

    result = run(archive_dir, "feed", "--site", "mofa", "--site", "archive.mid")
    assert result.exit_code == 0, result.output
    entries = ET.fromstring(result.stdout).findall("{http://www.w3.org/2005/Atom}entry")
    assert [e.findtext("{http://www.w3.org/2005/Atom}updated") for e in entries] == [
        "2026-03-05T12:00:00Z",
        "2026-03-03T23:59:59Z",
    ]
