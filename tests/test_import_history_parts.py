"""The history import's own parts: its journal (replayed after a torn write) and the choice of captures to fetch."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

import httpx
import pytest

from crawler.net.page import Page
from crawler.pipeline.history_find import worth_fetching
from crawler.pipeline.history_journal import Found, HistoryJournal, journal_path, stamp, unstamp, unstamp_any
from crawler.pipeline.history_judged import JudgedCaptures

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
    assert not HistoryJournal.open(path).complete(["prefix:mofa.go.kr/www/brd/m_5676/"]), "live visits not ended"
    journal.all_visited()

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
        # each text of a day: the first may be a challenge hiding the release, a later one a same-day correction
        (
            [("20190101080000", "A"), ("20190101120000", "B"), ("20190102090000", "C")],
            ["20190101080000", "20190101120000", "20190102090000"],
        ),
        # a text seen later the same day as another, and again the next day: fetched once
        (
            [("20190101080000", "A"), ("20190101120000", "B"), ("20190102090000", "B")],
            ["20190101080000", "20190101120000"],
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


def capture_page(asked: str, body: str, *, landed: str = "", status: int = 200, original: str = URL) -> Page:
    """The memento the web archive serves for `asked` (landing on `landed`, a capture of `original`)."""
    landed = landed or asked
    final = f"https://web.archive.org/web/{landed}id_/{original}"
    headers = httpx.Headers(
        {"Memento-Datetime": format_datetime(unstamp(landed), usegmt=True), "Link": f'<{original}>; rel="original"'}
    )
    data = body.encode()
    return Page(final, final, status, headers, data, body, "utf-8", datetime.now(UTC))


def release_html(seq: int = 100, title: str = "Outcome of the Consultation") -> str:
    from tests.sim_mofa import make_releases, view_page

    rel = make_releases(1, start_seq=seq)[0]
    return view_page(replace(rel, title=title))


@pytest.mark.parametrize(
    ("landed", "original", "reason"),
    [
        ("20190312094512", URL, ""),  # the capture asked for
        ("20190313090000", "http://mofa.go.kr/www/brd/m_5676/view.do?seq=100", ""),  # another form, within a day
        ("20190320000000", URL, "redirect"),  # the nearest capture, a week away
        ("20190312094512", "https://www.mofa.go.kr/www/brd/m_5676/list.do", "redirect"),  # the list page
        ("20190312094512", "https://www.mofa.go.kr/www/brd/m_5676/view.do?seq=101", "redirect"),  # another release
    ],
)
def test_a_capture_is_the_release_only_where_it_landed_on_the_document(landed: str, original: str, reason: str) -> None:
    from crawler.pipeline.history_judge import judge
    from crawler.sites import SITES

    asked = row("20190312094512", "A")
    verdict = judge(
        SITES["mofa.go.kr"], asked, capture_page("20190312094512", release_html(), landed=landed, original=original)
    )
    assert verdict.reason == reason
    assert (verdict.release is not None) == (not reason)
    assert verdict.capture.at == unstamp(landed)
    assert verdict.capture.url == f"https://web.archive.org/web/{landed}id_/{original}"


def test_a_capture_no_parser_understands_is_unparsable_with_its_template_hint() -> None:
    from crawler.pipeline.history_judge import judge
    from crawler.sites import SITES

    page = capture_page(
        "20190312094512", "<html><body class='old-skin'><div id='contents'>Nothing here</div></body></html>"
    )
    verdict = judge(SITES["mofa.go.kr"], row("20190312094512", "A"), page)
    assert verdict.release is None and verdict.reason == "unparsable" and verdict.hint
    assert verdict.outcome == f"unparsable:{verdict.hint}"


@pytest.mark.parametrize("title", ["404 days of the blockade: statement", "Error of judgment", "On the rate limit"])
def test_a_release_titled_like_an_error_page_is_judged_the_release_not_gone(title: str) -> None:
    from crawler.pipeline.history_judge import judge
    from crawler.sites import SITES

    verdict = judge(
        SITES["mofa.go.kr"], row("20190312094512", "A"), capture_page("20190312094512", release_html(title=title))
    )
    assert verdict.reason == "" and not verdict.gone
    assert verdict.release is not None and verdict.release.title == title


def test_journal_carries_what_a_completed_import_judged(tmp_path: Path) -> None:
    old = HistoryJournal.open(tmp_path / "old.journal")
    old.judge(KEY, unstamp("20190501000000"), "skip:challenge", "http://wb/x")
    new = HistoryJournal.open(tmp_path / "new.journal")
    new.carry(old.judged)
    assert HistoryJournal.open(tmp_path / "new.journal").judged == old.judged


def test_the_archives_judged_captures_survive_a_reopen_and_ignore_a_torn_line(tmp_path: Path) -> None:
    record = JudgedCaptures.open(tmp_path)
    at = unstamp(DAY2)
    record.record(at, URL, KEY, "skip:challenge", "http://wb/web/20190102090000id_/x")
    record.record(at, URL, KEY, "skip:challenge", "http://wb/web/20190102090000id_/x")  # once only
    with record.path.open("a", encoding="utf-8") as out:
        out.write(f"20190103000000\t{URL}\t{KEY}\tskip:em")  # a kill -9 in the middle of a line
    again = JudgedCaptures.open(tmp_path)
    judged = again.get(at, URL)
    assert judged is not None and judged.outcome == "skip:challenge"
    assert again.get(unstamp("20190103000000"), URL) is None
    assert record.path.read_text(encoding="utf-8").count("skip:challenge") == 1
    later = unstamp("20190104000000")
    again.record(later, URL, KEY, "gone:soft 404", "http://wb/web/20190104000000id_/x")  # after the torn line
    judged = JudgedCaptures.open(tmp_path).get(later, URL)
    assert judged is not None and judged.outcome == "gone:soft 404"
