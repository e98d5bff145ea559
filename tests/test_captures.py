"""The web-archive hooks every site has (crawler/sites/base.py, crawler/sites/captures.py): the defaults a
user-defined site gets, table by table. The built-in sites' own knowledge is tested in test_site_captures.py."""

from __future__ import annotations

import dataclasses

import pytest

from crawler.sites import captures
from crawler.sites.base import distinct_hosts, surt_host
from crawler.sites.definition import Definition, Selectors
from crawler.sites.generic import literal_start, make_site

DEFINED = make_site(
    Definition(
        name="mfa.example",
        hosts=("www.mfa.example", "mfa.example", "press.mfa.example"),
        release_url=r"^/press/(?P<id>[0-9]+)\.html$",
        list_urls=("https://www.mfa.example/press/",),
        select=Selectors(title=("h1",), date=("time",), body=("div.text",)),
        challenge_markers=("mfa-wall-v2",),
    )
)
URL = "https://www.mfa.example/press/1.html"
RELEASE = (
    "<html><head><title>Minister meets envoy - Ministry</title></head><body><h1>Minister meets envoy</h1>"
    "<time>2019-03-12</time><div class='text'><p>The minister met the envoy.</p></div></body></html>"
)
WALL = "<html><head><title>Please wait</title></head><body><script src='/mfa-wall-v2.js'></script></body></html>"


def page(title: str, body: str = "<p>Sorry.</p>") -> str:
    return f"<html><head><title>{title}</title></head><body>{body}</body></html>"


@pytest.mark.parametrize(
    ("html", "status", "reason"),
    [
        (RELEASE, 200, None),
        ("", 200, "empty"),
        ("  \r\n ", 200, "empty"),
        ("<html><head><title></title></head><body><script>var a = 1;</script></body></html>", 200, "empty"),
        (WALL, 200, "challenge"),  # the site's own marker
        (
            page("Just a moment", "<form id='challenge-form' action='/?__cf_chl_f_tk=1'>_cf_chl_opt</form>"),
            200,
            "challenge",
        ),
        (page("Site", "<noscript>Please enable JavaScript to view the page.</noscript>"), 200, "challenge"),
        (page("429 Too Many Requests"), 200, "rate-limit page"),
        (page("Notice", "<h1>Rate limit exceeded</h1><p>Try later.</p>"), 200, "rate-limit page"),
        (RELEASE, 429, "rate-limit page"),
        (page("404 Not Found"), 200, "soft 404"),
        (page("Ministry", "<h1>Page not found</h1>"), 200, "soft 404"),
        (page("Ministry", "<h2>페이지를 찾을 수 없습니다</h2>"), 200, "soft 404"),
        (page("Страница не найдена"), 200, "soft 404"),
        (RELEASE, 404, "soft 404"),
        (RELEASE, 410, "soft 404"),
        (page("500 Internal Server Error"), 200, "error page"),
        (page("Service Unavailable"), 200, "error page"),
        (page("Ministry", "<h1>Error</h1><p>An error occurred.</p>"), 200, "error page"),
        (page("오류 페이지"), 200, "error page"),
        (RELEASE, 503, "error page"),
    ],
)
def test_the_default_rules_name_what_a_capture_is_when_it_is_not_the_release(
    html: str, status: int, reason: str | None
) -> None:
    assert DEFINED.classify_capture(html, status, URL) == reason


def test_a_release_whose_own_words_look_like_an_error_page_is_a_release() -> None:
    long_text = "<p>" + "The talks went on. " * 120 + "</p>"
    for heading in ("Error of judgement in the 1950 treaty", "404 days of talks", "Too many requests for visas"):
        html = page("Ministry", f"<h1>{heading}</h1><time>2019-03-12</time><div class='text'>{long_text}</div>")
        assert DEFINED.classify_capture(html, 200, URL) is None, heading
    # The same words in a big page's noscript are no challenge either (a release page is larger than a wall).
    big = page("Ministry", "<noscript>Please enable JavaScript</noscript>" + "<p>Text.</p>" * 3000)
    assert DEFINED.classify_capture(big, 200, URL) is None


def test_reasons_are_the_five_the_import_counts() -> None:
    assert captures.REASONS == ("challenge", "rate-limit page", "error page", "soft 404", "empty")


def test_a_site_hook_is_asked_first_and_the_defaults_still_apply_after_it() -> None:
    calls = []

    def hook(html: str, status: int) -> str | None:
        calls.append(status)
        return "soft 404" if "home-page" in html else None

    site = dataclasses.replace(DEFINED, capture_hook=hook)
    assert site.classify_capture("<html><body class='home-page'><p>Welcome</p></body></html>", 200, URL) == "soft 404"
    assert site.classify_capture("", 200, URL) == "empty"
    assert calls == [200, 200]


@pytest.mark.parametrize(
    ("html", "hint"),
    [
        (
            "<html><head><meta name='generator' content='Liferay Portal Community Edition'></head>"
            "<body class='yui3-skin-sam controls-visible guest-site signed-out'>"
            "<div id='wrapper'>x</div></body></html>",
            "generator Liferay Portal Community Edition; body.yui3-skin-sam.controls-visible.guest-site; #wrapper",
        ),
        ("<html><body id='sub' class='eng'><div id='contents'><p>x</p></div></body></html>", "body#sub.eng; #contents"),
        ("<html><body><main id='page'><p>x</p></main></body></html>", "#page"),
        ("<html><body><p>x</p></body></html>", "no template marks"),
        ("", "empty page"),
        ("just words", "not HTML"),
    ],
)
def test_the_template_hint_names_the_marks_a_page_carries(html: str, hint: str) -> None:
    assert DEFINED.template_hint(html) == hint


def test_a_hint_is_short_whatever_the_page_says() -> None:
    html = f"<html><head><meta name='generator' content='{'x' * 500}'></head><body></body></html>"
    assert len(DEFINED.template_hint(html)) < 60


def test_a_defined_site_is_looked_up_under_each_host_and_the_fixed_start_of_its_release_urls() -> None:
    # www.mfa.example and mfa.example are one key to the web archive: asked once.
    assert DEFINED.history_prefixes(DEFINED.defaults) == ["mfa.example/press/", "press.mfa.example/press/"]
    assert DEFINED.url_forms("https://www.mfa.example/press/7.html") == [
        "https://www.mfa.example/press/7.html",
        "https://press.mfa.example/press/7.html",
    ]


@pytest.mark.parametrize(
    ("pattern", "start"),
    [
        (r"^/press/(?P<id>[0-9]+)\.html$", "/press/"),
        (r"^\/news\/item-(?P<id>\d+)", "/news/item-"),
        (r"^/(?P<lang>en|fr)/news/(?P<id>\d+)", "/"),
        (r"/abc?/(?P<id>\d+)", "/ab"),  # the "c" is optional
        (r"/old/(?P<id>\d+)|/new/(?P<id2>\d+)", ""),  # two shapes: no common start
        (r"/p/(?P<id>[|]+)", "/p/"),
    ],
)
def test_the_fixed_start_of_a_release_url_pattern(pattern: str, start: str) -> None:
    assert literal_start(pattern) == start


def test_hosts_as_the_web_archive_keys_them() -> None:
    assert surt_host("WWW.Mid.ru") == "mid.ru"
    assert surt_host("www2.mofa.go.kr") == "mofa.go.kr"
    assert surt_host("overseas.mofa.go.kr") == "overseas.mofa.go.kr"
    assert distinct_hosts(("www.mid.ru", "mid.ru", "archive.mid.ru")) == ["archive.mid.ru", "mid.ru"]
