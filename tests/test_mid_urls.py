"""Every article URL shape of mid.ru and archive.mid.ru: canonical form, key, round trip.

The ids are one sequence over each whole site, so the key is the id (and the content language) alone:
`mid.ru/id/<id>/<lang>`, whichever section path, however deep or hyphenated, reached the document."""

from __future__ import annotations

from datetime import date

import pytest

from crawler.sites import mid, mid_archive
from crawler.sites.ministry_ru import release

LONG = "vnesneekonomiceskie-svazi-sub-ektov-rossijskoj-federacii"
MID = [
    # (URL as found, canonical URL, key)
    ("https://mid.ru/en/foreign_policy/news/1899422/", "https://mid.ru/en/foreign_policy/news/1899422/", "1899422/en"),
    (
        "http://www.mid.ru/pt/foreign_policy/news/1792974/?lang=en",
        "https://mid.ru/en/foreign_policy/news/1792974/",
        "1792974/en",
    ),
    ("https://mid.ru/ru/foreign_policy/news/1899422", "https://mid.ru/ru/foreign_policy/news/1899422/", "1899422/ru"),
    (
        "https://mid.ru/ru/press_service/spokesman/kommentarii/1900000/",
        "https://mid.ru/ru/press_service/spokesman/comments/1900000/",
        "1900000/ru",
    ),
    # The shapes real pages link to: hyphenated slugs, sections three and four segments deep.
    (
        "https://mid.ru/en/press_service/vizity-ministra/2035069/",
        "https://mid.ru/en/press_service/vizity-ministra/2035069/",
        "2035069/en",
    ),
    (
        "https://mid.ru/en/foreign_policy/brics/2012239/",
        "https://mid.ru/en/foreign_policy/brics/2012239/",
        "2012239/en",
    ),
    ("https://www.mid.ru/ru/maps/us/1814243/", "https://mid.ru/ru/maps/us/1814243/", "1814243/ru"),
    (
        f"https://mid.ru/en/foreign_policy/economic_diplomacy/{LONG}/1516443/",
        f"https://mid.ru/en/foreign_policy/economic_diplomacy/{LONG}/1516443/",
        "1516443/en",
    ),
    (
        "https://mid.ru/ru/press_service/video/brifingi/1950737/",
        "https://mid.ru/ru/press_service/video/brifingi/1950737/",
        "1950737/ru",
    ),
    (
        "http://mid.ru/en/press_service/video/view/2008763/#top",
        "https://mid.ru/en/press_service/video/view/2008763/",
        "2008763/en",
    ),
    (
        "https://mid.ru/ru/about/structure/deputy_ministers/579812/",
        "https://mid.ru/ru/about/structure/deputy_ministers/579812/",
        "579812/ru",
    ),
    (
        "https://mid.ru/ru/foreign_policy/international_safety/1974990/?lang=en",
        "https://mid.ru/en/foreign_policy/international_safety/1974990/",
        "1974990/en",
    ),
]
ARCHIVE = [
    (
        "http://archive.mid.ru/en/foreign_policy/news/-/asset_publisher/cKNonkJE02Bw/content/id/2732506"
        "?p_p_id=101_INSTANCE_cKNonkJE02Bw&_101_INSTANCE_cKNonkJE02Bw_languageId=ru_RU",
        "https://archive.mid.ru/en/foreign_policy/news/-/asset_publisher/cKNonkJE02Bw/content/id/2732506",
        "2732506/en",
    ),
    (
        "https://archive.mid.ru/en/cernomorskoe-ekonomiceskoe-sotrudnicestvo-ces-/-/asset_publisher/0vP3hQoCPRg5/content/id/2339561",
        "https://archive.mid.ru/en/cernomorskoe-ekonomiceskoe-sotrudnicestvo-ces-/-/asset_publisher/0vP3hQoCPRg5/content/id/2339561",
        "2339561/en",
    ),
    (
        "https://www.archive.mid.ru/en/maps/us/-/asset_publisher/unVXBbj4Z6e8/content/id/2881426/",
        "https://archive.mid.ru/en/maps/us/-/asset_publisher/unVXBbj4Z6e8/content/id/2881426",
        "2881426/en",
    ),
    (
        "https://archive.mid.ru/ru/press_service/spokesman/briefings/-/asset_publisher/D2wHaWMCU6Od/content/id/4787373",
        "https://archive.mid.ru/ru/press_service/spokesman/briefings/-/asset_publisher/D2wHaWMCU6Od/content/id/4787373",
        "4787373/ru",
    ),
    # The same pages as mid.ru served them before 2021 (the web archive's captures): archive.mid.ru's documents.
    (
        "http://www.mid.ru/en/foreign_policy/news/-/asset_publisher/cKNonkJE02Bw/content/id/2732506"
        "?_101_INSTANCE_cKNonkJE02Bw_languageId=en_GB",
        "https://archive.mid.ru/en/foreign_policy/news/-/asset_publisher/cKNonkJE02Bw/content/id/2732506",
        "2732506/en",
    ),
    (
        "https://mid.ru/ru/maps/us/-/asset_publisher/unVXBbj4Z6e8/content/id/2881426",
        "https://archive.mid.ru/ru/maps/us/-/asset_publisher/unVXBbj4Z6e8/content/id/2881426",
        "2881426/ru",
    ),
]


