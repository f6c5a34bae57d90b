"""Deadline and consistency rules of breaches (Arts. 33-34), on plain values."""

from datetime import UTC, datetime, timedelta

import pytest

from registry.domain import breaches as b

PARIS = "Europe/Paris"


def paris(*args) -> datetime:
    return b.from_local(datetime(*args), PARIS)


def facts(aware_at, risk="risk", as_controller=True, clients=(), exemption=None, sent=None) -> b.BreachFacts:
    return b.BreachFacts(aware_at, risk, as_controller, tuple(clients), exemption, sent or {})


def cnil_clock(f: b.BreachFacts, now: datetime) -> b.Clock:
    return next(c for c in b.clocks(f, now) if c.recipient == "cnil")


def test_awareness_friday_2330_gives_cnil_deadline_monday_2330():
    aware = paris(2026, 11, 20, 23, 30)  # a Friday
    deadline = b.to_local(b.cnil_deadline(aware), PARIS)
    assert deadline.strftime("%A %Y-%m-%d %H:%M") == "Monday 2026-11-23 23:30"


def test_72_hours_are_elapsed_hours_when_the_clocks_go_back():
    # Saturday 24 October 2026, 21:00 in Paris (UTC+2); the clocks go back on Sunday 25 at 03:00.
    aware = paris(2026, 10, 24, 21, 0)
    deadline = b.cnil_deadline(aware)
    assert deadline - aware == timedelta(hours=72)
    assert deadline == datetime(2026, 10, 27, 19, 0, tzinfo=UTC)
    # On the wall clock the deadline is one hour earlier than the awareness hour: 20:00, not 21:00.
    assert b.to_local(deadline, PARIS).strftime("%Y-%m-%d %H:%M %z") == "2026-10-27 20:00 +0100"


def test_72_hours_are_elapsed_hours_when_the_clocks_go_forward():
    aware = paris(2026, 3, 28, 21, 0)  # the clocks go forward on Sunday 29 March 2026 at 02:00
    assert b.to_local(b.cnil_deadline(aware), PARIS).strftime("%Y-%m-%d %H:%M") == "2026-03-31 22:00"


def test_a_skipped_local_time_is_refused_and_a_repeated_one_reads_as_its_first_occurrence():
    with pytest.raises(ValueError, match="does not exist"):
        paris(2026, 3, 29, 2, 30)
    assert paris(2026, 10, 25, 2, 30) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert b.from_local(datetime(2026, 10, 25, 2, 30, fold=1), PARIS) == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)


def test_a_naive_time_is_refused():
    with pytest.raises(ValueError, match="time zone"):
        b.cnil_deadline(datetime(2026, 10, 24, 21, 0))


def test_client_with_a_24_hour_delay_is_due_24_elapsed_hours_after_awareness():
    aware = paris(2026, 10, 24, 21, 0)
    client = b.AffectedClient(7, "Agence du Port", breach_notice_hours=24)
    f = facts(aware, clients=[client])
    clock = next(c for c in b.clocks(f, aware + timedelta(hours=2)) if c.recipient == "client")
    assert clock.deadline == aware + timedelta(hours=24)
    assert b.to_local(clock.deadline, PARIS).strftime("%Y-%m-%d %H:%M") == "2026-10-25 20:00"
    assert (clock.state, clock.remaining, clock.client_id) == ("due", timedelta(hours=22), 7)
    assert clock.is_urgent()


def test_client_without_contractual_delay_is_owed_without_undue_delay():
    aware = paris(2026, 11, 2, 9, 0)
    clock = b.clocks(facts(aware, clients=[b.AffectedClient(1, "A")]), aware + timedelta(days=10))[1]
    assert clock.deadline is None and clock.state == "due" and not clock.late and clock.is_urgent()


def test_clock_states_due_overdue_done():
    aware = paris(2026, 11, 2, 9, 0)
    assert cnil_clock(facts(aware), aware + timedelta(hours=71)).state == "due"
    overdue = cnil_clock(facts(aware), aware + timedelta(hours=73))
    assert overdue.state == "overdue" and overdue.remaining == timedelta(hours=-1)
    assert b.format_remaining(overdue.remaining, "en") == "overdue by 1 h 00 min"
    done = cnil_clock(facts(aware, sent={("cnil", None): aware + timedelta(hours=5)}), aware + timedelta(hours=80))
    assert done.state == "done" and not done.late and done.remaining is None and not done.is_urgent()


def test_due_soon_means_within_24_hours():
    aware = paris(2026, 11, 2, 9, 0)
    assert not cnil_clock(facts(aware), aware + timedelta(hours=47)).is_urgent()
    assert cnil_clock(facts(aware), aware + timedelta(hours=48)).is_urgent()
    assert b.format_remaining(timedelta(days=2, hours=3, minutes=15), "fr") == "2 j 03 h 15 min"


def test_unlikely_risk_needs_no_cnil_clock_but_clients_are_still_told():
    aware = paris(2026, 11, 2, 9, 0)
    f = facts(aware, risk="unlikely", clients=[b.AffectedClient(3, "C", 48)])
    assert [c.recipient for c in b.clocks(f, aware)] == ["client"]


def test_unassessed_risk_runs_the_cnil_clock():
    aware = paris(2026, 11, 2, 9, 0)
    assert [c.recipient for c in b.clocks(facts(aware, risk=None), aware)] == ["cnil"]


