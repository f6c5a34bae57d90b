"""Field checks shared by the non-table models (import, API, forms): shapes only, never legal rules."""

import re
from collections.abc import Iterable

from email_validator import EmailNotValidError, validate_email

from registry import reference

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")


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
