"""The history import's own parts: its journal (replayed after a torn write) and the choice of captures to fetch."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from crawler.pipeline.history_find import worth_fetching
from crawler.pipeline.history_journal import Found, HistoryJournal, journal_path, stamp, unstamp, unstamp_any

KEY = "mofa.go.kr/m_5676/100"
DAY2 = "20190102090000"
URL = "https://www.mofa.go.kr/www/brd/m_5676/view.do?seq=100"


def row(ts: str, digest: str, original: str = URL, key: str = KEY) -> Found:
    return Found("mofa.go.kr", key, URL, unstamp(ts), original, digest)


def test_journal_replays_pages_captures_documents_and_live_visits(tmp_path: Path) -> None:
    path = journal_path(tmp_path, ["mofa.go.kr"], "", "")
    journal = HistoryJournal.open(path)
    first = [row("20190312094512", "AAA"), row("20190501000000", "BBB")]
    journal.page("prefix:mofa.go.kr/www/brd/m_5676/", first, "http://wb/cdx?resumeKey=x")
    journal.page("prefix:mofa.go.kr/www/brd/m_5676/", [row("20200101000000", "CCC")], None)
    journal.judge(KEY, unstamp("20190501000000"), "gone:soft 404", "http://wb/web/20190501000000id_/x")
    journal.imported(KEY, "1 versions")
    journal.visited(KEY, "withdrawn")

    again = HistoryJournal.open(path)
    assert [r.at for r in again.by_document()[KEY]] == [
        unstamp("20190312094512"),
        unstamp("20190501000000"),
        unstamp("20200101000000"),
    ]
    assert again.next_url == {"prefix:mofa.go.kr/www/brd/m_5676/": ""}
    assert again.judged[(KEY, unstamp("20190501000000"))].outcome == "gone:soft 404"
    assert again.docs == {KEY: "1 versions"} and again.live == {KEY: "withdrawn"}
    assert again.complete(["prefix:mofa.go.kr/www/brd/m_5676/"])
    assert not again.complete(["prefix:mofa.go.kr/www/brd/m_5676/", "prefix:other"])


def test_rows_of_a_page_cut_short_are_dropped_and_a_torn_line_ignored(tmp_path: Path) -> None:
    path = tmp_path / "j.journal"
    journal = HistoryJournal.open(path)
    journal.page("q", [row("20190312094512", "AAA")], "http://wb/next")
    with path.open("a", encoding="utf-8") as out:  # a page whose `query` line never came, then a torn line
        out.write(row("20200101000000", "CCC").line() + "\n")
        out.write("doc\tmofa.go.kr/m_5")
    again = HistoryJournal.open(path)
    assert [r.digest for r in again.by_document()[KEY]] == ["AAA"]
    assert again.next_url == {"q": "http://wb/next"} and again.docs == {}


def test_the_journal_is_named_by_the_arguments(tmp_path: Path) -> None:
    one = journal_path(tmp_path, ["mid.ru", "mofa.go.kr"], "2019-01-01", "")
    assert one == journal_path(tmp_path, ["mofa.go.kr", "mid.ru"], "2019-01-01", "")
    assert one != journal_path(tmp_path, ["mofa.go.kr", "mid.ru"], "2019-01-02", "")
    assert one.parent == tmp_path / ".import-history"


@pytest.mark.parametrize(
    ("captures", "chosen"),
    [
        # the same digest again, adjacent, even under another URL form: one text, fetched once
        ([("20190101080000", "A"), ("20190301000000", "A", "http://mofa.go.kr/x")], ["20190101080000"]),
        # a later return to an earlier text is fetched (a revert between captures)
        (
            [("20190101000000", "A"), ("20190201000000", "B"), ("20190301000000", "A")],
            ["20190101000000", "20190201000000", "20190301000000"],
        ),
        # at most one a day, the first
        (
            [("20190101080000", "A"), ("20190101120000", "B"), ("20190102090000", "C")],
            ["20190101080000", "20190102090000"],
        ),
        # a text seen later the same day as another still counts the next day
        (
            [("20190101080000", "A"), ("20190101120000", "B"), ("20190102090000", "B")],
            ["20190101080000", "20190102090000"],
        ),
        # unordered rows (several URL forms' queries) are taken by time
        ([("20200101000000", "B"), ("20190101000000", "A")], ["20190101000000", "20200101000000"]),
    ],
)
def test_captures_worth_fetching(captures: list[tuple[str, ...]], chosen: list[str]) -> None:
    rows = [row(*c) for c in captures]
    assert [stamp(r.at) for r in worth_fetching(rows)] == chosen


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("20190312094512", datetime(2019, 3, 12, 9, 45, 12, tzinfo=UTC)),
        ("2019-03-12T09:45:12Z", datetime(2019, 3, 12, 9, 45, 12, tzinfo=UTC)),
        ("2019-03-12T12:45:12+03:00", datetime(2019, 3, 12, 9, 45, 12, tzinfo=UTC)),
        ("2019-03-12T09:45:12", datetime(2019, 3, 12, 9, 45, 12, tzinfo=UTC)),
    ],
)
def test_capture_times_as_the_archive_or_the_web_archive_writes_them(text: str, expected: datetime) -> None:
    assert unstamp_any(text) == expected
