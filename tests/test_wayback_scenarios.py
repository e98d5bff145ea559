"""The web-archive scenarios say the truth: a plain reference import (exact CDX queries over each document's URL
forms as its site lists them, resume keys followed, each capture played back, classified and parsed by the
site's own rules) finds exactly the versions, sightings and skips each scenario promises the importer's tests."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import date, datetime

import httpx
import pytest

from crawler.sites import SITES
from crawler.sites.cdx import cdx_exact_url, landing_problem, memento_datetime, memento_url, parse_cdx_rows
from tests.simserver import SimServer
from tests.wayback_scenarios import REDIRECT, Scenario, bounds, bulk, mid, mofa

Found = dict[str, dict[tuple[str, tuple[str, ...]], list[datetime]]]


def _reference_import(
    scenario: Scenario, client: httpx.Client, base: str
) -> tuple[Found, Counter[str], Counter[str], int]:
    """(texts seen per key with their capture times, captures not taken by reason, redirects by how they
    landed, CDX requests)."""
    found: Found = defaultdict(dict)
    skipped: Counter[str] = Counter()
    landed: Counter[str] = Counter()
    queries = 0
    for key, doc in scenario.docs.items():
        site = SITES[key.split("/", 1)[0]]
        for form in site.url_forms(doc.url):  # the site's own list (mid.ru's Liferay form of archive.mid.ru's)
            url: str | None = cdx_exact_url(base, form)
            while url:
                page = parse_cdx_rows(client.get(url).text, url)
                queries += 1
                for row in page.rows:
                    answer = client.get(memento_url(base, row.timestamp, row.original), follow_redirects=True)
                    problem = landing_problem(
                        row.timestamp, row.original, str(answer.url), memento_datetime(answer.headers)
                    )
                    if problem:
                        landed[problem] += 1
                        skipped[REDIRECT] += 1
                        continue
                    reason = site.classify_capture(answer.text, answer.status_code, doc.url)
                    if reason:
                        skipped[reason] += 1
                        continue
                    release = site.parse_release(answer.text, doc.url)
                    found[key].setdefault((release.title, release.body), []).append(row.timestamp)
                url = page.next_url
    for texts in found.values():
        for times in texts.values():
            times.sort()  # the URL forms were asked one after the other
    return found, skipped, landed, queries


@pytest.fixture(params=[mofa, mid], ids=["mofa", "mid"])
def scenario(request: pytest.FixtureRequest) -> Scenario:
    made: Scenario = request.param()
    return made


@pytest.fixture
def served(scenario: Scenario) -> Iterator[tuple[httpx.Client, str]]:
    with SimServer(scenario.sim()) as server, httpx.Client(base_url=server.base_url) as client:
        yield client, server.base_url


def test_a_reference_import_finds_what_the_scenario_promises(
    scenario: Scenario, served: tuple[httpx.Client, str]
) -> None:
    found, skipped, landed, queries = _reference_import(scenario, *served)
    expected = {key: {(v.title, v.body): list(v.seen) for v in doc.versions} for key, doc in scenario.docs.items()}
    assert found == expected
    assert skipped == scenario.skipped
    if scenario.name == "mofa":  # one redirect capture of each kind
        assert landed == {"redirect to another URL": 1, "redirect to a distant capture": 1}
    forms = sum(len(SITES[key.split("/")[0]].url_forms(doc.url)) for key, doc in scenario.docs.items())
    assert queries > forms  # answers split by resume keys


def test_the_cases_the_issue_lists_are_all_there() -> None:
    scenarios = [mofa(), mid()]
    reasons = set().union(*(s.skipped for s in scenarios))
    assert reasons == {"challenge", "rate-limit page", "error page", "soft 404", "empty", REDIRECT}
    events = Counter(e.kind for s in scenarios for d in s.docs.values() for e in d.events)
    assert events == {"capture_changed": 3, "capture_reverted": 1, "capture_withdrawn": 2}
    assert {d.url.split("/")[2] for s in scenarios for d in s.docs.values()} == {
        "www.mofa.go.kr",
        "mid.ru",
        "archive.mid.ru",
    }
    assert sum(s.versions for s in scenarios) == 10 and sum(s.sightings for s in scenarios) == 14
    captured_429 = [c for c in scenarios[0].captures if c.status == 429]
    assert captured_429 and all(c.listed_status == "200" for c in captured_429)


def test_events_date_by_the_later_capture() -> None:
    doc = mofa().docs["mofa.go.kr/m_5676/320000"]
    assert [(e.kind, e.since.date().isoformat(), e.at.date().isoformat()) for e in doc.events] == [
        ("capture_changed", "2019-04-01", "2019-05-01"),
        ("capture_reverted", "2019-05-01", "2019-10-01"),
    ]
    gone = mofa().docs["mofa.go.kr/m_5676/320006"]
    assert gone.withdrawn and [(e.kind, e.at.date().isoformat()) for e in gone.events] == [
        ("capture_withdrawn", "2020-02-01")
    ]


def test_bounds_keep_the_versions_seen_in_the_period() -> None:
    kept = bounds(mofa(), date(2019, 4, 1), date(2019, 9, 30))
    assert {key: [v.seen for v in versions] for key, versions in kept.items()} == {
        "mofa.go.kr/m_5676/320000": [
            (datetime.fromisoformat("2019-04-01T00:00:00+00:00"),),
            (datetime.fromisoformat("2019-05-01T12:00:00+00:00"),),
        ],
        "mofa.go.kr/m_5676/320003": [(datetime.fromisoformat("2019-04-01T00:00:00+00:00"),)],
        "mofa.go.kr/m_5676/320006": [(datetime.fromisoformat("2019-04-03T00:00:00+00:00"),)],
    }


def test_bulk_is_deterministic_and_edits_every_other_capture() -> None:
    small = bulk(4, 5)
    assert small.versions == 4 * 3 and small.sightings == 4 * 5 and sum(small.skipped.values()) == 0
    assert all(len(doc.events) == 2 for doc in small.docs.values())
    assert [c.data() for c in small.captures] == [c.data() for c in bulk(4, 5).captures]
    assert len({c.timestamp + c.url for c in bulk(1000, 5).captures}) == 5000
    with SimServer(small.sim()) as server, httpx.Client(base_url=server.base_url) as client:
        found, skipped, _, _ = _reference_import(small, client, server.base_url)
    assert sum(len(texts) for texts in found.values()) == 12 and not skipped
