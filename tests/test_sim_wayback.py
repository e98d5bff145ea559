"""The web-archive simulator behaves as WAYBACK.md says the real one does, read through pressroom's own protocol
functions (crawler/sites/cdx.py): so the importer's tests and the bench meet the real archive's pitfalls."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest

from crawler.sites.cdx import (
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
)
from tests.sim_wayback import SimCapture, WaybackSim, surt, url_key
from tests.simserver import Reply, SimServer

A = "https://mid.ru/ru/a"


def _at(stamp: str) -> datetime:
    return datetime.strptime(stamp, "%Y%m%d%H%M%S").replace(tzinfo=UTC)


@pytest.fixture
def sim() -> WaybackSim:
    return WaybackSim(
        captures=[
            SimCapture(A, "20190101000000", "text one"),
            SimCapture("http://www.mid.ru/ru/a", "20190201000000", "text one"),  # same text, another URL form
            SimCapture(A, "20190301000000", "text two"),
            SimCapture(A, "20190401000000", "text one"),  # back to the first text: listed again
            SimCapture(A, "20190501000000", "gone", status=404),
            SimCapture(A, "20190601000000", "", listed_status="-"),  # a revisit row
            SimCapture("https://mid.ru/ru/b", "20200101000000", "b"),
            SimCapture("https://mid.ru/en/c", "20200101000000", "c"),
        ]
    )


@pytest.fixture
def served(sim: WaybackSim) -> Iterator[tuple[httpx.Client, str]]:
    with SimServer(sim) as server, httpx.Client(base_url=server.base_url) as client:
        yield client, server.base_url


def _rows(client: httpx.Client, url: str) -> list[tuple[str, str]]:
    page = parse_cdx_rows(client.get(url).text, url)
    assert page.skipped == 0
    return [(row.stamp, row.original) for row in page.rows]


def test_exact_query_matches_every_form_and_collapses_only_adjacent_digests(served: tuple[httpx.Client, str]) -> None:
    client, base = served
    assert _rows(client, cdx_exact_url(base, "http://www.MID.ru/ru/a")) == [
        ("20190101000000", A),  # the www/http capture of the same text right after it is merged into this row
        ("20190301000000", A),
        ("20190401000000", A),  # the first text again, not adjacent: listed again
    ]
    everything = cdx_query_url(base, A, collapse="", status="")
    assert [stamp for stamp, _ in _rows(client, everything)] == [
        "20190101000000",
        "20190201000000",
        "20190301000000",
        "20190401000000",
        "20190501000000",
        "20190601000000",
    ]


@pytest.mark.parametrize(
    ("options", "stamps"),
    [
        ({"since": "2019020", "until": "201903"}, ["20190201000000", "20190301000000"]),
        ({"status": "!200", "collapse": ""}, ["20190501000000", "20190601000000"]),
        ({"status": "[0-9]+", "collapse": "timestamp:4"}, ["20190101000000"]),
        ({"status": "20", "collapse": ""}, []),  # a full match, not a search
    ],
)
def test_filters_bounds_and_collapse(
    served: tuple[httpx.Client, str], options: dict[str, str], stamps: list[str]
) -> None:
    client, base = served
    assert [stamp for stamp, _ in _rows(client, cdx_query_url(base, A, **options))] == stamps  # type: ignore[arg-type]


def test_a_revisit_row_reads_as_such(served: tuple[httpx.Client, str]) -> None:
    client, base = served
    url = cdx_query_url(base, A, status="-", collapse="")
    page = parse_cdx_rows(client.get(url).text, url)
    assert [(row.status, row.mimetype) for row in page.rows] == [(None, "warc/revisit")]


def test_prefix_queries_and_collapse_by_url(served: tuple[httpx.Client, str]) -> None:
    client, base = served
    assert _rows(client, cdx_prefix_url(base, "www.mid.ru/ru/", collapse="urlkey")) == [
        ("20190101000000", A),
        ("20200101000000", "https://mid.ru/ru/b"),
    ]
    star = client.get(f"{base}/cdx/search/cdx", params={"url": "mid.ru/*", "output": "json", "collapse": "urlkey"})
    assert [row[2] for row in star.json()[1:]] == ["https://mid.ru/en/c", A, "https://mid.ru/ru/b"]  # by SURT key


def test_a_capped_page_splits_the_answer_with_resume_keys(sim: WaybackSim, served: tuple[httpx.Client, str]) -> None:
    client, base = served
    sim.page_cap = 2
    url: str | None = cdx_query_url(base, "mid.ru/", match="prefix", collapse="", status="")
    seen: list[tuple[str, str]] = []
    while url:
        page = parse_cdx_rows(client.get(url).text, url)
        assert len(page.rows) <= 2
        seen += [(row.stamp, row.original) for row in page.rows]
        url = page.next_url
    assert len(seen) == 8 and len(set(seen)) == 8
    assert len(sim.requests) == 4


def test_text_output_and_the_field_list(served: tuple[httpx.Client, str]) -> None:
    client, base = served
    answer = client.get(f"{base}/cdx/search/cdx", params={"url": "mid.ru/ru/b", "fl": "timestamp,statuscode"})
    assert answer.text == "20200101000000 200\n"


def test_an_excluded_site_answers_an_access_control_error(sim: WaybackSim, served: tuple[httpx.Client, str]) -> None:
    client, base = served
    sim.excluded.append("mid.ru/ru/")
    answer = client.get(cdx_exact_url(base, A))
    assert answer.status_code == 403 and cdx_exclusion(answer.text) == "AdministrativeAccessControlException"


def test_playback_of_a_capture_is_its_bytes_with_memento_headers(
    sim: WaybackSim, served: tuple[httpx.Client, str]
) -> None:
    client, base = served
    sim.add(
        SimCapture(
            "https://www.mofa.go.kr/x",
            "20180101120000",
            "<p>limit</p>",
            status=429,
            headers={"Content-Type": "text/html", "Server": "nginx"},
        )
    )
    answer = client.get(memento_url(base, _at("20190301000000"), A))
    assert (answer.status_code, answer.text) == (200, "text two")
    assert memento_datetime(answer.headers.multi_items()) == _at("20190301000000")
    assert link_original(answer.headers) == A
    captured_429 = client.get(memento_url(base, "20180101120000", "http://mofa.go.kr/x"))
    assert captured_429.status_code == 429 and captured_429.text == "<p>limit</p>"  # the archive's copy of a 429
    assert memento_datetime(captured_429.headers) == _at("20180101120000")
    assert link_original(captured_429.headers) == "https://www.mofa.go.kr/x"
    assert original_headers(captured_429.headers)["server"] == "nginx"


def test_a_time_without_a_capture_lands_on_the_nearest_however_far(
    sim: WaybackSim, served: tuple[httpx.Client, str]
) -> None:
    client, base = served
    sim.add(SimCapture("https://mid.ru/ru/d", "20210101000000", "listed", playable=False))
    sim.add(SimCapture("https://mid.ru/ru/d", "20210901000000", "later"))
    asked = _at("20210101000000")
    answer = client.get(memento_url(base, asked, "https://mid.ru/ru/d"), follow_redirects=True)
    assert (answer.status_code, answer.text, len(answer.history)) == (200, "later", 1)
    assert landing_problem(asked, "https://mid.ru/ru/d", str(answer.url)) == "redirect to a distant capture"
    near = client.get(memento_url(base, "20190301000001", A), follow_redirects=True)
    assert near.text == "text two"
    assert landing_problem(_at("20190301000001"), A, str(near.url), memento_datetime(near.headers)) is None


def test_a_redirect_capture_lands_on_another_url(sim: WaybackSim, served: tuple[httpx.Client, str]) -> None:
    client, base = served
    sim.add(SimCapture("https://mid.ru/ru/old", "20200101000000", redirect_to="https://mid.ru/ru/b"))
    first = client.get(memento_url(base, "20200101000000", "https://mid.ru/ru/old"))
    assert first.status_code == 302 and memento_datetime(first.headers) == _at("20200101000000")
    landed = client.get(memento_url(base, "20200101000000", "https://mid.ru/ru/old"), follow_redirects=True)
    assert landed.text == "b"
    assert landing_problem(_at("20200101000000"), "https://mid.ru/ru/old", str(landed.url)) == "redirect to another URL"


def test_the_archives_own_404_has_no_memento_datetime(served: tuple[httpx.Client, str]) -> None:
    client, base = served
    for url in (memento_url(base, "20190101000000", "https://mid.ru/nothing"), f"{base}/web/2019/{A}"):
        answer = client.get(url)
        assert answer.status_code == 404 and memento_datetime(answer.headers) is None


def test_a_storm_of_429s_by_count_on_one_lane(sim: WaybackSim, served: tuple[httpx.Client, str]) -> None:
    client, base = served
    sim.storm(lanes=["cdx"], count=2)
    statuses = [client.get(cdx_exact_url(base, A)) for _ in range(3)]
    assert [a.status_code for a in statuses] == [429, 429, 200]
    assert all("retry-after" not in a.headers and "memento-datetime" not in a.headers for a in statuses[:2])
    assert client.get(memento_url(base, "20190101000000", A)).status_code == 200
    assert [hit.status for hit in sim.lane_hits("cdx")] == [429, 429, 200]
    quiet = sim.quiet_after_429()
    assert len(quiet) == 2 and all(gap >= 0 for gap in quiet)
    assert quiet[0] == sim.lane_hits("cdx")[1].at - sim.lane_hits("cdx")[0].at


def test_a_captured_429_is_no_refusal_of_the_archive(sim: WaybackSim, served: tuple[httpx.Client, str]) -> None:
    client, base = served
    sim.add(SimCapture(A, "20190701000000", "limit", status=429))
    assert client.get(memento_url(base, "20190701000000", A)).status_code == 429
    assert sim.quiet_after_429() == [] and sim.hits[-1].memento


def test_a_storm_for_some_seconds_on_both_lanes(sim: WaybackSim, served: tuple[httpx.Client, str]) -> None:
    client, base = served
    sim.storm(seconds=30)
    assert client.get(cdx_exact_url(base, A)).status_code == 429
    assert client.get(memento_url(base, "20190101000000", A)).status_code == 429
    sim.storm(seconds=0)  # over
    assert client.get(memento_url(base, "20190101000000", A)).status_code == 200


def test_failures_and_the_request_log_per_lane(sim: WaybackSim, served: tuple[httpx.Client, str]) -> None:
    client, base = served
    sim.fail_next("cdx", Reply(504, "Gateway Time-out"))
    assert client.get(cdx_exact_url(base, A)).status_code == 504
    for _ in range(3):
        client.get(memento_url(base, "20190101000000", A))
    assert client.get(f"{base}/robots.txt").status_code == 404
    assert [len(sim.lane_hits(lane)) for lane in ("cdx", "web", "other")] == [1, 3, 1]
    assert sim.busiest("web", 60) == 3 and sim.busiest("web", 1e-9) == 1 and sim.busiest("cdx", 60) == 1


@pytest.mark.parametrize(
    ("url", "key", "surt_key"),
    [
        ("https://www.MID.ru:443/ru/A?b=2&a=1", "mid.ru/ru/a?a=1&b=2", "ru,mid)/ru/a?a=1&b=2"),
        ("archive.mid.ru", "archive.mid.ru/", "ru,mid,archive)/"),
        ("http://mofa.go.kr:8080/eng", "mofa.go.kr:8080/eng", "kr,go,mofa:8080)/eng"),
    ],
)
def test_url_keys(url: str, key: str, surt_key: str) -> None:
    assert (url_key(url), surt(url)) == (key, surt_key)
