"""What mid.ru and archive.mid.ru share: one ministry (the Russian Federation's MFA) on two sites.

Both file a release under /<lang>/<section path>/<id> (ids one sequence over the whole site, so a document is
keyed by its id alone) and keep one version series per language, name their
sections alike, print dates in the same languages and in Moscow time, stand behind the same protection,
and are backfilled from the web archive's CDX index (robots.txt forbids their list pagination).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import Any

from archive.document import SITE_WIDE, Release
from crawler.config import SiteConfig
from crawler.errors import ConfigError
from crawler.sites.base import Listing, Site
from crawler.sites.definition import Dates, Definition
from crawler.sites.generic import make_site, root
from crawler.sites.languages import calendar

LANGUAGES = ("ru", "en", "de", "fr", "es", "pt")
TIME_ZONE = "Europe/Moscow"  # UTC+3 all year since 2014
CALENDAR = calendar(TIME_ZONE, LANGUAGES)
MIN_INTERVAL_S = 5.0  # polite crawlers of this ministry space requests 5-10 s; faster ones meet the F5 wall
LEGACY_CHARSETS = ("cp1251",)  # windows-1251, the Russian legacy encoding
# The F5 BIG-IP ASM ("TSPD") in front of both answers unwelcome clients with HTTP 200 and a JavaScript
# challenge, a "Request Rejected" page or a "please wait" page; no release page holds these strings.
CHALLENGE_MARKERS = (
    'window["bobcmn"]',
    "/TSPD/",
    "TSPD_101",
    "Request Rejected",
    "Your support ID is",
    "support ID is:",
    "Data processing... Please, wait.",
)

# Sections whose last segment is a long hyphenated slug, which the slug rule below would take for an article's.
LONG_SECTIONS = frozenset(
    {
        "foreign_policy/economic_diplomacy/vnesneekonomiceskie-svazi-sub-ektov-rossijskoj-federacii",
        "cernomorskoe-ekonomiceskoe-sotrudnicestvo-ces-",
    }
)
# Both sites accept an article's own slug (its title, transliterated and hyphenated) before the id; it is
# not a section. Section slugs run to six words, title slugs longer.
SLUG_WORDS = 7
# Where an article goes whose URL names no section at all (only its own slug).
NO_SECTION = "other"
# Section path -> (English name, Russian name). The Russian site spells some slugs differently.
SECTIONS = {
    "foreign_policy/news": ("News", "Новости"),
    "press_service/minister_speeches": ("Minister's speeches", "Выступления Министра"),
    "press_service/spokesman/briefings": ("Briefings", "Брифинги"),
    "press_service/spokesman/answers": ("Answers to media questions", "Ответы на вопросы СМИ"),
    "press_service/spokesman/comments": ("Comments", "Комментарии"),
    "press_service/spokesman/official_statement": ("Official statements", "Официальные заявления"),
    NO_SECTION: ("Other", "Другое"),
}
# Section paths are the collections (a definition's collections are single path components, hence here).
DEFAULTS = SiteConfig(
    base_url="",  # each site's own root
    min_interval=MIN_INTERVAL_S,
    collections=("foreign_policy/news",),
    languages=("en",),
    list_pages=1,
)


def section_name(section: str, lang: str) -> str:
    """What the ministry calls a section, in Russian on Russian pages and in English otherwise."""
    names = SECTIONS.get(section, (section, section))
    return names[1] if lang == "ru" else names[0]


def section_of(path: str) -> str:
    """The section of an article's path (between the language and the id), without a trailing article
    slug: a last segment of SLUG_WORDS or more hyphenated words, or any hyphenated one under a known section."""
    path = path.strip("/")
    if path in LONG_SECTIONS or path in SECTIONS:
        return path
    head, _, last = path.rpartition("/")
    words = [w for w in last.split("-") if w]
    if len(words) >= SLUG_WORDS or (len(words) > 1 and head in SECTIONS):
        return head or NO_SECTION
    return path


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
        site_wide_id=True,
        **extras,
    )


def doc_key(site: str, parts: tuple[str, str, str]) -> str:
    """<site>/id/<id>/<lang>: the id alone names the document, whichever section path reached it (the ids are
    one sequence over the whole site); each language of a document is its own version series. Until
    2026-11 the key was <site>/<section>/<id>/<lang>: such folders are moved (crawler/pipeline/layout.py)."""
    lang, _, doc_id = parts
    return f"{site}/{SITE_WIDE}/{doc_id}/{lang}"


def definition(name: str, **fields: Any) -> Definition:
    """A definition of one of the ministry's sites: what both say alike, then the site's own `fields`."""
    shared: dict[str, Any] = {
        "hosts": (name, f"www.{name}"),
        "list_urls": (f"https://{name}/{{lang}}/{{collection}}/",),
        "language": "en",
        "languages": ("en",),
        "per_language": True,
        "numeric_id": True,
        "dates": Dates(time_zone=TIME_ZONE),
        "min_interval": MIN_INTERVAL_S,
        "legacy_charsets": LEGACY_CHARSETS,
        "challenge_markers": CHALLENGE_MARKERS,
    }
    return Definition(name=name, **{**shared, **fields})


def ministry_site(d: Definition, **settings: Any) -> Site:
    """The `Site` of one of the ministry's definitions: section paths as its collections, backfill from the
    web archive. `settings` change the ministry's default settings for this site (`enabled`, ...)."""
    site = make_site(d)
    config = replace(DEFAULTS, base_url=root(d), interval=d.interval, **settings)
    return replace(site, defaults=config, backfill_uses_wayback=True, key_group=SITE_WIDE, check_config=check_languages)


def check_languages(config: SiteConfig) -> None:
    """Fail with one line on a configured language the ministry does not publish in: its list pages would
    come back empty, which reads as a wrong collection."""
    for lang in config.languages:
        if lang not in LANGUAGES:
            raise ConfigError(f"languages: {lang!r} is not a language the site serves ({', '.join(LANGUAGES)})")
