"""Dates as the sites print them (English, Russian, Korean and a few more), to aware datetimes.

The sites use a handful of fixed formats, matched here exactly and fast; anything else goes to
dateparser. Digits are matched with [0-9], never \\d, which also accepts full-width and other digits.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, tzinfo
from zoneinfo import ZoneInfo

SEOUL = ZoneInfo("Asia/Seoul")
MOSCOW = ZoneInfo("Europe/Moscow")  # UTC+3 all year since 2014

_MONTHS_EN = [
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
]
_MONTHS_RU_GEN = [
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
]
_MONTHS_RU_NOM = [
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
]
_MONTHS_DE = [
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
]
_MONTHS_FR = [
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
]
_MONTHS_ES = [
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
]
_MONTHS_PT = [
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
]


def _month_table() -> dict[str, int]:
    table: dict[str, int] = {}
    for names in (_MONTHS_EN, _MONTHS_RU_GEN, _MONTHS_RU_NOM, _MONTHS_DE, _MONTHS_FR, _MONTHS_ES, _MONTHS_PT):
        for number, name in enumerate(names, start=1):
            table.setdefault(name, number)
    for number, name in enumerate(_MONTHS_EN, start=1):
        table.setdefault(name[:3], number)  # Jan, Feb, ... as in "2 Aug 2023"
    table["sept"] = 9
    return table


MONTHS = _month_table()

# The time may follow the year directly: archive.mid.ru renders "27 October 202115:20".
_TIME = r"(?:\s*(?:г\.|года)?\s*,?\s*(?:at\s+|в\s+)?(?P<H>[0-9]{1,2}):(?P<M>[0-9]{2})(?::(?P<S>[0-9]{2}))?)?"
PATTERNS = [
    re.compile(r"(?<![0-9])(?P<y>[0-9]{4})-(?P<m>[0-9]{1,2})-(?P<d>[0-9]{1,2})(?:[T ]\s*|(?![0-9]))" + _TIME),
    re.compile(r"(?<![0-9])(?P<y>[0-9]{4})\.\s?(?P<m>[0-9]{1,2})\.\s?(?P<d>[0-9]{1,2})\.?(?![0-9])" + _TIME),
    re.compile(r"(?<![0-9])(?P<d>[0-9]{1,2})\.(?P<m>[0-9]{1,2})\.(?P<y>[0-9]{4})" + _TIME),
    re.compile(r"(?P<y>[0-9]{4})\s*년\s*(?P<m>[0-9]{1,2})\s*월\s*(?P<d>[0-9]{1,2})\s*일" + _TIME),
    re.compile(
        r"(?<![0-9])(?P<d>[0-9]{1,2})(?:er)?\s+(?:de\s+)?(?P<mon>[^\W\d_]{3,})\.?,?\s+(?:de\s+)?(?P<y>[0-9]{4})" + _TIME
    ),
    re.compile(r"(?P<mon>[^\W\d_]{3,})\.?\s+(?P<d>[0-9]{1,2}),\s*(?P<y>[0-9]{4})" + _TIME),
]


def parse_when(text: str, tz: tzinfo, *, languages: tuple[str, ...] = ()) -> date | datetime:
    """The first date in `text`, with its time if one follows: an aware datetime, else a date.

    Raises ValueError when `text` holds no date.
    """
    found = _match(text)
    if found is not None:
        day, clock = found
        return datetime.combine(day, clock, tz) if clock is not None else day
    return _fallback(text, tz, languages)


def _match(text: str) -> tuple[date, time | None] | None:
    best: tuple[int, date, time | None] | None = None
    for pattern in PATTERNS:
        for m in pattern.finditer(text):
            parts = m.groupdict()
            month = int(parts["m"]) if parts.get("m") else MONTHS.get(parts["mon"].lower().rstrip("."), 0)
            try:
                day = date(int(parts["y"]), month, int(parts["d"]))
                clock = time(int(parts["H"]), int(parts["M"]), int(parts["S"] or 0)) if parts["H"] else None
            except ValueError:
                continue
            if best is None or m.start() < best[0]:
                best = (m.start(), day, clock)
            break
    return None if best is None else (best[1], best[2])


def _fallback(text: str, tz: tzinfo, languages: tuple[str, ...]) -> date | datetime:
    import dateparser  # type: ignore[import-untyped]  # slow to import; only unknown formats get here

    settings = {"RETURN_AS_TIMEZONE_AWARE": False, "PREFER_DAY_OF_MONTH": "first", "STRICT_PARSING": True}
    parsed: datetime | None = dateparser.parse(text, languages=list(languages) or None, settings=settings)
    if parsed is None:
        raise ValueError(f"no date in {text[:80]!r}")
    if parsed.time() == time(0, 0) and not re.search(r"[0-9]:[0-9]{2}", text):
        return parsed.date()
    return parsed.replace(tzinfo=tz)
