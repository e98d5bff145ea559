"""The web archive's protocol, pure: CDX query URLs and rows, memento URLs and headers, with the ugly real cases."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from urllib.parse import parse_qs, parse_qsl, urlsplit

import pytest

from crawler.errors import ParseError
from crawler.sites.cdx import (
    CDX_FIELDS,
    CdxRow,
    cdx_exact_url,
    cdx_exclusion,
    cdx_prefix_url,
    cdx_query_url,
    landing_problem,
    link_original,
    memento_datetime,
    memento_url,
    original_headers,
    parse_cdx_rows,
    parse_memento_url,
    parse_stamp,
    url_key,
    wayback_stamp,
    with_resume,
)

WB = "https://web.archive.org"
T = datetime(2019, 3, 12, 9, 45, 12, tzinfo=UTC)


def _query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query, keep_blank_values=True)


def test_exact_query_asks_for_distinct_good_captures_of_one_url() -> None:
    url = cdx_exact_url(WB + "/", "https://www.mid.ru/ru/x?id=1&a=b", since=date(2019, 1, 1), until=date(2019, 12, 31))
    assert url.startswith("https://web.archive.org/cdx/search/cdx?")
    assert _query(url) == {
        "url": ["https://www.mid.ru/ru/x?id=1&a=b"],  # the document URL survives as one value
        "matchType": ["exact"],
        "output": ["json"],
        "fl": [",".join(CDX_FIELDS)],
        "filter": ["statuscode:200"],
        "collapse": ["digest"],
        "from": ["20190101"],
        "to": ["20191231"],  # a day: the index widens it to the day's last second
        "limit": ["1000"],
        "showResumeKey": ["true"],
    }


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({}, {"collapse": ["digest"], "filter": ["statuscode:200"]}),
        ({"collapse": "urlkey"}, {"collapse": ["urlkey"], "filter": ["statuscode:200"]}),
        ({"collapse": "timestamp:8", "status": ""}, {"collapse": ["timestamp:8"]}),
        ({"collapse": "", "status": "!404"}, {"filter": ["!statuscode:404"]}),
        (
            {"since": T, "until": "2020", "status": ""},
            {"collapse": ["digest"], "from": ["20190312094512"], "to": ["2020"]},
        ),
        (
            {"limit": 5, "resume_key": "com,mid)/ru 2019", "collapse": ""},
            {"filter": ["statuscode:200"], "limit": ["5"], "resumeKey": ["com,mid)/ru 2019"]},
        ),
    ],
)
def test_query_options(options: dict[str, object], expected: dict[str, list[str]]) -> None:
    query = _query(cdx_query_url(WB, "mid.ru/ru/", match="prefix", **options))  # type: ignore[arg-type]
    assert query["matchType"] == ["prefix"]
    for name in ("collapse", "filter", "from", "to", "resumeKey"):
        assert query.get(name) == expected.get(name), name
    if "limit" in expected:
        assert query["limit"] == expected["limit"]


def test_prefix_query_and_bad_match_type() -> None:
    assert _query(cdx_prefix_url(WB, "mofa.go.kr/eng/brd/"))["matchType"] == ["prefix"]
    with pytest.raises(ValueError, match="matchType"):
        cdx_query_url(WB, "x", match="domain")


def test_resume_replaces_an_earlier_key_and_keeps_the_rest() -> None:
    first = cdx_exact_url(WB, "mid.ru/a")
    second = with_resume(with_resume(first, "k1"), "k 2+")
    pairs = parse_qsl(urlsplit(second).query)
    assert [v for k, v in pairs if k == "resumeKey"] == ["k 2+"]
    assert [p for p in pairs if p[0] != "resumeKey"] == parse_qsl(urlsplit(first).query)


HEADER = list(CDX_FIELDS)


def _row(ts: str, original: str = "https://mid.ru/a", status: str = "200") -> list[str]:
    return ["ru,mid)/a", ts, original, "text/html", status, "DIGEST" + ts, "1234"]


def test_rows_parse_and_the_resume_key_gives_the_next_page() -> None:
    text = json.dumps([HEADER, _row("20190312094512"), _row("20200101000000", "http://www.mid.ru/a"), [], ["KEY1"]])
    page = parse_cdx_rows(text, cdx_exact_url(WB, "mid.ru/a"))
    assert page.rows == [
        CdxRow(T, "https://mid.ru/a", 200, "text/html", "DIGEST20190312094512"),
        CdxRow(datetime(2020, 1, 1, tzinfo=UTC), "http://www.mid.ru/a", 200, "text/html", "DIGEST20200101000000"),
    ]
    assert page.rows[0].stamp == "20190312094512"
    assert page.skipped == 0
    assert page.next_url is not None and _query(page.next_url)["resumeKey"] == ["KEY1"]


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        (_row("2019031209451"), "13-digit timestamp"),
        (_row("201903120945123"), "15-digit timestamp"),
        (_row("20191345000000"), "month 13"),
        (_row("20190230120000"), "30 February"),
        (_row("2019-03-12 09:4"), "not digits"),
        (_row("20190312094512", original=" "), "no original"),
        (_row("20190312094512")[:5], "short row"),
        (_row("20190312094512") + ["extra"], "long row"),
        ("not a row", "not a list"),
    ],
)
def test_malformed_rows_are_skipped_and_counted(raw: object, why: str) -> None:
    text = json.dumps([HEADER, raw, _row("20190312094512")])
    page = parse_cdx_rows(text, "u")
    assert (len(page.rows), page.skipped) == (1, 1), why


@pytest.mark.parametrize(
    ("status", "expected"),
    [("200", 200), ("-", None), ("302", 302), ("", None), ("20x", None), ("2000", None)],
)
def test_status_of_revisits_and_garbage_is_none(status: str, expected: int | None) -> None:
    page = parse_cdx_rows(json.dumps([HEADER, _row("20190312094512", status=status)]), "u")
    assert page.rows[0].status == expected


def test_fields_in_another_order_and_fewer_fields() -> None:
    text = json.dumps([["original", "timestamp"], ["https://mid.ru/b", "20190312094512"]])
    assert parse_cdx_rows(text, "u").rows == [CdxRow(T, "https://mid.ru/b", None, "", "")]


@pytest.mark.parametrize("text", ["", "  \n", "[]"])
def test_empty_answers_have_no_rows(text: str) -> None:
    page = parse_cdx_rows(text, "u")
    assert (page.rows, page.skipped, page.next_url) == ([], 0, None)


def test_a_page_of_only_a_resume_key_still_pages() -> None:
    page = parse_cdx_rows(json.dumps([HEADER, [], ["K"]]), cdx_exact_url(WB, "a"))
    assert page.rows == [] and page.next_url is not None and "resumeKey=K" in page.next_url


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("<html>504 Gateway Time-out</html>", "not JSON"),
        ('{"error": 1}', "not a JSON array"),
        ('["a", "b"]', "not a JSON array"),
        (json.dumps([["urlkey", "digest"], ["x", "y"]]), "lacks the timestamp"),
    ],
)
def test_answers_that_are_not_cdx_tables_name_the_url(text: str, message: str) -> None:
    with pytest.raises(ParseError, match=message) as caught:
        parse_cdx_rows(text, "https://web.archive.org/cdx/search/cdx?url=x")
    assert caught.value.url == "https://web.archive.org/cdx/search/cdx?url=x"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("org.archive.wayback.exception.AdministrativeAccessControlException: Blocked Site Error", "Administrative"),
        ("RobotAccessControlException: Blocked By Robots", "Robot"),
        ("[]", None),
    ],
)
def test_exclusions(text: str, expected: str | None) -> None:
    found = cdx_exclusion(text)
    assert (found is None) if expected is None else (found is not None and found.startswith(expected))


def test_memento_url_round_trips_with_a_query_string() -> None:
    original = "https://www.mofa.go.kr/eng/brd/m_5676/view.do?seq=320000&page=1"
    url = memento_url(WB + "/", T, original)
    assert url == f"https://web.archive.org/web/20190312094512id_/{original}"
    assert parse_memento_url(url) == (T, original)
    assert memento_url(WB, "20190312094512", original) == url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://web.archive.org/web/20190312094512/http://mid.ru/a", (T, "http://mid.ru/a")),
        ("https://web.archive.org/web/20190312094512if_/http://mid.ru/a", (T, "http://mid.ru/a")),
        ("http://127.0.0.1:8123/web/20190312094512id_/https:/mid.ru/a", (T, "https://mid.ru/a")),
        ("https://web.archive.org/web/20190312094512id_/HTTPS://MID.RU/A?x=1", (T, "HTTPS://MID.RU/A?x=1")),
        ("https://web.archive.org/web/2019/https://mid.ru/a", None),  # not one capture
        ("https://web.archive.org/web/20191312094512id_/https://mid.ru/a", None),
        ("https://web.archive.org/web/20190312094512id_/mid.ru/a", None),
        ("https://web.archive.org/cdx/search/cdx?url=mid.ru", None),
        ("https://mid.ru/ru/web/20190312094512/x", None),
    ],
)
def test_parse_memento_url(url: str, expected: tuple[datetime, str] | None) -> None:
    assert parse_memento_url(url) == expected


LINK = (
    '<https://www.mid.ru/ru/foreign_policy/news/-/asset_publisher/cKNonkJE02Bw/content/id/3570000>; rel="original", '
    '<https://web.archive.org/web/timemap/link/https://www.mid.ru/ru/x>; rel="timemap"; '
    'type="application/link-format", '
    '<https://web.archive.org/web/20190312094512/https://www.mid.ru/ru/x>; rel="first memento"; '
    'datetime="Tue, 12 Mar 2019 09:45:12 GMT"'
)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (
            {"Link": LINK},
            "https://www.mid.ru/ru/foreign_policy/news/-/asset_publisher/cKNonkJE02Bw/content/id/3570000",
        ),
        (
            [("link", '<https://a.example/x>; rel="memento"'), ("LINK", "<https://b.example/y>; rel=original")],
            "https://b.example/y",
        ),
        ({"link": '<https://a/b,c>; rel="timegate original"'}, "https://a/b,c"),
        ({"link": '<https://a/b>; rel="originals"'}, None),
        ({"link": "garbage"}, None),
        ({}, None),
    ],
)
def test_link_original(headers: object, expected: str | None) -> None:
    assert link_original(headers) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Tue, 12 Mar 2019 09:45:12 GMT", T),
        ("Tue, 12 Mar 2019 12:45:12 +0300", T),
        ("Tue, 12 Mar 2019 09:45:12", T),  # no zone: the header is always GMT
        ("yesterday", None),
        ("", None),
    ],
)
def test_memento_datetime(value: str, expected: datetime | None) -> None:
    found = memento_datetime({"Memento-Datetime": value})
    assert found == expected
    assert found is None or found.tzinfo is not None
    assert memento_datetime({"Date": "Tue, 12 Mar 2019 09:45:12 GMT"}) is None


def test_original_headers_are_unprefixed() -> None:
    headers = {"X-Archive-Orig-CF-Mitigated": "challenge", "x-archive-orig-server": "nginx", "Server": "ia"}
    assert original_headers(headers) == {"cf-mitigated": "challenge", "server": "nginx"}


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("https://www.mid.ru/ru/a", "http://mid.ru/ru/a", True),
        ("https://MID.ru:443/ru/A", "mid.ru/ru/a", True),
        ("https://mid.ru/a?y=2&x=1", "http://mid.ru/a?x=1&y=2", True),
        ("https://mid.ru", "https://mid.ru/", True),
        ("https://mid.ru/a", "https://mid.ru/b", False),
        ("https://mid.ru:8080/a", "https://mid.ru/a", False),
        ("https://archive.mid.ru/a", "https://mid.ru/a", False),
        ("http://mid.ru:80a/a", "http://mid.ru/a", False),  # a port that is no number raises nothing
        ("http://mid.ru:80a/a", "https://www.mid.ru:80a/a", True),
    ],
)
def test_url_key_matches_as_the_index_does(a: str, b: str, same: bool) -> None:
    assert (url_key(a) == url_key(b)) is same


@pytest.mark.parametrize(
    ("landed", "at", "expected"),
    [
        ("https://web.archive.org/web/20190312094512id_/https://mid.ru/a", None, None),
        ("https://web.archive.org/web/20190312200000id_/http://www.mid.ru/a", None, None),  # hours, another form
        ("https://web.archive.org/web/20190601000000id_/https://mid.ru/a", None, "redirect to a distant capture"),
        ("https://web.archive.org/web/20190312094512id_/https://mid.ru/", None, "redirect to another URL"),
        (
            "https://web.archive.org/web/20190312094512id_/https://mid.ru/a",
            datetime(2018, 1, 1, tzinfo=UTC),
            "redirect to a distant capture",
        ),
        ("https://mid.ru/a", None, None),  # not a memento URL, no Memento-Datetime: nothing to judge by
    ],
)
def test_landing_problem(landed: str, at: datetime | None, expected: str | None) -> None:
    assert landing_problem(T, "https://mid.ru/a", landed, at) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("20190312094512", T), ("00000000000000", None), ("2019031209451a", None), ("", None)],
)
def test_stamps(text: str, expected: datetime | None) -> None:
    assert parse_stamp(text) == expected
    if expected is not None:
        assert wayback_stamp(expected) == text
        assert wayback_stamp(expected.replace(tzinfo=None)) == text
