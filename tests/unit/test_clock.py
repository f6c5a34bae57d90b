"""The application's one clock: UTC instants to the second, the date in a time zone, set, frozen or ticking."""

import time
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from registry import clock

PARIS = "Europe/Paris"


@pytest.mark.parametrize(("at", "paris", "utc", "new_york"), [
    # the last evening of a month in UTC is already the next month in Paris (summer time: UTC+2)
    ("2026-03-31T23:30:00+00:00", date(2026, 4, 1), date(2026, 3, 31), date(2026, 3, 31)),
    ("2026-10-31T23:30:00+00:00", date(2026, 11, 1), date(2026, 10, 31), date(2026, 10, 31)),
    # half past midnight in Paris, given with Paris's offset, is still the day before in UTC
    ("2026-06-15T00:30:00+02:00", date(2026, 6, 15), date(2026, 6, 14), date(2026, 6, 14)),
    # the nights the clocks change in Paris (01:00 UTC both times)
    ("2026-03-29T01:30:00+00:00", date(2026, 3, 29), date(2026, 3, 29), date(2026, 3, 28)),
    ("2026-10-25T00:30:00+00:00", date(2026, 10, 25), date(2026, 10, 25), date(2026, 10, 24)),
])
def test_today_is_the_date_in_the_zone_asked(at, paris, utc, new_york):
    with clock.frozen(datetime.fromisoformat(at)):
        assert clock.today(PARIS) == paris
        assert clock.today("UTC") == utc
        assert clock.today("America/New_York") == new_york


def test_now_is_aware_utc_to_the_second_whatever_offset_it_was_set_with():
    clock.set_now(datetime(2026, 6, 15, 0, 30, 0, 987654, tzinfo=timezone(timedelta(hours=2))), ticking=False)
    assert clock.now() == datetime(2026, 6, 14, 22, 30, tzinfo=UTC)
    assert clock.now().tzinfo is UTC and clock.now().microsecond == 0


def test_a_naive_instant_is_refused():
    with pytest.raises(ValueError, match="UTC offset"):
        clock.set_now(datetime(2026, 3, 31, 23, 30))
    with pytest.raises(ValueError, match="UTC offset"), clock.frozen(datetime(2026, 3, 31, 23, 30)):
        pass


def test_a_ticking_clock_starts_where_set_and_advances_with_real_time_a_frozen_one_stands_still():
    start = datetime(2026, 3, 31, 23, 59, 59, tzinfo=UTC)
    clock.set_now(start)
    with clock.frozen(start):
        time.sleep(1.1)
        assert clock.now() == start
    assert clock.now() >= start + timedelta(seconds=1)  # the ticking clock kept running meanwhile
    assert clock.today(PARIS) == date(2026, 4, 1) and clock.today("UTC") == date(2026, 4, 1)


def test_frozen_gives_back_the_clock_as_it_was_even_after_an_error():
    clock.set_now(datetime(2026, 1, 1, tzinfo=UTC), ticking=False)
    with pytest.raises(RuntimeError), clock.frozen(datetime(2030, 1, 1, tzinfo=UTC)):
        assert clock.now().year == 2030
        raise RuntimeError("boom")
    assert clock.now() == datetime(2026, 1, 1, tzinfo=UTC)


def test_reset_returns_to_real_time():
    clock.set_now(datetime(2001, 1, 1, tzinfo=UTC))
    clock.reset()
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(seconds=2)


def test_the_models_stamp_records_from_the_same_clock():
    from registry.models.base import utcnow

    with clock.frozen(datetime(2026, 10, 25, 0, 30, tzinfo=UTC)):
        assert utcnow() == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
