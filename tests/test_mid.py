"""mid.ru and archive.mid.ru specifics: the seeds, URLs and keys, scope, feeds, document numbers."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from crawler.config import SiteConfig
from crawler.errors import ParseError
from crawler.parse.feeds import FeedError, parse_feed
from crawler.sites import mid, mid_archive
from tests.seeds import seed_release

FIXTURES = Path(__file__).parent / "fixtures"
MSK = timezone(timedelta(hours=3))


@pytest.mark.parametrize(("seed", "fixture"), [("000", "seed000_lavrov_chung_2021"), ("001", "seed001_interview_2021")])
def test_seed_release_text_is_archived_without_boilerplate(seed: str, fixture: str) -> None:
    want = seed_release(seed)
    html = (FIXTURES / "archive.mid.ru" / f"{fixture}.html").read_text(encoding="utf-8")
    url = "https://archive.mid.ru/en/press_service/minister_speeches/-/asset_publisher/7OvQR5KJWVmR/content/id/1"
    release = mid_archive.parse_release(html, url)
    assert release.title == want.title
    assert list(release.body) == want.body
    assert release.translations == tuple(sorted(t[:2] for t in want.translations))
    assert isinstance(release.published, datetime)
    assert release.published.strftime("%-d %B %Y%H:%M") == want.date  # "27 October 202115:20"
    assert release.published.utcoffset() == timedelta(hours=3)
    for line in want.boilerplate:
        assert line not in release.body


def test_listing_urls_respect_languages_and_pages() -> None:
    cfg = SiteConfig(
        base_url="http://127.0.0.1:1",
        min_interval=0,
        collections=("foreign_policy/news",),
        languages=("en", "ru"),
        list_pages=2,
    )
    urls = [(listing.url, listing.expect_items) for listing in mid.listing_urls(cfg)]
    assert urls == [
        ("http://127.0.0.1:1/en/foreign_policy/news/", True),
        ("http://127.0.0.1:1/en/foreign_policy/news/?PAGEN_1=2", False),
        ("http://127.0.0.1:1/en/rss.php", False),
        ("http://127.0.0.1:1/ru/foreign_policy/news/", True),
        ("http://127.0.0.1:1/ru/foreign_policy/news/?PAGEN_1=2", False),
        ("http://127.0.0.1:1/ru/rss.php", False),
    ]
    assert mid.in_scope("https://mid.ru/ru/foreign_policy/news/1/", cfg)
    assert not mid.in_scope("https://mid.ru/en/press_service/minister_speeches/1/", cfg)
    assert not mid.in_scope("https://mid.ru/de/foreign_policy/news/1/", cfg)


def test_list_is_scoped_to_the_main_list() -> None:
    html = (FIXTURES / "mid.ru" / "list_en.html").read_text(encoding="utf-8")
    assert "Sidebar item that is not in the list" in html
    titles = [i.title for i in mid.parse_listing(html, "http://127.0.0.1/en/foreign_policy/news/")]
    assert "Sidebar item that is not in the list" not in titles


def test_empty_list_is_empty_and_a_page_without_list_is_an_error() -> None:
    from tests.sitegen.mid import current_page, list_page

    assert (
        mid.parse_listing(list_page("en", "foreign_policy/news", []), "http://127.0.0.1/en/foreign_policy/news/") == []
    )
    with pytest.raises(ParseError, match="no article list"):
        mid.parse_listing(current_page("en", "x", "<p>maintenance</p>"), "http://127.0.0.1/en/foreign_policy/news/")


def test_atom_feed_and_unsafe_xml() -> None:
    atom = b"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
<entry><title>Edited item</title><link href="https://mid.ru/en/foreign_policy/news/1899422/"/>
<updated>2023-08-03T10:00:00+03:00</updated></entry></feed>"""
    entries = parse_feed(atom)
    assert [(e.link, e.title) for e in entries] == [("https://mid.ru/en/foreign_policy/news/1899422/", "Edited item")]
    bomb = b"""<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>
<rss version="2.0"><channel><item><title>&lol2;</title></item></channel></rss>"""
    with pytest.raises(FeedError, match="unsafe XML refused"):
        parse_feed(bomb)
    euc_kr = (
        '<?xml version="1.0" encoding="EUC-KR"?><rss version="2.0"><channel><item><title>보도자료</title>'
        "<link>http://www.mofa.go.kr/www/brd/m_4080/view.do?seq=1</link></item></channel></rss>"
    )
    assert parse_feed(euc_kr.encode("euc-kr"))[0].title == "보도자료"
    cyrillic = '<?xml version="1.0" encoding="windows-1251"?><rss version="2.0"><channel><item><title>Новости</title>'
    assert parse_feed((cyrillic + "</item></channel></rss>").encode("cp1251"))[0].title == "Новости"
    decoded = cyrillic + "</item></channel></rss>"  # as the fetcher hands it over: already text
    assert parse_feed(decoded)[0].title == "Новости"


