"""What a capture of a built-in site's release URL is when it is not the release: fixtures
tests/fixtures/<site>/<name>.html beside <name>.capture (the reason expected), the project's own text in the
structures the real pages have; and no release fixture of any site is ever taken for one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from crawler.sites import SITES
from crawler.sites.captures import REASONS

FIXTURES = Path(__file__).parent / "fixtures"
CAPTURES = sorted(p for site in SITES for p in (FIXTURES / site).glob("*.capture"))
RELEASES = sorted(p for site in SITES for p in (FIXTURES / site).glob("*.txt"))


def html_of(path: Path) -> str:
    return path.with_suffix(".html").read_text(encoding="utf-8")


def url_of(path: Path) -> str:
    """The URL a fixture was captured from: a release's own (its .txt), else the site's first release's."""
    text = path.with_suffix(".txt")
    if not text.exists():
        text = next(p for p in RELEASES if p.parent == path.parent)
    return next(
        line.split(": ", 1)[1] for line in text.read_text(encoding="utf-8").splitlines() if line.startswith("URL: ")
    )


def test_every_reason_has_a_capture_of_a_built_in_site() -> None:
    assert {p.read_text(encoding="utf-8").strip() for p in CAPTURES} == set(REASONS)
    for site in SITES:
        assert [p for p in CAPTURES if p.parent.name == site], site


@pytest.mark.parametrize("page", CAPTURES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_a_capture_that_is_not_the_release_is_named_for_what_it_is(page: Path) -> None:
    expected = page.read_text(encoding="utf-8").strip()
    assert SITES[page.parent.name].classify_capture(html_of(page), 200, url_of(page)) == expected


@pytest.mark.parametrize("page", RELEASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_a_release_page_is_a_release_and_its_template_is_named(page: Path) -> None:
    site = SITES[page.parent.name]
    assert site.classify_capture(html_of(page), 200, url_of(page)) is None
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
    path = FIXTURES / site / page
    assert SITES[site].classify_capture(html_of(path), status, url_of(path)) == reason


def test_a_side_portlets_notice_does_not_make_an_article_gone() -> None:
    page = html_of(FIXTURES / "archive.mid.ru" / "topics_en")
    page = page.replace(
        "</footer>", "</footer><div class='portlet-msg-info'>The selected web content no longer exists.</div>"
    )
    assert (
        SITES["archive.mid.ru"].classify_capture(page, 200, url_of(FIXTURES / "archive.mid.ru" / "topics_en")) is None
    )


# A ministry titles its releases as it likes: words that, in the <title> of a page with no release, name an
# error page, a soft 404 or a rate-limit page.
ERROR_LIKE_TITLES = (
    "Error of judgment in Washington",
    "404 days of the blockade: statement",
    "Comment on the rate limit on Russian exports",
    "Too many requests for visas left unanswered",
    "Page not found: the treaty the partners lost",
    "Ошибка Вашингтона: комментарий",
    "오류 바로잡기: 보도 해명",
)
TITLED_RELEASES = (
    ("mid.ru", "announcements_en"),
    ("mid.ru", "news_ru"),
    ("archive.mid.ru", "topics_en"),
    ("archive.mid.ru", "midru_liferay_2019_en"),
    ("mofa.go.kr", "seed002_plain_2017"),
    ("mofa.go.kr", "old_2018_title_em"),
)


def retitled(path: Path, title: str) -> str:
    """The page with its own title in <title> (before the site's " - Ministry ..." or "|Board|...") replaced."""
    html, count = re.subn(r"<title>[^<|]*?(?= View\||\||\s-\s)", f"<title>{title}", html_of(path), count=1)
    assert count == 1, path
    return html


@pytest.mark.parametrize("title", ERROR_LIKE_TITLES)
@pytest.mark.parametrize(("site", "name"), TITLED_RELEASES, ids=lambda v: str(v))
def test_a_release_titled_with_an_error_pages_words_is_a_release(site: str, name: str, title: str) -> None:
    path = FIXTURES / site / name
    assert SITES[site].classify_capture(retitled(path, title), 200, url_of(path)) is None
    assert SITES[site].parse_release(retitled(path, title), url_of(path)).body  # read as the release it is


@pytest.mark.parametrize("title", ERROR_LIKE_TITLES)
def test_the_same_title_on_a_page_that_is_no_release_still_names_it(title: str) -> None:
    page = f"<html><head><title>{title}</title></head><body><p>Sorry.</p></body></html>"
    for site in SITES.values():
        assert site.classify_capture(page, 200, "https://mid.ru/en/foreign_policy/news/1792974/") in REASONS, title
