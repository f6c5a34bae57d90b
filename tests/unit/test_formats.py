"""One way to write a date and a date-time per language (registry.formats), exact to the minute and the zone."""

from datetime import UTC, date, datetime

import pytest

from registry.formats import date_text, datetime_text

PARIS = "Europe/Paris"


@pytest.mark.parametrize(("lang", "day", "text"), [
    ("fr", date(2026, 7, 15), "15 juillet 2026"),  # the month in words, never "juil."
    ("en", date(2026, 7, 15), "July 15, 2026"),
    ("fr", date(2026, 6, 1), "1 juin 2026"),
])
def test_a_date_is_written_in_words_in_each_language(lang, day, text):
    assert date_text(day, lang) == text


def test_an_instant_is_dated_in_the_organisations_zone():
    half_past_midnight_in_paris = datetime(2026, 6, 14, 22, 30, tzinfo=UTC)
    assert date_text(half_past_midnight_in_paris, "fr", PARIS) == "15 juin 2026"
    assert date_text(half_past_midnight_in_paris, "fr") == "14 juin 2026"  # in UTC


@pytest.mark.parametrize(("lang", "text"), [
    ("fr", "27 octobre 2026, 20:00 (Europe/Paris, UTC+01:00)"),
    ("en", "October 27, 2026, 20:00 (Europe/Paris, UTC+01:00)"),
])
def test_a_deadline_after_the_clocks_go_back_shows_the_wall_clock_and_its_offset(lang, text):
    # 72 hours after Saturday 24 October 2026 21:00 in Paris (UTC+2): 20:00 on the wall clock, UTC+1.
    assert datetime_text(datetime(2026, 10, 27, 19, 0, tzinfo=UTC), PARIS, lang) == text


def test_an_unknown_language_is_written_in_french_and_nothing_is_empty():
    assert date_text(date(2026, 6, 15), "de") == "15 juin 2026"
    assert date_text(None, "fr") == "" and datetime_text(None, PARIS, "fr") == ""
