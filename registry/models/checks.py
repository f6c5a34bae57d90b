"""Field checks shared by the non-table models (import, API, forms): shapes only, never legal rules."""

import re
from collections.abc import Iterable
from functools import cache
from zoneinfo import available_timezones

from email_validator import EmailNotValidError, validate_email
from pydantic import field_validator
from sqlmodel import SQLModel

from registry import reference

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")


@cache
def time_zones() -> frozenset[str]:
    """The IANA time zones of this system, read once (listing them walks the zone files on disk)."""
    return frozenset(available_timezones())


def slug(value: str) -> str:
    if not SLUG.match(value or ""):
        raise ValueError("use 1-64 lower-case letters, digits and hyphens, not starting or ending with a hyphen")
    return value


def country(value: str | None) -> str | None:
    if value is None:
        return None
    if not reference.is_country(value) or value != value.upper():
        raise ValueError(f"{value!r} is not an ISO 3166-1 alpha-2 country code")
    return value


def email(value: str | None) -> str | None:
    if value is None or value == "":
        return None
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValueError(f"{value!r} is not a valid e-mail address: {exc}") from None
    return value


def one_of(value: str | None, allowed: Iterable[str], what: str) -> str | None:
    if value is None:
        return None
    allowed = tuple(allowed)
    if value not in allowed:
        raise ValueError(f"{value!r} is not a known {what} (expected one of: {', '.join(allowed)})")
    return value


def vocab(value: str | None, name: str) -> str | None:
    return one_of(value, reference.vocabulary(name), name.replace("_", " ").rstrip("s"))


def blank_to_none(value):
    if isinstance(value, str) and not value.strip():
        return None
    return value


# Control characters (Unicode category Cc: C0, DEL and C1) and lone surrogates (Cs). No person types them; PostgreSQL
# refuses NUL in text, and a surrogate alone cannot be encoded in UTF-8 for either database.
_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_UNSAFE_ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
# Integer columns are 32-bit on PostgreSQL (INTEGER); SQLite takes 64. A larger number fits neither everywhere.
INT_MAX = 2**31 - 1


def unsafe_character(text: str, lines: bool = True) -> str | None:
    """The first character of `text` that no record may hold, as "U+0000", or None.

    Tab and line breaks are allowed where the text may have several lines (`lines`), refused on one line.
    """
    found = (_UNSAFE if lines else _UNSAFE_ONE_LINE).search(text)
    return f"U+{ord(found.group()):04X}" if found else None


def record_id(text: object) -> int | None:
    """An id sent as text (a ticked box, a hidden field): ASCII digits within the integer columns' range, else None."""
    if not isinstance(text, str) or not (text.isascii() and text.isdigit()) or len(text) > 10:
        return None
    number = int(text)
    return number if 0 < number <= INT_MAX else None


def unstorable(value) -> str | None:
    """Why `value` (text, a whole number, or lists and objects of them) cannot be stored, or None."""
    if isinstance(value, str):
        found = unsafe_character(value)
        if found:
            return f"contains the character {found} (a control character or an unpaired surrogate), which cannot be stored"
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value} is out of range (at most {INT_MAX} in absolute value)" if abs(value) > INT_MAX else None
    if isinstance(value, dict):
        value = [*value.keys(), *value.values()]
    if isinstance(value, list | tuple | set | frozenset):
        return next((why for why in map(unstorable, value) if why), None)
    return None


class Storable(SQLModel):
    """Base of the validating models (import, API, forms through the services): every text and number of a record
    can be stored on both databases. Nested models inherit it, so pydantic names the exact place of a refusal."""

    @field_validator("*", mode="after")
    @classmethod
    def _storable(cls, value):
        why = unstorable(value)
        if why:
            raise ValueError(why)
        return value
