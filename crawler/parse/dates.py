"""Dates as a site prints them, to aware datetimes; the site says how it writes them through a `Calendar`.

This module knows only the shapes of dates (year-month-day with dashes or dots, day.month.year, day month
year, month day, year with unit words) and no language or place: a site's `Calendar` gives its time zone,
its month names and the words it writes around the numbers. The shapes are matched here exactly and fast;
anything else goes to dateparser. Digits are matched with [0-9], never \\d, which also accepts full-width
and other digits.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, tzinfo
from functools import cached_property


@dataclass(frozen=True, eq=False)
class Calendar:
    """How one site writes dates: its time zone, month names and the words around a date's numbers."""

    tz: tzinfo  # the zone of every time the site prints
    months: Mapping[str, int] = field(default_factory=dict)  # lower-case month name or abbreviation -> 1..12
    after_year: tuple[str, ...] = ()  # words that may follow the year before a time ("г.", "года")
    before_time: tuple[str, ...] = ()  # words that may stand before the time ("at", "в")
    day_suffixes: tuple[str, ...] = ()  # written right after a day number ("er" in "1er mars")
    joiners: tuple[str, ...] = ()  # words between day, month and year ("de" in "3 de marzo de 2022")
    units: tuple[str, str, str] | None = None  # year, month and day words of "2016년 6월 10일"
    languages: tuple[str, ...] = ()  # dateparser's languages for other shapes (empty: it detects them)

    @cached_property
    def patterns(self) -> tuple[re.Pattern[str], ...]:
        """The date shapes this calendar reads, compiled once."""
        return _patterns(self)


def _any(words: tuple[str, ...], after: str = "") -> str:
    """An optional group matching any of `words` (longest first) followed by `after`."""
    if not words:
        return ""
    return "(?:(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + ")" + after + ")?"


def _patterns(cal: Calendar) -> tuple[re.Pattern[str], ...]:
    # The time may follow the year with no space: a text rendering runs a date and a time printed side by
    # side together ("27 October 202115:20"), and no other reading of four digits and "15:20" makes sense.
    space = r"\s+"
    clock = (
        rf"(?:\s*{_any(cal.after_year)}\s*,?\s*{_any(cal.before_time, space)}"
        r"(?P<H>[0-9]{1,2}):(?P<M>[0-9]{2})(?::(?P<S>[0-9]{2}))?)?"
    )
    joiner = _any(cal.joiners, space)
    shapes = [
        r"(?<![0-9])(?P<y>[0-9]{4})-(?P<m>[0-9]{1,2})-(?P<d>[0-9]{1,2})(?:[T ]\s*|(?![0-9]))",
        r"(?<![0-9])(?P<y>[0-9]{4})\.\s?(?P<m>[0-9]{1,2})\.\s?(?P<d>[0-9]{1,2})\.?(?![0-9])",
        r"(?<![0-9])(?P<d>[0-9]{1,2})\.(?P<m>[0-9]{1,2})\.(?P<y>[0-9]{4})",
    ]
    if cal.units:
        y, m, d = (re.escape(u) for u in cal.units)
        shapes.append(rf"(?P<y>[0-9]{{4}})\s*{y}\s*(?P<m>[0-9]{{1,2}})\s*{m}\s*(?P<d>[0-9]{{1,2}})\s*{d}")
    if cal.months:
        shapes.append(
            rf"(?<![0-9])(?P<d>[0-9]{{1,2}}){_any(cal.day_suffixes)}\s+{joiner}"
            rf"(?P<mon>[^\W\d_]{{3,}})\.?,?\s+{joiner}(?P<y>[0-9]{{4}})"
        )
        shapes.append(r"(?P<mon>[^\W\d_]{3,})\.?\s+(?P<d>[0-9]{1,2}),\s*(?P<y>[0-9]{4})")
    return tuple(re.compile(shape + clock) for shape in shapes)


def parse_when(text: str, calendar: Calendar) -> date | datetime:
    """The first date in `text`, with its time if one follows: an aware datetime, else a date.

    Raises ValueError when `text` holds no date.
    """
    found = _match(text, calendar)
    if found is not None:
        day, clock = found
        return datetime.combine(day, clock, calendar.tz) if clock is not None else day
    return _fallback(text, calendar)


def _match(text: str, calendar: Calendar) -> tuple[date, time | None] | None:
    best: tuple[int, date, time | None] | None = None
    for pattern in calendar.patterns:
        for m in pattern.finditer(text):
            parts = m.groupdict()
            month = int(parts["m"]) if parts.get("m") else calendar.months.get(parts["mon"].lower().rstrip("."), 0)
            try:
                day = date(int(parts["y"]), month, int(parts["d"]))
                clock = time(int(parts["H"]), int(parts["M"]), int(parts["S"] or 0)) if parts["H"] else None
            except ValueError:
                continue
            if best is None or m.start() < best[0]:
                best = (m.start(), day, clock)
            break
    return None if best is None else (best[1], best[2])


def _fallback(text: str, calendar: Calendar) -> date | datetime:
    import dateparser  # type: ignore[import-untyped]  # slow to import; only unknown formats get here

    settings = {"RETURN_AS_TIMEZONE_AWARE": False, "PREFER_DAY_OF_MONTH": "first", "STRICT_PARSING": True}
    languages = list(calendar.languages) or None
    parsed: datetime | None = dateparser.parse(text, languages=languages, settings=settings)
    if parsed is None:
        raise ValueError(f"no date in {text[:80]!r}")
    if parsed.time() == time(0, 0) and not re.search(r"[0-9]:[0-9]{2}", text):
        return parsed.date()
    return parsed.replace(tzinfo=calendar.tz)
