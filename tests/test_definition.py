"""Site definitions as data: validation names the wrong field, and the site made from a definition parses
list and release pages with the hand-written parsers' guarantees."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from archive.attachment import Attachment
from crawler.errors import ParseError
from crawler.sites.base import BackfillRequest
from crawler.sites.definition import Backfill, Dates, Definition, DefinitionError, Selectors, hook, validate
from crawler.sites.generic import make_site

SELECT = Selectors(
    scope=("article.release", "main"),
    title=("h1.headline", "h1"),
    date=("p.dateline time",),
    time=("span.clock",),
    body=("div.release-text", "div.text"),
    drop=("div.share",),
    tags=("ul.topics a",),
    attachments=("ul.files a",),
    document_number=("p.ref",),
    list_items=("ol.releases li",),
    list_date=("span.when",),
)
DEFINITION = Definition(
    name="mfa.example",
    hosts=("www.mfa.example", "mfa.example"),
    release_url=r"/press/(?P<id>[0-9]+)\.html",
    list_urls=("https://www.mfa.example/press/?page={page}",),
    select=SELECT,
    dates=Dates(time_zone="Europe/Vienna", formats=("%d %m %Y",), labels=("Issued on",)),
    backfill=Backfill(pages=4),
    numeric_id=True,
)
SITE = make_site(DEFINITION)

PAGE = """<html><body><nav><h1>Ministry of Examples</h1></nav>
<article class="release"><h1 class="headline">Minister  meets envoy</h1>
<p class="dateline"><time>Issued on 3 04 2024</time> <span class="clock">14:30</span></p>
<p class="ref">No. 12/2024</p>
<div class="release-text"><p>First paragraph.</p><div class="share">Share on X</div><p>Second one.</p></div>
<ul class="topics"><a>Europe</a><a>Trade</a></ul><ul class="files"><a href="../files/statement.pdf">statement.pdf</a>
<a href="/files/annex%20one.pdf"></a></ul>
</article></body></html>"""


def _changed(**changes: Any) -> Definition:
    return dataclasses.replace(DEFINITION, **changes)


@pytest.mark.parametrize(
    ("definition", "field", "words"),
    [
        (_changed(select=dataclasses.replace(SELECT, title=())), "select.title", "required"),
        (_changed(select=dataclasses.replace(SELECT, body=("div[",))), "select.body", "not a valid CSS selector"),
        (_changed(select=dataclasses.replace(SELECT, title=("//h1",))), "select.title", "XPath"),
        (_changed(select=dataclasses.replace(SELECT, date=("p:contains('Date')",))), "select.date", "text matching"),
        (_changed(select=dataclasses.replace(SELECT, title=("h1::text",))), "select.title", "not a CSS selector"),
        (_changed(release_url=r"/press/[0-9]+\.html"), "release_url", "no document id group"),
        (_changed(release_url=r"/press/(?P<id>[0-9+\.html"), "release_url", "does not compile"),
        (_changed(release_url=r"/press/(?P<id>[0-9]+)(?P<x>a)"), "release_url", "unknown group"),
        (_changed(release_url=r"press/(?P<id>[0-9]+)"), "release_url", "must match a path"),
        (_changed(list_urls=()), "list_urls", "at least one"),
        (_changed(list_urls=("https://elsewhere.example/press/",)), "list_urls", "on the site's hosts"),
        (_changed(list_urls=("https://www.mfa.example/press/?p={pg}",)), "list_urls", "unknown placeholder"),
        (_changed(list_urls=("https://www.mfa.example/press/5.html",)), "list_urls", "matches release_url"),
        (_changed(dates=Dates(time_zone="Mars/Olympus_Mons")), "time_zone", "not a known IANA time zone"),
        (_changed(hosts=("https://www.mfa.example",)), "hosts", "not a host name"),
        (_changed(name="MFA Example"), "name", "not a site name"),
        (_changed(language="english"), "language", "not a language code"),
        (_changed(hooks={"parse_release": "no.such.hook"}), "hooks.parse_release", "no hook named"),
        (_changed(backfill=Backfill(since_param="from")), "backfill", "both since_param and until_param"),
        (_changed(canonical="/press/{seq}.html"), "canonical", "only the URL's groups"),
    ],
)
def test_a_wrong_definition_is_one_error_naming_its_field(definition: Definition, field: str, words: str) -> None:
    with pytest.raises(DefinitionError) as caught:
        validate(definition)
    assert caught.value.field == field
    assert words in str(caught.value)
    assert str(caught.value).startswith(f"{field}: ")
    assert "\n" not in str(caught.value)


def test_every_built_in_site_is_a_definition_that_passes_the_checks_user_definitions_pass() -> None:
    from crawler.sites import BUILT_IN, definitions

    built_in = definitions()
    assert sorted(d.name for d in built_in) == sorted(BUILT_IN)
    for d in built_in:
        assert validate(d) is d
        site = BUILT_IN[d.name]
        assert (site.aliases, site.hosts, site.description) == (d.aliases, frozenset(d.hosts), d.description)


@pytest.mark.parametrize(
    ("url", "canonical", "key"),
    [
        ("https://www.mfa.example/press/17.html", "https://www.mfa.example/press/17.html", "mfa.example/releases/17"),
        (
            "http://mfa.example/press/0017.html?utm=x",
            "https://www.mfa.example/press/17.html",
            "mfa.example/releases/17",
        ),
    ],
)
def test_release_urls_are_canonical_and_keyed(url: str, canonical: str, key: str) -> None:
    assert SITE.canonical_url(url) == canonical
    assert SITE.doc_key(url) == key


@pytest.mark.parametrize(
    "url",
    ["https://other.example/press/1.html", "https://www.mfa.example/press/", "ftp://www.mfa.example/press/1.html"],
)
def test_other_urls_are_not_releases(url: str) -> None:
    assert not SITE.owns(url)


def test_a_release_is_parsed_from_the_selectors_with_its_fallbacks_and_drops() -> None:
    release = SITE.parse_release(PAGE, "https://www.mfa.example/press/12.html")
    assert release.title == "Minister meets envoy"  # the page's own <h1> in <nav> is outside the scope
    assert release.published == datetime(2024, 4, 3, 14, 30, tzinfo=ZoneInfo("Europe/Vienna"))
    assert release.body == ("First paragraph.", "Second one.")
    assert release.tags == ("Europe", "Trade")
    # An attachment's link resolves against the page; a link without text is named by its file name.
    assert release.attachments == (
        Attachment("statement.pdf", "https://www.mfa.example/files/statement.pdf"),
        Attachment("annex one.pdf", "https://www.mfa.example/files/annex%20one.pdf"),
    )
    assert release.document_number == "No. 12/2024"
    assert release.key == "mfa.example/releases/12"
    old_template = PAGE.replace('class="release-text"', 'class="text"')
    assert SITE.parse_release(old_template, "https://www.mfa.example/press/12.html").body == release.body


@pytest.mark.parametrize(
    ("broken", "words"),
    [
        (PAGE.replace('<h1 class="headline">Minister  meets envoy</h1>', ""), "no title (tried h1.headline, h1)"),
        (
            PAGE.replace("<time>Issued on 3 04 2024</time>", "<time>soon</time>"),
            "no publication date (tried p.dateline time",
        ),
        (PAGE.replace('class="release-text"', 'class="other"'), "no body (tried div.release-text, div.text)"),
        (PAGE.replace("<p>First paragraph.</p>", "").replace("<p>Second one.</p>", ""), "empty body"),
        (
            PAGE.replace('class="release"', "").replace("body>", "div>"),
            "no article on the page (tried article.release, main)",
        ),
    ],
)
def test_a_missing_field_is_a_parse_error_naming_the_selectors_tried(broken: str, words: str) -> None:
    with pytest.raises(ParseError) as caught:
        SITE.parse_release(broken, "https://www.mfa.example/press/12.html")
    assert words in caught.value.reason


def test_month_names_and_formats_of_the_site() -> None:
    months = (
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    )
    site = make_site(_changed(dates=Dates(time_zone="Europe/Paris", formats=("%d %m %Y",), months=(months,))))
    page = PAGE.replace("Issued on 3 04 2024", "3 Février 2024").replace('<span class="clock">14:30</span>', "")
    assert site.parse_release(page, "https://www.mfa.example/press/1.html").published == date(2024, 2, 3)


LIST = """<html><body><ol class="releases">
<li><a href="/press/3.html">Third</a> <span class="when">Issued on 5 04 2024</span></li>
<li><a href="2.html">Second</a></li>
<li><a href="https://www.mfa.example/press/3.html">Third again</a></li>
<li><a href="/about.html">About us</a></li>
</ol></body></html>"""


def test_a_list_page_gives_each_release_once_resolved_on_the_site_not_the_mirror() -> None:
    items = SITE.parse_listing(LIST, "http://127.0.0.1:8123/press/?page=1")
    assert [(i.url, i.doc_id, i.title, i.published) for i in items] == [
        ("https://www.mfa.example/press/3.html", "3", "Third", date(2024, 4, 5)),
        ("https://www.mfa.example/press/2.html", "2", "Second", None),
    ]


def test_list_pages_are_read_on_the_configured_base_url() -> None:
    config = dataclasses.replace(SITE.defaults, base_url="http://127.0.0.1:8123", list_pages=2)
    assert [(x.url, x.expect_items) for x in SITE.listing_urls(config)] == [
        ("http://127.0.0.1:8123/press/?page=1", True),
        ("http://127.0.0.1:8123/press/?page=2", False),
    ]


def test_backfill_walks_pages_until_one_brings_nothing_new_or_the_limit() -> None:
    request = BackfillRequest(date(2020, 1, 1), date(2024, 12, 31), "")
    (source,) = SITE.backfill_sources(SITE.defaults, request)
    assert source.first_url == "https://www.mfa.example/press/?page=1"
    assert source.parse_page(LIST, source.first_url)[1] == "https://www.mfa.example/press/?page=2"
    # A site that answers every page past the end with the last one: the repeat ends the walk.
    assert source.parse_page(LIST, "https://www.mfa.example/press/?page=2")[1] is None
    (fresh,) = SITE.backfill_sources(SITE.defaults, request)
    assert fresh.parse_page(LIST, "https://www.mfa.example/press/?page=4")[1] is None  # pages = 4


def test_backfill_by_date_window_newest_first() -> None:
    windowed = make_site(
        _changed(backfill=Backfill(since_param="from", until_param="to", date_format="%d.%m.%Y", window_days=366))
    )
    request = BackfillRequest(date(2023, 1, 1), date(2024, 6, 30), "")
    urls = [s.first_url for s in windowed.backfill_sources(windowed.defaults, request)]
    assert urls == [
        "https://www.mfa.example/press/?page=1&from=01.07.2023&to=30.06.2024",  # 366 days: 2024 is a leap year
        "https://www.mfa.example/press/?page=1&from=01.01.2023&to=30.06.2023",
    ]


def test_a_hook_replaces_the_part_it_names_and_user_code_is_only_by_name() -> None:
    @hook("test.fixed_title")
    def fixed(html: str, url: str) -> Any:
        return dataclasses.replace(SITE.parse_release(html, url), title="From the hook")

    site = make_site(_changed(hooks={"parse_release": "test.fixed_title"}))
    assert site.parse_release(PAGE, "https://www.mfa.example/press/12.html").title == "From the hook"
