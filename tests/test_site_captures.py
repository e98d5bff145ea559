"""What a capture of a built-in site's release URL is when it is not the release: fixtures
tests/fixtures/<site>/<name>.html beside <name>.capture (the reason expected), the project's own text in the
structures the real pages have; and no release fixture of any site is ever taken for one."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.sites import SITES
from crawler.sites.captures import REASONS

FIXTURES = Path(__file__).parent / "fixtures"
CAPTURES = sorted(p for site in SITES for p in (FIXTURES / site).glob("*.capture"))
RELEASES = sorted(p for site in SITES for p in (FIXTURES / site).glob("*.txt"))


def html_of(path: Path) -> str:
    return path.with_suffix(".html").read_text(encoding="utf-8")


def test_every_reason_has_a_capture_of_a_built_in_site() -> None:
    assert {p.read_text(encoding="utf-8").strip() for p in CAPTURES} == set(REASONS)
    for site in SITES:
        assert [p for p in CAPTURES if p.parent.name == site], site


@pytest.mark.parametrize("page", CAPTURES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_a_capture_that_is_not_the_release_is_named_for_what_it_is(page: Path) -> None:
    expected = page.read_text(encoding="utf-8").strip()
    assert SITES[page.parent.name].classify_capture(html_of(page), 200) == expected


@pytest.mark.parametrize("page", RELEASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_a_release_page_is_a_release_and_its_template_is_named(page: Path) -> None:
    site = SITES[page.parent.name]
    assert site.classify_capture(html_of(page), 200) is None
    assert site.template_hint(html_of(page)).startswith(("board: ", "mid.ru ", "Liferay ")), page.name


@pytest.mark.parametrize(
    ("site", "page", "status", "reason"),
    [
        ("mofa.go.kr", "error_page", 404, "soft 404"),
        ("mofa.go.kr", "seed002_plain_2017", 404, "soft 404"),  # captured with 404: whatever it shows
        ("mofa.go.kr", "seed002_plain_2017", 503, "error page"),
        ("mid.ru", "news_en", 410, "soft 404"),
        ("mid.ru", "news_en", 429, "rate-limit page"),
        ("mid.ru", "challenge_tspd", 403, "challenge"),  # the wall, whatever status it came with
        ("archive.mid.ru", "topics_en", 500, "error page"),
    ],
)
def test_the_status_a_page_was_captured_with_counts(site: str, page: str, status: int, reason: str) -> None:
    assert SITES[site].classify_capture(html_of(FIXTURES / site / page), status) == reason


def test_a_side_portlets_notice_does_not_make_an_article_gone() -> None:
    page = html_of(FIXTURES / "archive.mid.ru" / "topics_en")
    page = page.replace(
        "</footer>", "</footer><div class='portlet-msg-info'>The selected web content no longer exists.</div>"
    )
    assert SITES["archive.mid.ru"].classify_capture(page, 200) is None
