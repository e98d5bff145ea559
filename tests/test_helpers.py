"""Table tests for the small helpers: dates, text normalization, textify, charsets, Retry-After."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from selectolax.lexbor import LexborHTMLParser

from archive.document import normalize_text
from crawler.net.blocks import challenge_marker
from crawler.net.charset import decode_html, detection_candidates
from crawler.net.retry import parse_retry_after
from crawler.parse.dates import parse_when
from crawler.parse.textify import is_contents_list, paragraphs
from crawler.sites import SITES, mid, mofa
from crawler.sites.languages import calendar

KST = timezone(timedelta(hours=9))
SEOUL = mofa.CALENDAR  # the calendars of the sites that print these dates
MOSCOW = mid.CALENDAR
MSK = timezone(timedelta(hours=3))
MID_MARKERS = mid.SITE.challenge_markers


@pytest.mark.parametrize(
    ("text", "tz", "expected"),
    [
        ("2017-08-25", SEOUL, date(2017, 8, 25)),
        ("2018-06-14 16:38:17", SEOUL, datetime(2018, 6, 14, 16, 38, 17, tzinfo=KST)),
        ("• Date : 2018-06-14 16:38:17", SEOUL, datetime(2018, 6, 14, 16, 38, 17, tzinfo=KST)),
        ("작성일 2016-06-10 20:00:00", SEOUL, datetime(2016, 6, 10, 20, 0, tzinfo=KST)),
        ("2016년 6월 10일", SEOUL, date(2016, 6, 10)),
        ("2021.08.24", SEOUL, date(2021, 8, 24)),
        ("27 October 202115:20", MOSCOW, datetime(2021, 10, 27, 15, 20, tzinfo=MSK)),
        ("23 March 2021 13:00", MOSCOW, datetime(2021, 3, 23, 13, 0, tzinfo=MSK)),
        ("2 August 2023", MOSCOW, date(2023, 8, 2)),
        ("15 января 2024", MOSCOW, date(2024, 1, 15)),
        ("15 января 2024 г. 12:05", MOSCOW, datetime(2024, 1, 15, 12, 5, tzinfo=MSK)),
        ("02.08.2023", MOSCOW, date(2023, 8, 2)),
        ("02.08.2023 14:50", MOSCOW, datetime(2023, 8, 2, 14, 50, tzinfo=MSK)),
        ("October 27, 2021", MOSCOW, date(2021, 10, 27)),
        ("2 Aug 2023", MOSCOW, date(2023, 8, 2)),
        ("27 octobre 2021", MOSCOW, date(2021, 10, 27)),
        ("3 de marzo de 2022", MOSCOW, date(2022, 3, 3)),
        ("1. März 2022", MOSCOW, date(2022, 3, 1)),
    ],
)
def test_dates(text: str, tz: object, expected: date) -> None:
    assert parse_when(text, tz) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["", "hit 2625", "2026-13-45", "３１.０１.２０２４"])
def test_not_dates(text: str) -> None:
    with pytest.raises(ValueError):
        parse_when(text, SEOUL)


def test_a_calendar_brings_its_languages_words_and_a_sites_own_month_names() -> None:
    """Month names and particles come from the site's calendar, not from the date parser."""
    latin = ("ianuarius", "februarius", "martius", "aprilis", "maius", "iunius")
    latin += ("iulius", "augustus", "september", "october", "november", "december")
    vienna = calendar("Europe/Vienna", ("de",), months=(latin,))
    assert parse_when("die 3 Martius 2022", vienna) == date(2022, 3, 3)  # the site's own spelling
    with pytest.raises(ValueError):
        parse_when("die 3 Martius 2022", calendar("Europe/Vienna", ("de",)))  # not German, nor known elsewhere
    assert parse_when("1 Juli 2022 9:30", vienna) == datetime(2022, 7, 1, 9, 30, tzinfo=ZoneInfo("Europe/Vienna"))
    korean = calendar("Asia/Seoul", ("ko",))
    assert korean.units == ("년", "월", "일") and not korean.months
    assert "년" not in "".join(p.pattern for p in calendar("Europe/Vienna", ("de",)).patterns)


