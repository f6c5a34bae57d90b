"""The Art. 12(3) clock of data-subject requests (Regulation 1182/71 as EDPB Guidelines 01/2022 apply it)."""

from datetime import UTC, date, datetime

import pytest

from registry.domain import requests as r
from registry.reference.public_holidays import covered_years, public_holidays

FR = public_holidays("FR")


def due(received: date, extended: bool = False) -> date:
    return r.answer_deadline(received, FR, extended).due


def test_received_wednesday_31_december_is_due_saturday_31_january_so_monday_2_february():
    deadline = r.answer_deadline(date(2025, 12, 31), FR)
    assert date(2025, 12, 31).strftime("%A") == "Wednesday"
    assert deadline.nominal == date(2026, 1, 31) and deadline.nominal.strftime("%A") == "Saturday"
    assert deadline.due == date(2026, 2, 2) and deadline.due.strftime("%A") == "Monday"
    assert deadline.moved


def test_received_31_january_ends_on_saturday_28_february_so_monday_2_march():
    deadline = r.answer_deadline(date(2026, 1, 31), FR)
    assert deadline.nominal == date(2026, 2, 28) and deadline.nominal.strftime("%A") == "Saturday"
    assert deadline.due == date(2026, 3, 2)


def test_received_29_january_2028_is_due_29_february_2028_a_leap_day_and_a_working_day():
    deadline = r.answer_deadline(date(2028, 1, 29), FR)
    assert deadline.due == deadline.nominal == date(2028, 2, 29)


def test_a_month_without_the_same_date_ends_on_its_last_day():
    assert r.add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert r.add_months(date(2026, 3, 31), 1) == date(2026, 4, 30)


@pytest.mark.parametrize("received, holiday, expected", [
    (date(2026, 4, 14), date(2026, 5, 14), date(2026, 5, 15)),  # Ascension Thursday -> Friday
    (date(2026, 4, 25), date(2026, 5, 25), date(2026, 5, 26)),  # Whit Monday -> Tuesday
    (date(2026, 6, 14), date(2026, 7, 14), date(2026, 7, 15)),  # Fête nationale (Tuesday) -> Wednesday
    (date(2027, 4, 8), date(2027, 5, 8), date(2027, 5, 10)),  # 8 May 2027 is a Saturday anyway -> Monday
    (date(2026, 10, 11), date(2026, 11, 11), date(2026, 11, 12)),  # Armistice (Wednesday) -> Thursday
])
def test_a_french_public_holiday_on_the_last_day_moves_it_to_the_next_working_day(received, holiday, expected):
    assert holiday in FR
    assert due(received) == expected


def test_without_the_holiday_table_only_the_weekend_moves_the_deadline():
    assert r.answer_deadline(date(2026, 4, 14), frozenset()).due == date(2026, 5, 14)


def test_the_holiday_table_covers_2018_to_2035_with_the_easter_based_days():
    assert covered_years("FR") == range(2018, 2036)
    assert date(2026, 4, 6) in FR  # Easter Monday 2026
    assert date(2035, 3, 26) in FR  # Easter Monday 2035
    assert len([d for d in FR if d.year == 2030]) == 11


def test_an_extension_moves_the_deadline_by_two_further_months():
    assert due(date(2026, 3, 3)) == date(2026, 4, 3)
    assert due(date(2026, 3, 3), extended=True) == date(2026, 6, 3)
    assert due(date(2025, 12, 31), extended=True) == date(2026, 3, 31)


def test_an_extension_must_be_decided_within_the_first_month_counted_to_its_working_day():
    received = date(2025, 12, 31)
    assert r.extension_in_time(received, date(2026, 2, 2), FR)  # the first month ends Monday 2 February
    assert not r.extension_in_time(received, date(2026, 2, 3), FR)
    late = r.RequestFacts("open", received, date(2026, 2, 10), ("access",), True, date(2026, 2, 3), "volume")
    assert [f.code for f in r.request_flags(late, FR)] == ["request_extension_late"]


def test_the_date_of_receipt_is_the_organisations_local_date():
    at = datetime(2025, 12, 31, 23, 30, tzinfo=UTC)  # already 1 January in Paris
    assert r.local_date(at, "Europe/Paris") == date(2026, 1, 1)
    assert r.local_date(at, "UTC") == date(2025, 12, 31)
    with pytest.raises(ValueError):
        r.local_date(datetime(2026, 1, 1), "Europe/Paris")


@pytest.mark.parametrize("today, state", [
    (date(2026, 1, 20), "running"), (date(2026, 1, 26), "due_soon"), (date(2026, 2, 2), "due_soon"),
    (date(2026, 2, 3), "overdue"),
])
def test_clock_state_around_the_deadline(today, state):
    assert r.clock_state(due(date(2025, 12, 31)), today, True) == state
    assert r.clock_state(due(date(2025, 12, 31)), today, False) is None


def test_a_relayed_request_shows_the_forwarding_delay_and_the_controllers_clock():
    received = date(2026, 3, 3)
    assert r.forwarding_deadline(received, 5) == date(2026, 3, 8)
    assert r.forwarding_deadline(received, None) is None
    pending = r.RequestFacts("open", received, date(2026, 3, 4), ("erasure",), on_behalf_of_client=True)
    assert [f.code for f in r.request_flags(pending, FR)] == ["request_forward_delay_not_stated", "request_not_forwarded"]
    relayed = r.RequestFacts("open", received, date(2026, 3, 30), ("erasure",), on_behalf_of_client=True,
                             forwarded_on=date(2026, 3, 4), forward_delay_days=5)
    assert [f.code for f in r.request_flags(relayed, FR)] == ["request_due_soon", "request_relayed_unanswered"]


def test_refusal_needs_its_ground_and_a_closed_request_expires_after_its_retention():
    refused = r.RequestFacts("refused", date(2026, 3, 3), date(2026, 3, 10), ("access",))
    assert [f.code for f in r.request_flags(refused, FR)] == ["request_refusal_no_ground"]
    assert r.retention_end(date(2026, 3, 10), 5) == date(2031, 3, 10)
    assert not r.is_expired("answered", date(2026, 3, 10), 5, date(2031, 3, 10))
    assert r.is_expired("answered", date(2026, 3, 10), 5, date(2031, 3, 11))
    assert not r.is_expired("open", None, 5, date(2040, 1, 1))


def test_the_overdue_flag_names_the_deadline_in_words_in_both_languages():
    late = r.RequestFacts("open", date(2025, 12, 31), date(2026, 2, 3), ("access",))
    (flag,) = r.request_flags(late, FR)
    assert flag.code == "request_overdue" and flag.article == "Art. 12(3)"
    assert flag.message("en") == "Answer was due on February 2, 2026: the deadline has passed."
    assert flag.message("fr") == "Réponse due le 2 février 2026 : délai dépassé."