def test_processor_only_breach_is_notified_by_the_clients_not_by_the_organisation():
    aware = paris(2026, 11, 2, 9, 0)
    assert not b.is_controller_scope(["processor"])
    assert b.is_controller_scope([]) and b.is_controller_scope(["processor", "controller"], "processor")
    assert not b.is_controller_scope([], "processor")  # a pure processor tells its clients, not the CNIL
    f = facts(aware, risk="high", as_controller=False, clients=[b.AffectedClient(3, "C")])
    assert [c.recipient for c in b.clocks(f, aware)] == ["client"]


def test_high_risk_calls_for_telling_the_data_subjects_unless_exempted():
    aware = paris(2026, 11, 2, 9, 0)
    assert [c.recipient for c in b.clocks(facts(aware, risk="high"), aware)] == ["cnil", "data_subjects"]
    assert [c.recipient for c in b.clocks(facts(aware, risk="high", exemption="art34_3_a"), aware)] == ["cnil"]


def record(**overrides) -> dict:
    now = datetime(2026, 11, 5, 12, 0, tzinfo=UTC)
    values = dict(
        aware_at=now - timedelta(days=1),
        occurred_at=now - timedelta(days=2),
        contained_at=None,
        natures=["confidentiality"],
        risk="risk",
        risk_reasoning=None,
        exemption=None,
        exemption_details=None,
        status="open",
        closed_at=None,
        now=now,
    )
    values.update(overrides)
    return values


def fields(problems: list[b.Problem]) -> list[str]:
    return [p.field for p in problems]


def test_a_complete_record_has_no_problem():
    assert b.breach_problems(**record()) == []


def test_unlikely_risk_without_reasoning_is_refused():
    problems = b.breach_problems(**record(risk="unlikely", risk_reasoning="  "))
    assert fields(problems) == ["risk_reasoning"]
    assert problems[0].article == "Art. 33(1)" and "CNIL" in problems[0].message("fr")
    assert b.breach_problems(**record(risk="unlikely", risk_reasoning="Data were encrypted (AES-256), key safe")) == []


def test_record_refuses_times_out_of_order_and_missing_nature():
    now = datetime(2026, 11, 5, 12, 0, tzinfo=UTC)
    problems = b.breach_problems(
        **record(aware_at=now + timedelta(hours=1), occurred_at=now + timedelta(hours=2), natures=[])
    )
    assert fields(problems) == ["aware_at", "occurred_at", "natures"]
    assert fields(b.breach_problems(**record(aware_at=None))) == ["aware_at"]
    assert fields(b.breach_problems(**record(contained_at=now - timedelta(days=3)))) == ["contained_at"]
    assert fields(b.breach_problems(**record(status="closed"))) == ["closed_at"]


def test_art34_exemption_needs_a_high_risk_and_its_explanation():
    assert fields(b.breach_problems(**record(exemption="art34_3_a"))) == ["art34_exemption", "art34_exemption_details"]
    assert b.breach_problems(**record(risk="high", exemption="art34_3_a", exemption_details="AES-256, key not exposed")) == []


def late_case(sent_hours: int, reason: str | None, already_sent_hours: int | None = None):
    aware = paris(2026, 11, 2, 9, 0)
    sent = {("cnil", None): aware + timedelta(hours=already_sent_hours)} if already_sent_hours is not None else {}
    clock = cnil_clock(facts(aware, sent=sent), aware + timedelta(hours=sent_hours))
    return b.notice_problems(
        clock=clock, sent_at=aware + timedelta(hours=sent_hours), late_reason=reason, aware_at=aware,
        now=aware + timedelta(hours=100),
    )


def test_late_notice_without_a_reason_is_refused():
    problems = late_case(80, None)
    assert fields(problems) == ["late_reason"] and problems[0].article == "Art. 33(1)"
    assert late_case(80, "Forensic report received only on day 3") == []
    assert late_case(72, None) == []  # exactly at the deadline is in time


def test_follow_up_after_a_timely_notice_needs_no_late_reason():
    assert late_case(90, None, already_sent_hours=10) == []


def test_late_client_notice_cites_art_33_2():
    aware = paris(2026, 11, 2, 9, 0)
    clock = b.clocks(facts(aware, clients=[b.AffectedClient(1, "A", 24)]), aware)[1]
    problems = b.notice_problems(
        clock=clock, sent_at=aware + timedelta(hours=30), late_reason="", aware_at=aware, now=aware + timedelta(hours=31)
    )
    assert [(p.field, p.article) for p in problems] == [("late_reason", "Art. 33(2)")]


def test_notice_cannot_be_sent_in_the_future_or_before_awareness():
    aware = paris(2026, 11, 2, 9, 0)
    assert fields(b.notice_problems(clock=None, sent_at=aware + timedelta(hours=5), late_reason=None,
                                    aware_at=aware, now=aware + timedelta(hours=1))) == ["sent_at"]
    assert fields(b.notice_problems(clock=None, sent_at=aware - timedelta(hours=1), late_reason=None,
                                    aware_at=aware, now=aware)) == ["sent_at"]


def test_refused_groups_messages_by_field():
    problems = b.breach_problems(**record(risk="unlikely", natures=[]))
    err = b.Refused(problems)
    assert set(err.by_field("fr")) == {"natures", "risk_reasoning"}
    assert "risk_reasoning" in str(err)


def test_domain_module_stays_free_of_flask_and_the_database():
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(b))
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)} | {
        a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names
    }
    assert all(m.split(".")[0] in {"dataclasses", "datetime", "zoneinfo", "registry"} for m in imported), imported