def test_generic_modules_name_no_site() -> None:
    """Site knowledge (names, hosts, time zones) lives on the sites, not in the modules every site uses."""
    root = Path(__file__).parent.parent / "crawler"
    generic = [
        root / "config.py",
        *(p for part in ("parse", "pipeline", "net") for p in sorted((root / part).glob("*.py"))),
    ]
    words = {w for site in SITES.values() for w in (site.name, *site.hosts, *site.aliases)}
    words |= {"Asia/Seoul", "Europe/Moscow"}
    for path in generic:
        text = path.read_text(encoding="utf-8")
        found = sorted(w for w in words if re.search(rf"(?<![\w.]){re.escape(w)}(?![\w])", text))
        assert not found, f"{path.relative_to(root.parent)} names {found}"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  padded \n\n title  ", "padded title"),
        ("a\u00a0\u00a0b", "a b"),
        ("zero\u200bwidth\ufeff", "zerowidth"),
        ("soft\u00adhyphen", "softhyphen"),
        ("e\u0301", "\u00e9"),  # NFC
        ("\u3000full width space", "full width space"),
        ("", ""),
    ],
)
def test_normalize_text(raw: str, expected: str) -> None:
    assert normalize_text(raw) == expected


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<p>One</p><p>Two</p>", ["One", "Two"]),
        ("<p>Mi<span>nis</span>ter</p>", ["Minister"]),
        ("line one<br>line two<br/><br/>line three", ["line one", "line two", "line three"]),
        ("<p>&nbsp;</p><p>Text&rsquo;s</p><p><br></p>", ["Text\u2019s"]),
        ("<ul><li>a</li><li>b</li></ul>", ["a", "b"]),
        (
            "<table><tr><th>Date</th><th>City</th></tr><tr><td>July 11</td><td><p>Jakarta</p></td></tr></table>",
            ["Date | City", "July 11 | Jakarta"],
        ),
        ("<p>Text<script>alert(1)</script><style>p{}</style></p><!-- note -->", ["Text"]),
        ("<div>outer <div>inner</div> tail</div>", ["outer", "inner", "tail"]),
        ("<ol><li>first</li><li>second</li></ol>", ["1. first", "2. second"]),
        (
            '<table><tr><td><ol start="42"><li>&nbsp;</li></ol></td><td><p><strong>John</strong></p><p>(J.)</p></td>'
            "<td><p>&ndash;</p></td></tr></table>",
            ["42. | John (J.) | \u2013"],
        ),
    ],
)
def test_paragraphs(html: str, expected: list[str]) -> None:
    root = LexborHTMLParser(f"<div id='x'>{html}</div>").css_first("#x")
    assert root is not None
    assert paragraphs(root) == expected


def _page_link(node: object) -> bool:
    return getattr(node, "tag", "") == "a" and (getattr(node, "attributes", {}).get("href") or "").startswith("#")


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        # Entries whose text was all navigation (skipped) leave no bare "1.", "2." behind...
        ('<ol><li><a href="#1">Topic one</a></li><li><a href="#2">Topic two</a></li></ol><p>Body</p>', ["Body"]),
        # ... but keep their place in the count, as a browser shows it.
        ('<ol><li><a href="#1">Nav</a></li><li>Real item</li></ol>', ["2. Real item"]),
        # An item of paragraphs gets its number on its first paragraph, not on a line of its own.
        (
            "<ol><li><p>First point</p><p>its detail</p></li><li>Second</li></ol>",
            ["1. First point", "its detail", "2. Second"],
        ),
    ],
)
def test_numbers_of_ordered_items_whose_text_is_skipped(html: str, expected: list[str]) -> None:
    root = LexborHTMLParser(f"<div id='x'>{html}</div>").css_first("#x")
    assert root is not None
    assert paragraphs(root, skip=_page_link) == expected


