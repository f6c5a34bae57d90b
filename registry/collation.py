"""Alphabetical order as a reader expects it (Unicode Collation Algorithm), not by code point.

Code-point order (Python's `sorted`, SQLite's and PostgreSQL's "C" collation) puts "Égypte" after "Zambie" and
"iSendPro" after every capitalised name; the Unicode Collation Algorithm's default table (DUCET, through the
pure-Python pyuca: nothing to build, no system library) puts them among the E and the I, accents and case
deciding only between otherwise equal texts. French and English need no tailoring of that table for names;
`lang` is kept so a language that does can get its own. Runs of digits compare as numbers ("RH-2" before "RH-10").
"""

import re
from collections.abc import Callable, Iterable
from functools import cache
from typing import TypeVar

from pyuca import Collator

T = TypeVar("T")
_DIGITS = re.compile(r"(\d+)")


@cache
def _collator() -> Collator:
    return Collator()


def sort_key(lang: str) -> Callable[[str], tuple]:
    """The key that orders texts of `lang` ("fr", "en"): letters by the collation, numbers by their value."""
    collator = _collator()
    # Digits are compared one by one by the collation: padded to one width, a run compares as a number.
    return lambda text: collator.sort_key(_DIGITS.sub(lambda m: m.group().zfill(20), text))


def collated(items: Iterable[T], lang: str, text: Callable[[T], str] = str) -> list[T]:
    """`items` ordered by `text(item)` in the collation of `lang`; equal texts keep their order."""
    key = sort_key(lang)
    return sorted(items, key=lambda item: key(text(item)))
