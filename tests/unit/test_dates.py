"""Date ranges run forward in time whichever date was given first."""

from datetime import date

from registry.domain.dates import ordered_range


def test_a_range_given_backwards_is_swapped_and_says_so():
    assert ordered_range(date(2026, 12, 7), date(2026, 11, 1)) == (date(2026, 11, 1), date(2026, 12, 7), True)


def test_a_forward_or_single_day_range_is_kept():
    assert ordered_range(date(2026, 11, 1), date(2026, 12, 7)) == (date(2026, 11, 1), date(2026, 12, 7), False)
    assert ordered_range(date(2026, 12, 7), date(2026, 12, 7)) == (date(2026, 12, 7), date(2026, 12, 7), False)
