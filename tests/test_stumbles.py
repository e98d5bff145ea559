"""The small things a person trips on: clipped titles end in `…`, counts are whole and singular when they
are one, a negative --limit is refused, empty answers say so, tables have headers."""

from __future__ import annotations

import pytest

from crawler.wording import clip, count, table
from tests.conftest import Pressroom
from tests.sim_mofa import MofaSim
from tests.simserver import SimServer

KEY = "mofa.go.kr/m_5676/320033"


@pytest.mark.parametrize(
    ("text", "width", "expected"),
    [
        ("short", 70, "short"),
        ("exactly10!", 10, "exactly10!"),
        ("eleven char", 10, "eleven ch…"),
        ("word and space", 10, "word and…"),  # no space left dangling before the ellipsis
        ("외교부 대변인 정례브리핑", 5, "외교부…"),
    ],
)
def test_clip(text: str, width: int, expected: str) -> None:
    assert clip(text, width) == expected
    assert len(clip(text, width)) <= width


@pytest.mark.parametrize(
    ("number", "words", "expected"),
    [
        (0, ("result",), "0 results"),
        (1, ("result",), "1 result"),
        (2, ("result",), "2 results"),
        (1, ("entry", "entries"), "1 entry"),
        (3, ("entry", "entries"), "3 entries"),
    ],
)
def test_count(number: int, words: tuple[str, ...], expected: str) -> None:
    assert count(number, *words) == expected


def test_table_aligns_under_its_header() -> None:
    assert table(("N", "NAME", "NOTE"), [("1", "a", "x y"), ("12", "long name", "")], right=frozenset({0})) == [
        " N  NAME       NOTE",
        " 1  a          x y",
        "12  long name",
    ]


def test_a_long_title_is_clipped_with_an_ellipsis(pressroom: Pressroom, mofa_sim: tuple[MofaSim, SimServer]) -> None:
    sim, _ = mofa_sim
    pressroom("crawl", "mofa")
    title = "Joint Statement " + "on Cooperation " * 10
    sim.edit(320033, title=title.strip())
    line = next(line for line in pressroom("crawl", "mofa").stderr.splitlines() if line.startswith("changed"))
    assert line.endswith("…") and line.startswith(f"changed {KEY} v2  Joint Statement on Cooperation")
    assert len(line.split("  ", 1)[1]) == 70


def test_search_counts_every_match_and_says_one_result(pressroom: Pressroom) -> None:
    pressroom("crawl", "mofa")
    result = pressroom("search", "Consultation", "--limit", "5")
    assert len(result.stdout.splitlines()) == 10, "five hits, two lines each"
    assert result.stderr == "5 of 12 matches (--limit to see more)\n"
    assert pressroom("search", "Consultation").stderr == "12 matches\n"
    assert pressroom("search", "Consultation No. 12").stderr == "1 match\n"


def test_singular_counts_in_export_and_feed(pressroom: Pressroom, mofa_sim: tuple[MofaSim, SimServer]) -> None:
    sim, _ = mofa_sim
    pressroom("crawl", "mofa")
    sim.edit(320033, body=["Replaced text."])
    pressroom("crawl", "mofa")
    assert pressroom("export", "--until", "2024-01-31").stderr == "1 record\n"
    out = pressroom.archive.parent / "feed.xml"
    assert pressroom("feed", "-o", str(out)).stderr == f"wrote 1 entry to {out}\n"
    assert pressroom("reindex").stderr == "12 documents, 13 versions indexed\n"


@pytest.mark.parametrize("command", [("search", "Consultation"), ("runs",)])
@pytest.mark.parametrize("limit", ["-1", "0"])
def test_a_limit_below_one_is_a_usage_error(pressroom: Pressroom, command: tuple[str, ...], limit: str) -> None:
    pressroom("crawl", "mofa")
    result = pressroom(*command, "--limit", limit, ok=False)
    assert result.exit_code == 2 and result.stdout == ""
    assert f"Error: Invalid value for '--limit': {limit} is not in the range x>=1." in result.stderr


def test_changes_says_when_there_is_nothing(pressroom: Pressroom) -> None:
    pressroom("crawl", "mofa")
    result = pressroom("changes")
    assert result.stdout == ""
    assert result.stderr == "no changed, reverted, withdrawn or restored documents\n"
    result = pressroom("changes", "--since", "2026-01-01", "--site", "mofa")
    assert result.stderr == "no changed, reverted, withdrawn or restored documents since 2026-01-01 on mofa.go.kr\n"


def test_runs_without_runs_says_so(pressroom: Pressroom) -> None:
    pressroom.archive.mkdir()
    (pressroom.archive / "catalog.sqlite").touch()
    result = pressroom("runs")
    assert result.stdout == "" and result.stderr == f"no runs yet in the archive at {pressroom.archive}\n"


def test_a_key_may_name_the_site_by_its_alias(pressroom: Pressroom) -> None:
    pressroom("crawl", "mofa")
    shown = pressroom("show", KEY).stdout
    assert pressroom("show", "mofa/m_5676/320033").stdout == shown
    assert pressroom("history", "MOFA/m_5676/320033/").stdout.splitlines()[0] == KEY
    result = pressroom("show", f"{KEY}/en", ok=False)
    assert result.stderr == f"Error: no document {KEY}/en: {KEY} has no language part\n"
    result = pressroom("show", "mofax/m_5676/320033", ok=False)
    assert result.stderr.startswith("Error: no document mofax/m_5676/320033: unknown site 'mofax'; known sites:")


def test_a_key_without_its_language(mid_pressroom: Pressroom) -> None:
    mid_pressroom("crawl", "mid.ru")
    both = "mid.ru/id/1899422"
    result = mid_pressroom("history", both, ok=False)
    assert result.stderr == (f"Error: {both} is archived in 2 languages: name one ({both}/en, {both}/ru)\n")
    assert mid_pressroom("show", "mid/id/1792011").stdout == mid_pressroom("show", "mid.ru/id/1792011/en").stdout, (
        "the only language is taken"
    )
    result = mid_pressroom("show", "mid.ru/id/1", ok=False)
    assert result.stderr == f"Error: no document mid.ru/id/1 in the archive at {mid_pressroom.archive}\n"


def test_a_wrong_collection_id_is_named(pressroom: Pressroom, mofa_sim: tuple[MofaSim, SimServer]) -> None:
    config = pressroom.config.read_text(encoding="utf-8")
    pressroom.config.write_text(config.replace('"m_5676"]', '"m_5676", "m_9999"]'), encoding="utf-8")
    result = pressroom("crawl", "mofa", ok=False)
    assert result.exit_code == 1
    url = f"{mofa_sim[1].base_url}/eng/brd/m_9999/list.do?page=1"
    problems = [line for line in result.stderr.splitlines() if line.startswith(("failed", "blocked"))]
    assert problems == [
        f"failed mofa.go.kr: collection m_9999: the list page has no items; is the collection id right? ({url})"
    ]
    assert "mofa.go.kr: 12 new, 1 failed" in result.stderr, "the right board is archived all the same"
    history = pressroom("runs").stdout.splitlines()[1]
    assert "partial" in history and "blocked" not in history
