"""Public holidays per country as a dated table (data/public_holidays.json, written by scripts/public_holidays.py)."""

import json
from datetime import date
from functools import cache
from importlib import resources


@cache
def _doc() -> dict:
    return json.loads(resources.files("registry.reference").joinpath("data", "public_holidays.json").read_text("utf-8"))


@cache
def public_holidays(country: str) -> frozenset[date]:
    """The public holidays of `country` (ISO code) in the table's years; empty for a country the table lacks."""
    days = _doc()["holidays"].get((country or "").upper(), {})
    return frozenset(date.fromisoformat(d) for d in days)


def covered_years(country: str) -> range | None:
    """The years the table covers for `country`, or None when it has none (then only weekends move a deadline)."""
    if (country or "").upper() not in _doc()["holidays"]:
        return None
    first, last = _doc()["years"]
    return range(first, last + 1)