def test_document_number_gives_the_date_when_the_header_has_none() -> None:
    html = (FIXTURES / "mid.ru" / "news_en.html").read_text(encoding="utf-8")
    html = html.replace('<span class="photo-content__date">2 August 2023</span>', "")
    html = html.replace('<span class="photo-content__time">14:50</span>', "")
    release = mid.parse_release(html, "https://mid.ru/en/foreign_policy/news/1899422/")
    assert release.published == date(2023, 8, 2)
    assert release.document_number == "1541-02-08-2023"


def test_russian_dates_and_translations() -> None:
    html = (FIXTURES / "mid.ru" / "news_ru.html").read_text(encoding="utf-8")
    release = mid.parse_release(html, "https://mid.ru/ru/foreign_policy/news/1899422/")
    assert release.published == datetime(2023, 8, 2, 14, 50, tzinfo=MSK)
    assert release.translations == ("en", "ru")
    assert release.collection_name == "Новости"
    assert release.key == "mid.ru/id/1899422/ru"


def test_feed_bytes_decoded_by_their_xml_declaration() -> None:
    bom = b'\xef\xbb\xbf<rss version="2.0"><channel><item><title>\xd0\x9d</title></item></channel></rss>'
    assert parse_feed(bom)[0].title == "Н"
    with pytest.raises(FeedError, match="declared encoding"):
        parse_feed(b'<?xml version="1.0" encoding="no-such-codec"?><rss/>')
    with pytest.raises(FeedError, match="declared encoding"):
        parse_feed('<?xml version="1.0" encoding="utf-8"?><rss><title>Новости</title></rss>'.encode("cp1251"))


def test_both_sites_are_definitions_whose_hooks_say_what_data_cannot() -> None:
    """The definitions give the settings the sites always had; the named hooks are the modules' functions."""
    for module in (mid, mid_archive):
        site, d = module.SITE, module.DEFINITION
        assert site.name == d.name and site.hosts == frozenset(d.hosts) and site.aliases == d.aliases
        assert d.hook("parse_release") is module.parse_release is site.parse_release
        assert d.hook("canonical_url") is module.canonical_url is site.canonical_url
        assert site.backfill_uses_wayback and site.legacy_charsets == ("cp1251",)
        config = site.defaults
        assert (config.min_interval, config.collections, config.list_pages) == (5.0, ("foreign_policy/news",), 1)
        assert config.base_url == f"https://{d.name}"
    # The default scope: mid.ru in the ministry's own language and in English; the old site as before.
    assert mid.SITE.defaults.languages == ("ru", "en")
    assert mid_archive.SITE.defaults.languages == ("en",)
    listed = [listing.url for listing in mid.listing_urls(mid.SITE.defaults)]
    assert listed == [
        "https://mid.ru/ru/foreign_policy/news/",
        "https://mid.ru/ru/rss.php",
        "https://mid.ru/en/foreign_policy/news/",
        "https://mid.ru/en/rss.php",
    ]
    assert (mid.SITE.defaults.interval, mid.SITE.defaults.enabled) == (3600.0, True)
    assert (mid_archive.SITE.defaults.interval, mid_archive.SITE.defaults.enabled) == (1800.0, False)
    assert mid.SITE.in_scope is mid.in_scope
