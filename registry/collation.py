"""Alphabetical order as readers of each interface language expect it (ICU collation), not by code point.

Code-point order (Python's `sorted`, SQLite's and PostgreSQL's "C" collation) puts "Égypte" after "Zambie" and
"iSendPro" after every capitalised name; the language's collation puts them among the E and the I.
"""

from collections.abc import Callable, Iterable
from functools import cache
from typing import TypeVar

import icu

T = TypeVar("T")


@cache
def _collator(lang: str) -> icu.Collator:
    collator = icu.Collator.createInstance(icu.Locale(lang))
    # "Site 2" before "Site 10", as a reader counts.
    collator.setAttribute(icu.UCollAttribute.NUMERIC_COLLATION, icu.UCollAttributeValue.ON)
    return collator


def sort_key(lang: str) -> Callable[[str], bytes]:
    """The key that orders texts of `lang` ("fr", "en"): accents and case decide only between otherwise equal texts."""
    return _collator(lang).getSortKey


def collated(items: Iterable[T], lang: str, text: Callable[[T], str] = str) -> list[T]:
    """`items` ordered by `text(item)` in the collation of `lang`; equal texts keep their order."""
    key = sort_key(lang)
    return sorted(items, key=lambda item: key(text(item)))
