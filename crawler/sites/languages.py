"""The date words of the languages the sites print: month names and the particles around a date.

A site's `Calendar` (see `crawler.parse.dates`) is made here from its time zone and its languages, so a
site of a known language gets that language's month names without spelling them out again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

from crawler.parse.dates import Calendar


@dataclass(frozen=True)
class DateWords:
    """What one language writes around the numbers of a date."""

    months: tuple[tuple[str, ...], ...] = ()  # twelve lower-case names each, January first; one tuple a spelling
    other_months: tuple[tuple[str, int], ...] = ()  # further names that fit no spelling of twelve
    after_year: tuple[str, ...] = ()
    before_time: tuple[str, ...] = ()
    day_suffixes: tuple[str, ...] = ()
    joiners: tuple[str, ...] = ()
    units: tuple[str, str, str] | None = None


WORDS: dict[str, DateWords] = {
    "en": DateWords(
        months=(
            (
                "january",
                "february",
                "march",
                "april",
                "may",
                "june",
                "july",
                "august",
                "september",
                "october",
                "november",
                "december",
            ),
            ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),  # "2 Aug 2023"
        ),
        other_months=(("sept", 9),),
        before_time=("at",),
    ),
    "ru": DateWords(
        months=(
            # genitive, as in "15 января 2024"
            (
                "января",
                "февраля",
                "марта",
                "апреля",
                "мая",
                "июня",
                "июля",
                "августа",
                "сентября",
                "октября",
                "ноября",
                "декабря",
            ),
            # nominative, as in list headings
            (
                "январь",
                "февраль",
                "март",
                "апрель",
                "май",
                "июнь",
                "июль",
                "август",
                "сентябрь",
                "октябрь",
                "ноябрь",
                "декабрь",
            ),
        ),
        after_year=("г.", "года"),  # "15 января 2024 г. 12:05"
        before_time=("в",),
    ),
    "de": DateWords(
        months=(
            (
                "januar",
                "februar",
                "märz",
                "april",
                "mai",
                "juni",
                "juli",
                "august",
                "september",
                "oktober",
                "november",
                "dezember",
            ),
        ),
    ),
    "fr": DateWords(
        months=(
            (
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
            ),
        ),
        day_suffixes=("er",),  # "1er mars"
    ),
    "es": DateWords(
        months=(
            (
                "enero",
                "febrero",
                "marzo",
                "abril",
                "mayo",
                "junio",
                "julio",
                "agosto",
                "septiembre",
                "octubre",
                "noviembre",
                "diciembre",
            ),
        ),
        joiners=("de",),  # "3 de marzo de 2022"
    ),
    "pt": DateWords(
        months=(
            (
                "janeiro",
                "fevereiro",
                "março",
                "abril",
                "maio",
                "junho",
                "julho",
                "agosto",
                "setembro",
                "outubro",
                "novembro",
                "dezembro",
            ),
        ),
        joiners=("de",),  # "3 de março de 2022"
    ),
    "ko": DateWords(units=("년", "월", "일")),  # "2016년 6월 10일"; months are numbers
}


@lru_cache(maxsize=256)
def calendar(
    time_zone: str,
    languages: tuple[str, ...],
    months: tuple[tuple[str, ...], ...] = (),
    *,
    fallback: tuple[str, ...] = (),
) -> Calendar:
    """The calendar of a site in `time_zone` printing dates in `languages` (best known first).

    `months` adds spellings of the site's own (twelve names each, January first). A language without date
    words here still reads numeric dates; its month names then come from `months` or from dateparser,
    which reads other shapes in the `fallback` languages (in any language it detects when empty).
    Calendars are cached: a site's patterns are compiled once.
    """
    table: dict[str, int] = {}
    words = [WORDS[lang] for lang in languages if lang in WORDS]
    for spelling in (*(s for w in words for s in w.months), *months):
        for number, name in enumerate(spelling, start=1):
            table.setdefault(name.lower(), number)
    for word in words:
        table.update(word.other_months)
    units = next((w.units for w in words if w.units), None)
    return Calendar(
        tz=ZoneInfo(time_zone),
        months=table,
        after_year=_union(w.after_year for w in words),
        before_time=_union(w.before_time for w in words),
        day_suffixes=_union(w.day_suffixes for w in words),
        joiners=_union(w.joiners for w in words),
        units=units,
        languages=fallback,
    )


def _union(groups: Iterable[tuple[str, ...]]) -> tuple[str, ...]:
    """Every word of the groups, once, in first-seen order."""
    seen: dict[str, None] = {}
    for group in groups:
        seen.update(dict.fromkeys(group))
    return tuple(seen)
