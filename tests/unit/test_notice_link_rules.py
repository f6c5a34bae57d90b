"""The client's notice link (Art. 28(2)): open until the client's own deadline, readable for a grace period, then
refused; an objection gives its reasons."""

from datetime import date, timedelta

import pytest

from registry.domain.notice_links import answer_problem, link_expires_on, link_state

DEADLINE = date(2027, 1, 6)


@pytest.mark.parametrize(("today", "status", "expected"), [
    (DEADLINE - timedelta(days=29), "notified", ("open", "")),
    (DEADLINE, "notified", ("open", "")),  # the notice says "until ... inclusive"
    (DEADLINE, "planned", ("open", "")),
    (DEADLINE + timedelta(days=1), "notified", ("closed", "deadline")),
    (DEADLINE + timedelta(days=60), "notified", ("closed", "deadline")),
    (DEADLINE + timedelta(days=61), "notified", ("expired", "deadline")),
    (DEADLINE - timedelta(days=3), "effective", ("closed", "effective")),
    (DEADLINE - timedelta(days=3), "cancelled", ("closed", "cancelled")),
    (DEADLINE + timedelta(days=61), "cancelled", ("expired", "deadline")),
])
def test_the_link_is_open_until_the_deadline_then_reads_then_expires(today, status, expected):
    state = link_state(today, DEADLINE, status, grace_days=60)
    assert (state.status, state.why) == expected
    assert state.expires_on == DEADLINE + timedelta(days=60)
    assert state.is_open is (expected[0] == "open")


def test_a_grace_of_zero_days_expires_the_link_the_day_after_the_deadline():
    assert link_expires_on(DEADLINE, 0) == DEADLINE
    assert link_state(DEADLINE + timedelta(days=1), DEADLINE, "notified", 0).status == "expired"


@pytest.mark.parametrize(("answer", "grounds", "problem"), [
    ("acknowledge", None, None),
    ("object", "Transfer to the US without a TIA", None),
    ("object", "   ", "grounds"),
    ("object", None, "grounds"),
    ("delete everything", "x", "answer"),
])
def test_an_objection_states_its_reasons(answer, grounds, problem):
    assert answer_problem(answer, grounds) == problem
