"""A login session ends after its idle lifetime without use, and at its absolute lifetime whatever the use."""

from datetime import UTC, datetime, timedelta

import pytest

from registry.domain.users import session_expiry

LOGIN = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
IDLE, ABSOLUTE = timedelta(hours=8), timedelta(days=30)


@pytest.mark.parametrize("last_seen,now,expected", [
    (LOGIN, LOGIN + timedelta(hours=7, minutes=59), None),
    (LOGIN, LOGIN + timedelta(hours=8), "idle"),
    (LOGIN + timedelta(days=29, hours=20), LOGIN + timedelta(days=29, hours=23), None),
    (LOGIN + timedelta(days=29, hours=23), LOGIN + timedelta(days=30), "absolute"),
    (LOGIN, LOGIN + timedelta(days=426), "absolute"),  # backdated 14 months
    (LOGIN, LOGIN - timedelta(minutes=5), "absolute"),  # opened in the future: a forged or moved clock
])
def test_session_expiry(last_seen, now, expected):
    assert session_expiry(LOGIN, last_seen, now, IDLE, ABSOLUTE) == expected