@pytest.mark.parametrize(("url", "canonical", "key"), MID, ids=[m[0] for m in MID])
def test_mid_url_shapes(url: str, canonical: str, key: str) -> None:
    assert mid.canonical_url(url) == canonical
    assert mid.doc_key(url) == f"mid.ru/id/{key}"
    # Round trip: the canonical URL is its own canonical form, names the same document, and is the site's.
    assert mid.canonical_url(canonical) == canonical
    assert mid.doc_key(canonical) == mid.doc_key(url)
    assert mid.SITE.owns(canonical)


@pytest.mark.parametrize(("url", "canonical", "key"), ARCHIVE, ids=[a[2] for a in ARCHIVE])
def test_archive_mid_url_shapes(url: str, canonical: str, key: str) -> None:
    assert mid_archive.canonical_url(url) == canonical
    assert mid_archive.doc_key(url) == f"archive.mid.ru/id/{key}"
    assert mid_archive.canonical_url(canonical) == canonical
    assert mid_archive.doc_key(canonical) == mid_archive.doc_key(url)


def test_one_id_through_two_sections_is_one_key_that_does_not_grow_with_the_slug() -> None:
    keys = {
        mid.doc_key("https://mid.ru/en/foreign_policy/news/1516443/"),
        mid.doc_key(f"https://mid.ru/en/foreign_policy/economic_diplomacy/{LONG}/1516443/"),
        mid.doc_key("https://mid.ru/de/maps/us/1516443/?lang=en"),
    }
    assert keys == {"mid.ru/id/1516443/en"}
    old = {
        mid_archive.doc_key("https://archive.mid.ru/en/maps/us/-/asset_publisher/unVXBbj4Z6e8/content/id/2881426"),
        mid_archive.doc_key(
            "https://archive.mid.ru/en/foreign_policy/news/-/asset_publisher/cKNonkJE02Bw/content/id/2881426"
        ),
    }
    assert old == {"archive.mid.ru/id/2881426/en"}


