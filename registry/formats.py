"""The one way a date and a date-time are written, per language, on pages, in documents and in the shell.

A date: "15 juin 2026" / "June 15, 2026" (the month in words, never abbreviated, never day/month order guessed).
A date-time: the same date, the time to the minute in the organisation's time zone, and that zone with its UTC
offset, so that a reader abroad (or a reader of a breach clock across a change of summer time) is not misled:
"15 juin 2026, 00:30 (Europe/Paris, UTC+02:00)" / "June 15, 2026, 00:30 (Europe/Paris, UTC+02:00)" (the 24-hour
clock in both languages: a deadline at 00:30 must not read as half past noon).
"""

from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime, get_date_format, get_datetime_format

LANGUAGES = ("fr", "en")


def _lang(lang: str | None) -> str:
    return lang if lang in LANGUAGES else "fr"


@lru_cache(maxsize=8192)
def _date(day: date, lang: str) -> str:
    return format_date(day, "long", locale=lang)


def date_text(day: date | datetime | None, lang: str, tz: str = "UTC") -> str:
    """A date in words in `lang`; an instant is dated in the time zone `tz` (the organisation's). Empty for None."""
    if day is None:
        return ""
    if isinstance(day, datetime):
        day = day.astimezone(ZoneInfo(tz)).date()
    return _date(day, _lang(lang))


@lru_cache(maxsize=4)
def _datetime_pattern(lang: str) -> str:
    """The language's own way (CLDR) to join a long date and a time, the time as HH:mm."""
    glue = get_datetime_format("long", locale=lang)
    return glue.replace("{1}", get_date_format("long", locale=lang).pattern).replace("{0}", "HH:mm")


def datetime_text(moment: datetime | None, tz: str, lang: str) -> str:
    """An instant as the organisation reads it: date, hour and minute in `tz`, then the zone and its UTC offset."""
    if moment is None:
        return ""
    local = moment.astimezone(ZoneInfo(tz))
    offset = local.strftime("%z")
    lang = _lang(lang)
    return f"{format_datetime(local, _datetime_pattern(lang), locale=lang)} ({tz}, UTC{offset[:3]}:{offset[3:]})"
