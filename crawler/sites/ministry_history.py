"""The Russian ministry's two sites in the web archive: where their captures are, and what a capture can be.

Until 2021 the ministry's Liferay site was served at mid.ru itself; the web archive holds those pages under
mid.ru/<lang>/<section>/-/asset_publisher/<portlet>/content/id/<id>, the same path archive.mid.ru serves
them at now. They are archive.mid.ru's documents (their ids are the old site's), whichever host a capture
shows: archive.mid.ru's canonical_url takes both hosts, mid.ru's takes neither shape of the other.
So a CDX prefix of a mid.ru section (mid.ru/en/foreign_policy/news/) lists captures of both sites; the
import files each under the site that owns it (`crawler.sites.owner_of`).

A capture that is not a release, beyond the shared rules of `crawler.sites.captures`: the F5 pages (by the
sites' challenge markers), Liferay's and Bitrix's "no such content" pages (soft 404), Liferay's system error,
and a list or home page captured at an article URL (soft 404: the article was not there).
"""

from __future__ import annotations

from collections.abc import Mapping

from selectolax.lexbor import LexborHTMLParser

from crawler.config import SiteConfig
from crawler.sites import captures
from crawler.sites.captures import ERROR_PAGE, SOFT_404
from crawler.sites.cdx import url_key

LIFERAY = "-/asset_publisher/"
CURRENT_HOST = "mid.ru"
ARCHIVE_HOST = "archive.mid.ru"
# What each template's article sits in, as its parsers read it (mid.py, mid_archive.py).
TEMPLATES = (
    ("mid.ru current (div.photo-content)", "div.photo-content"),
    ("mid.ru current (ul.announcements)", "ul.announcements"),
    ("mid.ru 2021 (div.page-body)", "div.page-body"),
    ("Liferay (div.asset-full-content)", "div.asset-full-content"),
    ("Liferay (div.journal-content-article)", "div.journal-content-article"),
)
# An article: any template's container, div.page-body (a wrapper of other pages too) only around a text.
ARTICLES = ", ".join(selector for _, selector in TEMPLATES if selector != "div.page-body")
ARTICLES += ", div.page-body div.article-content"
# A page with a list of articles and no article: a section's list (or the home page) at an article URL.
LISTS = "ul.announce_articles, ul.announce, div.asset-publisher, ul.news-list, div.main-news"
# Liferay's and Bitrix's own words for content that is not there, and for their failures.
GONE_TEXTS = (
    "The selected web content no longer exists",
    "The requested resource could not be found",
    "The requested resource was not found",
    "Запрашиваемый ресурс не найден",
    "Выбранный веб-контент больше не существует",
    "Элемент не найден",
)
ERROR_TEXTS = ("An unexpected system error occurred", "Произошла непредвиденная системная ошибка")


def sections(config: SiteConfig, aliases: Mapping[str, str]) -> list[str]:
    """The configured sections, each with the other spellings the site used for it (`aliases`: spelling ->
    section), in order, once each."""
    out: list[str] = []
    for section in (s.strip("/") for s in config.collections):
        for name in (section, *(alias for alias, target in aliases.items() if target == section)):
            if name not in out:
                out.append(name)
    return out


def current_prefixes(aliases: Mapping[str, str], config: SiteConfig) -> list[str]:
    """mid.ru/<lang>/<section>/ for every configured language and section: the current site's articles and,
    under the same path, the Liferay pages mid.ru served before 2021 (archive.mid.ru's documents)."""
    return [f"{CURRENT_HOST}/{lang}/{s}/" for lang in config.languages or ("en",) for s in sections(config, aliases)]


def archive_prefixes(config: SiteConfig) -> list[str]:
    """The old site's article URLs of every configured language and section, at archive.mid.ru and as
    mid.ru served them before 2021."""
    return [
        f"{host}/{lang}/{section}/{LIFERAY}"
        for host in (ARCHIVE_HOST, CURRENT_HOST)
        for lang in config.languages or ("en",)
        for section in sections(config, {})
    ]


def current_forms(aliases: Mapping[str, str], canonical: str) -> list[str]:
    """A current-site article's URL, and the same under each other spelling of its section (the Russian
    kommentarii for comments). The interface-language forms (/pt/…/<id>/?lang=en) are left to the prefixes."""
    forms = [canonical]
    for alias, target in aliases.items():
        if f"/{target}/" in canonical:
            forms.append(canonical.replace(f"/{target}/", f"/{alias}/", 1))
    return _distinct(forms)


def archive_forms(canonical: str) -> list[str]:
    """An old-site article at archive.mid.ru, and at mid.ru where the web archive captured it before 2021."""
    return _distinct([canonical, canonical.replace(f"://{ARCHIVE_HOST}/", f"://{CURRENT_HOST}/", 1)])


def _distinct(urls: list[str]) -> list[str]:
    """`urls` in order, one per web-archive key."""
    seen: dict[str, str] = {}
    for url in urls:
        seen.setdefault(url_key(url), url)
    return list(seen.values())


def classify(html: str, status: int) -> str | None:
    """What the ministry's own pages say a capture is, when it holds no article (None: ask the shared rules;
    the F5 pages are found there by the sites' challenge markers). Where an article is, its parser decides:
    a side portlet's "no longer exists" does not make the page's article gone."""
    if not html.strip():
        return None
    tree = LexborHTMLParser(html)
    if tree.css_first(ARTICLES) is not None:
        return None
    if any(text in html for text in GONE_TEXTS):
        return SOFT_404
    if any(text in html for text in ERROR_TEXTS):
        return ERROR_PAGE
    return SOFT_404 if tree.css_first(LISTS) is not None else None


def template_hint(html: str) -> str | None:
    """The ministry template a page is in, by the container its article sits in; None for none of them."""
    tree = LexborHTMLParser(html)
    return next((name for name, selector in TEMPLATES if tree.css_first(selector) is not None), None)


def page_hint(html: str) -> str:
    """The template hint a parse error names: the ministry template, else the page's own marks."""
    return template_hint(html) or captures.template_hint(html)
