"""Golden fixtures of every site: tests/fixtures/<site>/<name>.html beside the expected archive text
(<name>.txt), the expected items of a list page or feed (<name>.list), the start of the expected parse
error (<name>.error), or the mark of an anti-bot page (<name>.blocked)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from archive.document import Version, parse_version
from crawler.errors import ParseError
from crawler.net.blocks import challenge_marker
from crawler.sites import SITES

FIXTURES = Path(__file__).parent / "fixtures"
CAPTURED = datetime(2026, 1, 1, tzinfo=UTC)
PAGES = sorted(p for site in SITES for p in (FIXTURES / site).glob("*") if p.suffix in (".html", ".xml"))


def of(kind: str) -> list[Path]:
    return [p for p in PAGES if p.with_suffix(kind).exists()]


def noisy(url: str) -> str:
    """The URL as a mirror, a list link or a simulator might present it."""
    if "mofa.go.kr" in url:
        return url.replace("https://www.", "http://overseas.") + "&amp;srchFr=&amp;amp;page=2"
    if "archive.mid.ru" in url:
        return url.replace("https://", "http://") + "?_101_INSTANCE_x_languageId=en_GB"
    return url.replace("https://", "http://www.")


def test_every_site_has_fixtures() -> None:
    for site in SITES:
        assert len([p for p in of(".txt") if p.parent.name == site]) >= 4, site
        assert [p for p in of(".list") if p.parent.name == site], site


@pytest.mark.parametrize("page", of(".txt"), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_release_page(page: Path) -> None:
    expected = page.with_suffix(".txt").read_text(encoding="utf-8")
    url = parse_version(expected, source=str(page), per_language=True).release.url
    release = SITES[page.parent.name].parse_release(page.read_text(encoding="utf-8"), noisy(url))
    assert Version(release, CAPTURED).render() == expected


@pytest.mark.parametrize("page", of(".list"), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_list_page(page: Path) -> None:
    site = SITES[page.parent.name]
    if page.parent.name == "mofa.go.kr":
        url = "http://127.0.0.1:9/eng/brd/m_5676/list.do?page=1"
    elif page.suffix == ".xml":
        url = "http://127.0.0.1:9/en/rss.php"
    else:
        url = f"http://127.0.0.1:9/{page.stem.split('_')[-1]}/foreign_policy/news/"
    items = site.parse_listing(page.read_text(encoding="utf-8"), url)
    got = "".join(f"{i.url}\t{i.published}\t{i.title}\n" for i in items)
    assert got == page.with_suffix(".list").read_text(encoding="utf-8")


@pytest.mark.parametrize("page", of(".error"), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_page_without_structure_is_a_parse_error(page: Path) -> None:
    url = "https://www.mofa.go.kr/eng/brd/m_5676/view.do?seq=1"
    with pytest.raises(ParseError) as caught:
        SITES[page.parent.name].parse_release(page.read_text(encoding="utf-8"), url)
    assert str(caught.value).startswith(url + ": " + page.with_suffix(".error").read_text().strip())


@pytest.mark.parametrize("page", of(".blocked"), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_challenge_page_is_recognized_and_never_parsed(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    site = SITES[page.parent.name]
    assert challenge_marker(text, site.challenge_markers) is not None
    with pytest.raises(ParseError):
        site.parse_release(text, "https://mid.ru/en/foreign_policy/news/1899422/")
