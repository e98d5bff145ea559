"""Where the built-in sites' releases are in the web archive: CDX prefixes, each document's URL forms, which
site a captured URL belongs to, and the old pages the captures show (fixtures: the project's own text)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path

import pytest

from archive.document import Version
from crawler.errors import ParseError
from crawler.sites import SITES, mid, mid_archive, owner_of
from crawler.sites.cdx import url_key

FIXTURES = Path(__file__).parent / "fixtures"
OLD_ID = "-/asset_publisher/cKNonkJE02Bw/content/id/3571208"


def config(site: str, **settings: object) -> object:
    return dataclasses.replace(SITES[site].defaults, **settings)


def test_mid_ru_is_looked_up_per_configured_language_and_section_with_each_spelling_of_it() -> None:
    site = SITES["mid.ru"]
    sections = ("foreign_policy/news", "press_service/spokesman/comments")
    assert site.history_prefixes(config("mid.ru", languages=("ru", "en"), collections=sections)) == [
        "mid.ru/ru/foreign_policy/news/",
        "mid.ru/ru/press_service/spokesman/comments/",
        "mid.ru/ru/press_service/spokesman/kommentarii/",
        "mid.ru/en/foreign_policy/news/",
        "mid.ru/en/press_service/spokesman/comments/",
        "mid.ru/en/press_service/spokesman/kommentarii/",
    ]


def test_the_old_site_is_looked_up_at_archive_mid_ru_and_where_mid_ru_served_it_before_2021() -> None:
    site = SITES["archive.mid.ru"]
    got = site.history_prefixes(config("archive.mid.ru", languages=("en", "ru")))
    assert got == [
        "archive.mid.ru/en/foreign_policy/news/-/asset_publisher/",
        "archive.mid.ru/ru/foreign_policy/news/-/asset_publisher/",
        "mid.ru/en/foreign_policy/news/-/asset_publisher/",
        "mid.ru/ru/foreign_policy/news/-/asset_publisher/",
    ]


@pytest.mark.parametrize(
    ("site", "canonical", "forms"),
    [
        (
            "mid.ru",
            "https://mid.ru/en/foreign_policy/news/1899422/",
            ["https://mid.ru/en/foreign_policy/news/1899422/"],
        ),
        (
            "mid.ru",
            "https://mid.ru/ru/press_service/spokesman/comments/1900000/",
            [
                "https://mid.ru/ru/press_service/spokesman/comments/1900000/",
                "https://mid.ru/ru/press_service/spokesman/kommentarii/1900000/",
            ],
        ),
        (
            "archive.mid.ru",
            f"https://archive.mid.ru/en/foreign_policy/news/{OLD_ID}",
            [
                f"https://archive.mid.ru/en/foreign_policy/news/{OLD_ID}",
                f"https://mid.ru/en/foreign_policy/news/{OLD_ID}",
            ],
        ),
    ],
)
def test_a_documents_url_forms_each_name_it_and_are_asked_once(site: str, canonical: str, forms: list[str]) -> None:
    got = SITES[site].url_forms(canonical)
    assert got == forms
    assert len({url_key(form) for form in got}) == len(got)
    for form in got:  # every form is a URL of the same document
        assert owner_of(form) is SITES[site]
        assert SITES[site].canonical_url(form) == canonical


@pytest.mark.parametrize(
    ("url", "owner", "key"),
    [
        (
            f"http://www.mid.ru/en/foreign_policy/news/{OLD_ID}?_101_INSTANCE_x_languageId=en_GB",
            "archive.mid.ru",
            "archive.mid.ru/id/3571208/en",
        ),
        (f"https://mid.ru/ru/foreign_policy/news/{OLD_ID}", "archive.mid.ru", "archive.mid.ru/id/3571208/ru"),
        (f"https://archive.mid.ru/en/foreign_policy/news/{OLD_ID}", "archive.mid.ru", "archive.mid.ru/id/3571208/en"),
        ("https://www.mid.ru/en/foreign_policy/news/1899422/", "mid.ru", "mid.ru/id/1899422/en"),
        ("https://www.mofa.go.kr/eng/brd/m_5676/view.do?seq=320957", "mofa.go.kr", "mofa.go.kr/m_5676/320957"),
        ("https://mid.ru/en/foreign_policy/news/", None, None),  # a list page: nobody's document
        (f"https://evil.example/en/foreign_policy/news/{OLD_ID}", None, None),
    ],
)
def test_a_captured_url_belongs_to_the_site_that_files_its_document(url: str, owner: str | None, key: str) -> None:
    site = owner_of(url)
    assert (site.name if site else None) == owner
    if site is not None:
        assert site.doc_key(site.canonical_url(url)) == key
    # mid.ru never claims the old site's pages, whichever host served them.
    if owner == "archive.mid.ru":
        assert not SITES["mid.ru"].owns(url)


def test_an_old_liferay_page_captured_at_mid_ru_is_read_by_the_old_sites_parser() -> None:
    page = FIXTURES / "archive.mid.ru" / "midru_liferay_2019_en.html"
    captured = f"http://www.mid.ru/en/foreign_policy/news/{OLD_ID}?_101_INSTANCE_cKNonkJE02Bw_languageId=en_GB"
    release = owner_of(captured).parse_release(page.read_text(encoding="utf-8"), captured)  # type: ignore[union-attr]
    assert Version(release, datetime(2026, 1, 1, tzinfo=UTC)).render() == page.with_suffix(".txt").read_text(
        encoding="utf-8"
    )
    assert release.url == f"https://archive.mid.ru/en/foreign_policy/news/{OLD_ID}"
    assert release.published == datetime(2019, 3, 12, 14, 5, tzinfo=release.published.tzinfo)  # type: ignore[arg-type]


def test_an_old_russian_page_with_a_numeric_date_reads_too() -> None:
    html = (
        '<html><body><div class="asset-full-content"><div class="news-header"><span class="date">12.03.2019</span>'
        '<span class="time">09:30</span></div><h1 class="title">Сообщение для СМИ</h1>'
        '<div class="text article-content"><p>Состоялись консультации.</p></div></div></body></html>'
    )
    release = mid_archive.parse_release(html, f"https://www.mid.ru/ru/foreign_policy/news/{OLD_ID}")
    assert (release.title, release.body, release.language) == ("Сообщение для СМИ", ("Состоялись консультации.",), "ru")
    assert release.published.isoformat() == "2019-03-12T09:30:00+03:00"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("parse", "html", "url", "hint"),
    [
        (
            mid.parse_release,
            (FIXTURES / "archive.mid.ru" / "midru_liferay_2019_en.html").read_text(encoding="utf-8"),
            "https://mid.ru/en/foreign_policy/news/1899422/",
            "Liferay (div.asset-full-content)",
        ),
        (
            mid_archive.parse_release,
            "<html><body class='bx-core'><div id='workarea'><p>Hello</p></div></body></html>",
            f"https://archive.mid.ru/en/foreign_policy/news/{OLD_ID}",
            "body.bx-core",
        ),
    ],
)
def test_a_page_no_parser_understands_is_an_error_naming_its_template(
    parse: object, html: str, url: str, hint: str
) -> None:
    with pytest.raises(ParseError) as caught:
        parse(html, url)  # type: ignore[operator]
    assert "no article" in str(caught.value)
    assert hint in str(caught.value)


def test_mofa_boards_are_looked_up_under_each_prefix_links_use_on_each_host() -> None:
    site = SITES["mofa.go.kr"]
    got = site.history_prefixes(config("mofa.go.kr", collections=("m_5676", "m_4080", "ca-toronto-ko/m_5389")))
    assert got == [
        # An English board: /eng/ and the RSS feeds' /www/, on www.mofa.go.kr (one key with mofa.go.kr) and
        # overseas.mofa.go.kr.
        "mofa.go.kr/eng/brd/m_5676/view.do",
        "mofa.go.kr/www/brd/m_5676/view.do",
        "overseas.mofa.go.kr/eng/brd/m_5676/view.do",
        "overseas.mofa.go.kr/www/brd/m_5676/view.do",
        "mofa.go.kr/www/brd/m_4080/view.do",
        "overseas.mofa.go.kr/www/brd/m_4080/view.do",
        # A mission's board: on the missions' host and the ministry's own.
        "overseas.mofa.go.kr/ca-toronto-ko/brd/m_5389/view.do",
        "www.mofa.go.kr/ca-toronto-ko/brd/m_5389/view.do",
    ]


@pytest.mark.parametrize(
    ("canonical", "forms"),
    [
        (
            "https://www.mofa.go.kr/eng/brd/m_5676/view.do?seq=320957",
            [
                "https://www.mofa.go.kr/eng/brd/m_5676/view.do?seq=320957",
                "https://www.mofa.go.kr/www/brd/m_5676/view.do?seq=320957",  # as the RSS feed links it
            ],
        ),
        (
            "https://www.mofa.go.kr/www/brd/m_4080/view.do?seq=367001",
            ["https://www.mofa.go.kr/www/brd/m_4080/view.do?seq=367001"],
        ),
        (
            "https://overseas.mofa.go.kr/ca-toronto-ko/brd/m_5389/view.do?seq=1344542",
            [
                "https://overseas.mofa.go.kr/ca-toronto-ko/brd/m_5389/view.do?seq=1344542",
                "https://www.mofa.go.kr/ca-toronto-ko/brd/m_5389/view.do?seq=1344542",
            ],
        ),
    ],
)
def test_a_mofa_documents_url_forms_each_name_it(canonical: str, forms: list[str]) -> None:
    site = SITES["mofa.go.kr"]
    assert site.url_forms(canonical) == forms
    assert len({url_key(form) for form in forms}) == len(forms)
    assert {site.canonical_url(form) for form in forms} == {canonical}


@pytest.mark.parametrize(
    "url",
    [
        "http://www.mofa.go.kr:443/www/brd/m_5676/view.do?seq=312120",  # the RSS feed's broken link
        "http://mofa.go.kr/eng/brd/m_5676/view.do?seq=312120&srchFr=&srchTo=&srchWord=&srchTp=&multi_itm_seq=0"
        "&itm_seq_1=0&itm_seq_2=0&company_cd=&company_nm=&page=3&titleNm=",
        "https://overseas.mofa.go.kr/eng/brd/m_5676/view.do?seq=312120&amp;page=1",
        "https://asean.mofa.go.kr/eng/brd/m_5676/view.do?seq=0312120",
        "http://www.mofa.go.kr/eng/brd/m_5676/view.do;jsessionid=A1B2C3D4E5.node02?seq=312120",  # a 2013 session
    ],
)
def test_every_form_a_capture_shows_is_the_one_mofa_document(url: str) -> None:
    site = owner_of(url)
    assert site is SITES["mofa.go.kr"]
    assert site.canonical_url(url) == "https://www.mofa.go.kr/eng/brd/m_5676/view.do?seq=312120"


def test_a_mofa_page_no_template_reads_is_an_error_naming_the_page() -> None:
    html = "<html><body id='sub' class='eng'><div id='contents'><p>Something else</p></div></body></html>"
    with pytest.raises(ParseError) as caught:
        SITES["mofa.go.kr"].parse_release(html, "https://www.mofa.go.kr/eng/brd/m_5676/view.do?seq=1")
    assert "no template of the engine matched" in str(caught.value)
    assert "the page: body#sub.eng; #contents" in str(caught.value)


@pytest.mark.parametrize(
    ("site", "page", "hint"),
    [
        ("mofa.go.kr", "seed004_se_2021", "board: current skin (div.board_detail)"),
        ("mofa.go.kr", "seed003_old_template_2018", "board: 2018-2019 table (div.board_view)"),
        ("mofa.go.kr", "old_2022_detail_body", "board: 2022 (td.detail_body)"),
        ("mofa.go.kr", "old_2015_read_wrap", "board: 2013-2017 (div.read_wrap)"),
        ("mid.ru", "news_en", "mid.ru current (div.photo-content)"),
        ("mid.ru", "page_body_legacy_en", "mid.ru 2021 (div.page-body)"),
        ("archive.mid.ru", "midru_liferay_2019_en", "Liferay (div.asset-full-content)"),
    ],
)
def test_each_template_a_capture_may_show_is_named(site: str, page: str, hint: str) -> None:
    assert SITES[site].template_hint((FIXTURES / site / f"{page}.html").read_text(encoding="utf-8")) == hint


def test_a_2013_to_2017_mofa_page_reads_with_its_date_attachment_and_text() -> None:
    page = FIXTURES / "mofa.go.kr" / "old_2015_read_wrap.html"
    captured = "http://www.mofa.go.kr/eng/brd/m_5676/view.do;jsessionid=0A1B2C3D.node1?seq=314952"
    release = SITES["mofa.go.kr"].parse_release(page.read_text(encoding="utf-8"), captured)
    assert Version(release, datetime(2026, 1, 1, tzinfo=UTC)).render() == page.with_suffix(".txt").read_text(
        encoding="utf-8"
    )
    assert [a.name for a in release.attachments] == ["Joint Press Statement.pdf"]
