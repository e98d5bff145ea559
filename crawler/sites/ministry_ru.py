"""What mid.ru and archive.mid.ru share: one ministry (the Russian Federation's MFA) on two sites.

Both file a release under /<lang>/<section path>/ and keep one version series per language, name their
sections alike, print dates in the same languages and in Moscow time, stand behind the same protection,
and are backfilled from the web archive's CDX index (robots.txt forbids their list pagination).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from archive.document import Release
from crawler.config import SiteConfig
from crawler.sites.base import BackfillRequest, Listing, ListingItem, Site, Source
from crawler.sites.languages import calendar
from crawler.sites.wayback import cdx_sources

LANGUAGES = ("ru", "en", "de", "fr", "es", "pt")
CALENDAR = calendar("Europe/Moscow", LANGUAGES)  # Moscow time, UTC+3 all year since 2014
MIN_INTERVAL_S = 5.0  # polite crawlers of this ministry space requests 5-10 s; faster ones meet the F5 wall
LEGACY_CHARSETS = ("cp1251",)  # windows-1251, the Russian legacy encoding

# Section path -> (English name, Russian name). The Russian site spells some slugs differently.
SECTIONS = {
    "foreign_policy/news": ("News", "Новости"),
    "press_service/minister_speeches": ("Minister's speeches", "Выступления Министра"),
    "press_service/spokesman/briefings": ("Briefings", "Брифинги"),
    "press_service/spokesman/answers": ("Answers to media questions", "Ответы на вопросы СМИ"),
    "press_service/spokesman/comments": ("Comments", "Комментарии"),
    "press_service/spokesman/official_statement": ("Official statements", "Официальные заявления"),
}
DEFAULTS = SiteConfig(
    base_url="",  # each site's own root
    min_interval=MIN_INTERVAL_S,
    collections=("foreign_policy/news",),
    languages=("en",),
    list_pages=1,
)

# (content language, section path, document id) of a canonical URL
Parts = Callable[[str], tuple[str, str, str]]


def section_name(section: str, lang: str) -> str:
    """What the ministry calls a section, in Russian on Russian pages and in English otherwise."""
    names = SECTIONS.get(section, (section, section))
    return names[1] if lang == "ru" else names[0]


def section_slug(section: str) -> str:
    """A section path as one archive path component: foreign_policy/news -> foreign_policy.news."""
    return section.replace("/", ".")


def section_listings(config: SiteConfig) -> list[Listing]:
    """The first list page of each configured section in each configured language."""
    base = config.base_url.rstrip("/")
    return [
        Listing(f"{base}/{lang}/{section.strip('/')}/", expect_items=True, collection=section)
        for lang in config.languages or ("en",)
        for section in config.collections
    ]


def release(
    site: str,
    url: str,
    parts: tuple[str, str, str],
    title: str,
    published: date | datetime,
    body: list[str],
    **extras: Any,
) -> Release:
    """A release of either site: filed by section, one version series per language."""
    lang, section, doc_id = parts
    return Release(
        site=site,
        collection=section_slug(section),
        collection_name=section_name(section, lang),
        doc_id=doc_id,
        language=lang,
        url=url,
        title=title,
        published=published,
        body=tuple(body),
        per_language=True,
        **extras,
    )


def ministry_site(
    name: str,
    aliases: tuple[str, ...],
    *,
    canonical_url: Callable[[str], str],
    parts: Parts,
    parse_listing: Callable[[str, str], list[ListingItem]],
    parse_release: Callable[[str, str], Release],
    listing_urls: Callable[[SiteConfig], list[Listing]] = section_listings,
    in_scope: Callable[[str, SiteConfig], bool] | None = None,
    **settings: Any,
) -> Site:
    """A `Site` of the ministry: keys <site>/<section>/<id>/<lang>, CDX backfill under <site>/<lang>/<section>/.

    `settings` change the ministry's default SiteConfig for this site (`interval`, `enabled`, ...).
    """

    def doc_key(url: str) -> str:
        lang, section, doc_id = parts(canonical_url(url))
        return f"{name}/{section_slug(section)}/{doc_id}/{lang}"

    def backfill_sources(config: SiteConfig, request: BackfillRequest) -> list[Source]:
        return cdx_sources(config, request, name, canonical_url, lambda u: parts(u)[2])

    site = Site(
        name=name,
        aliases=aliases,
        hosts=frozenset({name, f"www.{name}"}),
        defaults=replace(DEFAULTS, base_url=f"https://{name}", **settings),
        listing_urls=listing_urls,
        parse_listing=parse_listing,
        parse_release=parse_release,
        canonical_url=canonical_url,
        doc_key=doc_key,
        backfill_sources=backfill_sources,
        backfill_uses_wayback=True,
        legacy_charsets=LEGACY_CHARSETS,
    )
    return replace(site, in_scope=in_scope) if in_scope is not None else site