@pytest.mark.parametrize(
    ("html", "contents"),
    [
        ('<ol><li><a href="#1">One</a></li><li> <a href="#2"><span></span>Two </a></li></ol>', True),
        ('<ul><li><a href="#1">One</a></li></ul>', True),
        ('<ol><li><a href="#1">One</a></li><li>Two, not a link</li></ol>', False),
        ('<ol><li><a href="/ru/news/1/">One</a></li></ol>', False),
        ("<ol><li>One</li></ol>", False),
        ("<ol></ol>", False),
    ],
)
def test_is_contents_list(html: str, contents: bool) -> None:
    node = LexborHTMLParser(html).css_first("ol, ul")
    assert node is not None
    assert is_contents_list(node) is contents


KO, RU = ("cp949",), ("cp1251",)  # the legacy charsets of mofa.go.kr and mid.ru
META_RU = "<meta charset='windows-1251'>Новости"
PRESS_RU = "Пресс-релиз министерства иностранных дел"


@pytest.mark.parametrize(
    ("body", "content_type", "legacy", "expected"),
    [
        ("보도자료".encode("cp949"), "text/html; charset=EUC-KR", (), "보도자료"),
        ("보도자료".encode("cp949") * 20, "text/html", KO, "보도자료" * 20),
        (META_RU.encode("cp1251"), "text/html", (), META_RU),
        (PRESS_RU.encode("cp1251"), "", RU, PRESS_RU),
        (b"plain", "text/html; charset=utf-8", (), "plain"),
        # mislabelled: says UTF-8, is CP949
        ("외교부 보도자료 안내".encode("cp949"), "text/html; charset=utf-8", KO, "외교부 보도자료 안내"),
        # not EUC-KR ("똠" is CP949's only): the label stands for its superset, as in a header
        ("외교부 보도자료 똠방각하 안내".encode("cp949"), "", ("euc_kr",), "외교부 보도자료 똠방각하 안내"),
    ],
)
def test_decode_html(body: bytes, content_type: str, legacy: tuple[str, ...], expected: str) -> None:
    assert decode_html(body, content_type, legacy)[0] == expected


@pytest.mark.parametrize(
    ("legacy", "expected"),
    [
        ((), ["cp1252"]),
        (KO, ["cp949", "cp1252"]),
        (("EUC-KR", "windows-1251", "cp1252"), ["cp949", "cp1251", "cp1252"]),
        (("no-such-charset",), ["cp1252"]),
    ],
)
def test_detection_candidates_are_the_sites_legacy_charsets_and_the_generic_ones(
    legacy: tuple[str, ...], expected: list[str]
) -> None:
    assert detection_candidates(legacy) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("120", 120.0),
        ("0", 0.0),
        (None, None),
        ("soon", None),
        ("Wed, 01 Jan 2026 00:01:00 GMT", 60.0),
    ],
)
def test_retry_after(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value, now=datetime(2026, 1, 1, tzinfo=UTC)) == expected


@pytest.mark.parametrize(
    ("text", "markers", "blocked"),
    [
        ('<html><script>window["bobcmn"] = "0101";</script></html>', MID_MARKERS, True),
        ('<script src="/TSPD/08e8?type=7"></script>', MID_MARKERS, True),
        ("<html><body>Request Rejected. Your support ID is: 1234</body></html>", MID_MARKERS, True),
        ("<div>Data processing... Please, wait.</div>", MID_MARKERS, True),
        ("<noscript>Please enable JavaScript to view the page content.</noscript>", MID_MARKERS, True),
        ("<p>Please enable JavaScript</p>" + "<p>release text</p>" * 2000, MID_MARKERS, False),
        ("<p>An ordinary release about JavaScript</p>", MID_MARKERS, False),
        # Any site's JavaScript gate is one; another site's markers are no sign of anything.
        ("<noscript>Please enable JavaScript to view the page content.</noscript>", (), True),
        ("<p>The Request Rejected by the committee</p>", (), False),
        ('<a href="/TSPD/">a folder named so</a>', mofa.SITE.challenge_markers, False),
    ],
)
def test_challenge_markers(text: str, markers: tuple[str, ...], blocked: bool) -> None:
    assert (challenge_marker(text, markers) is not None) == blocked
