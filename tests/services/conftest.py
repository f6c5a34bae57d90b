"""Service-test fixtures: a clock the audit trail and the change services read, moved by the test."""

from datetime import UTC, datetime, time

import pytest

from registry import audit
from registry.models.base import utcnow
from registry.services import changes


class Clock:
    """The time the audit trail and the change services read, moved forward by the test."""

    def __init__(self):
        self.now = utcnow()

    def __call__(self):
        return self.now

    def at_noon(self, day):
        self.now = datetime.combine(day, time(12), UTC)


@pytest.fixture
def clock(monkeypatch):
    c = Clock()
    monkeypatch.setattr(audit, "utcnow", c)
    monkeypatch.setattr(changes, "utcnow", c)
    return c