@pytest.mark.parametrize(
    "url",
    [
        "https://mid.ru/en/foreign_policy/news/",
        "https://mid.ru/en/1899422/",  # no section
        "https://mid.ru/en/foreign_policy/news/1899422/2/",  # a bare number is no section
        "https://mid.ru/en/a/b/c/d/e/f/g/1899422/",  # deeper than any section
        "https://mid.ru/en/Foreign_Policy/news/1/",
        "https://mid.ru/xx/foreign_policy/news/1/",
        "https://mid.ru/en/foreign_policy/news/1/?lang=zz",
        "https://evil.example/en/foreign_policy/news/1/",
        "https://mid.ru/en/foreign_policy/news/١٢٣/",
        "https://mid.ru/en/foreign_policy/news/-/asset_publisher/x/content/id/1",
    ],
)
def test_mid_non_article_urls(url: str) -> None:
    with pytest.raises(ValueError):
        mid.canonical_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://mid.ru/en/foreign_policy/news/1899422/",  # mid.ru's own article shape
        "https://archive.mid.ru/en/foreign_policy/news/1899422/",
        "https://evil.example/en/foreign_policy/news/-/asset_publisher/cKNonkJE02Bw/content/id/1",
        "https://archive.mid.ru/en/-/asset_publisher/cKNonkJE02Bw/content/id/1",
        "https://archive.mid.ru/xx/foreign_policy/news/-/asset_publisher/cKNonkJE02Bw/content/id/1",
        "https://archive.mid.ru/en/foreign_policy/news/-/asset_publisher/cKNonkJE02Bw/content/ukraina",
    ],
)
def test_archive_mid_non_article_urls(url: str) -> None:
    with pytest.raises(ValueError):
        mid_archive.canonical_url(url)


SLUG = "rossiya-i-strany-asean-obsudili-sotrudnichestvo-v-ekonomike"
COLLECTIONS = [
    # (URL as found, the collection its release is filed under): the section, never the article's own slug.
    ("https://mid.ru/en/foreign_policy/news/1899422/", "foreign_policy.news"),
    (f"https://mid.ru/en/foreign_policy/economic_diplomacy/{SLUG}/2035070/", "foreign_policy.economic_diplomacy"),
    (
        f"https://mid.ru/en/foreign_policy/economic_diplomacy/{LONG}/1516443/",
        f"foreign_policy.economic_diplomacy.{LONG}",
    ),
    ("https://mid.ru/en/foreign_policy/news/rossiya-i-kitai/2035071/", "foreign_policy.news"),
    ("https://mid.ru/en/press_service/vizity-ministra/2035069/", "press_service.vizity-ministra"),
    ("https://mid.ru/ru/press_service/video/brifingi/1950737/", "press_service.video.brifingi"),
    ("https://mid.ru/ru/press_service/spokesman/kommentarii/1900000/", "press_service.spokesman.comments"),
    (f"https://mid.ru/en/{SLUG}/2035070/", "other"),
    (
        f"https://archive.mid.ru/en/{SLUG}/-/asset_publisher/cKNonkJE02Bw/content/id/2732506",
        "other",
    ),
    (
        f"https://archive.mid.ru/en/foreign_policy/news/{SLUG}/-/asset_publisher/cKNonkJE02Bw/content/id/2732506",
        "foreign_policy.news",
    ),
    (
        "https://archive.mid.ru/en/cernomorskoe-ekonomiceskoe-sotrudnicestvo-ces-/-/asset_publisher/0vP3hQoCPRg5/content/id/2339561",
        "cernomorskoe-ekonomiceskoe-sotrudnicestvo-ces-",
    ),
    ("https://archive.mid.ru/en/maps/us/-/asset_publisher/unVXBbj4Z6e8/content/id/2881426", "maps.us"),
]


@pytest.mark.parametrize(("url", "collection"), COLLECTIONS, ids=[c[0] for c in COLLECTIONS])
def test_collection_of_each_url_shape_is_its_section(url: str, collection: str) -> None:
    module = mid_archive if url.startswith("https://archive.") else mid
    canonical = module.canonical_url(url)
    lang, section, doc_id = module._parts(canonical)
    filed = release(module.NAME, canonical, (lang, section, doc_id), "t", date(2026, 1, 1), ["b"])
    assert filed.collection == collection
    assert module.canonical_url(canonical) == canonical  # the slug-less URL is still an article URL


def test_a_slug_url_canonicalises_to_the_section_url() -> None:
    url = f"https://mid.ru/en/foreign_policy/economic_diplomacy/{SLUG}/2035070/"
    assert mid.canonical_url(url) == "https://mid.ru/en/foreign_policy/economic_diplomacy/2035070/"
    assert mid.doc_key(url) == "mid.ru/id/2035070/en"
