"""Which reminders are due, at which threshold, for whom, and once: the pure rules, the clock frozen at each edge."""

from datetime import UTC, date, datetime, timedelta

import pytest

from registry.domain import reminders as r

NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)  # a Tuesday, 10:00 in Paris
DPO = r.Recipient(1, "dpo@example.com", "fr")
ADMIN = r.Recipient(2, "admin@example.com", "en", categories=frozenset({"breach"}))


def breach(deadline: datetime, recipient="cnil", client_id=None) -> r.Facts:
    return r.Facts(breaches=(r.BreachClock(7, "B-7", recipient, deadline, client_id, "ACME" if client_id else ""),))


@pytest.mark.parametrize(("left", "expected"), [
    (timedelta(hours=24, minutes=1), None),
    (timedelta(hours=24), "24h"),
    (timedelta(hours=6, minutes=1), "24h"),
    (timedelta(hours=6), "6h"),
    (timedelta(seconds=1), "6h"),
    (timedelta(0), "6h"),
    (timedelta(seconds=-1), "overdue"),
])
def test_a_breach_notice_is_reminded_at_24_hours_6_hours_and_overdue_only_the_most_pressing(left, expected):
    found = r.due_reminders(NOW, breach(NOW + left), [DPO])
    assert [x.item.threshold for x in found] == ([expected] if expected else [])


def test_each_threshold_has_its_own_key_per_recipient_and_a_sent_key_is_not_due_again():
    deadline = NOW + timedelta(hours=24)
    first = r.due_reminders(NOW, breach(deadline), [DPO, ADMIN])
    assert [x.key for x in first] == ["breach:breach:7/cnil:24h:u1", "breach:breach:7/cnil:24h:u2"]
    sent = {x.key for x in first}
    assert r.due_reminders(NOW + timedelta(hours=1), breach(deadline), [DPO, ADMIN], sent) == []
    later = r.due_reminders(deadline - timedelta(hours=6), breach(deadline), [DPO], sent)
    assert [x.key for x in later] == ["breach:breach:7/cnil:6h:u1"]


def test_each_clients_breach_clock_is_its_own_deadline():
    facts = r.Facts(breaches=(r.BreachClock(7, "B-7", "client", NOW + timedelta(hours=3), 4, "ACME"),
                              r.BreachClock(7, "B-7", "client", NOW + timedelta(hours=3), 5, "Globex")))
    keys = [x.key for x in r.due_reminders(NOW, facts, [DPO])]
    assert keys == ["breach:breach:7/client-4:6h:u1", "breach:breach:7/client-5:6h:u1"]


@pytest.mark.parametrize(("ends", "due"), [
    (date(2026, 3, 14), False),  # 4 days
    (date(2026, 3, 13), True),  # 3 days
    (date(2026, 3, 11), True),
    (date(2026, 3, 10), False),  # closed at the start of today
])
def test_an_objection_window_is_reminded_when_it_closes_within_3_days(ends, due):
    facts = r.Facts(windows=(r.ObjectionWindow(3, 9, "ACME", "Cloud Inc", ends),))
    found = r.due_reminders(NOW, facts, [DPO])
    assert [x.key for x in found] == (["objection_window:change:3/client-9:3d:u1"] if due else [])


def test_a_change_is_reminded_once_nothing_blocks_it_from_its_earliest_day():
    ready = r.ReadyChange(3, "Cloud Inc", date(2026, 3, 10), blocked=False)
    assert [x.item.threshold for x in r.due_reminders(NOW, r.Facts(changes=(ready,)), [DPO])] == ["ready"]
    early = r.ReadyChange(3, "Cloud Inc", date(2026, 3, 11), blocked=False)
    blocked = r.ReadyChange(4, "Other", date(2026, 3, 1), blocked=True)
    assert r.due_reminders(NOW, r.Facts(changes=(early, blocked)), [DPO]) == []


def test_a_dpf_check_older_than_a_year_is_reminded_keyed_by_its_date():
    fresh = r.DpfCheck(5, "US Corp", NOW.date() - timedelta(days=366))
    stale = r.DpfCheck(6, "US Corp", NOW.date() - timedelta(days=367))  # as the transfer's flag: over 366 days
    found = r.due_reminders(NOW, r.Facts(dpf=(fresh, stale)), [DPO])
    assert [x.key for x in found] == [f"dpf_check:transfer:6:{stale.checked_on.isoformat()}:u1"]


def test_a_record_not_reviewed_for_the_review_period_is_reminded_and_a_new_review_resets_it():
    facts = r.Facts(review_months=12, reviews=(
        r.Review("activity", 1, "Payroll", date(2025, 3, 10)),  # 12 months ago today
        r.Review("activity", 2, "Hiring", date(2025, 3, 11)),
        r.Review("subprocessor", 3, "Cloud", date(2025, 3, 31)),
    ))
    assert [x.key for x in r.due_reminders(NOW, facts, [DPO])] == ["review:activity:1:2025-03-10:u1"]
    short = r.Facts(review_months=6, reviews=(r.Review("subprocessor", 3, "Cloud", date(2025, 8, 31)),))
    assert [x.item.due for x in r.due_reminders(datetime(2026, 2, 28, 12, tzinfo=UTC), short, [DPO])] == [
        date(2026, 2, 28)]  # 31 August + 6 months: the last day of February


@pytest.mark.parametrize(("due", "threshold"), [
    (date(2026, 3, 18), None),  # 8 days
    (date(2026, 3, 17), "7d"),
    (date(2026, 3, 10), "7d"),  # due today: not yet late
    (date(2026, 3, 9), "overdue"),
])
def test_a_request_is_reminded_when_due_within_7_days_and_when_overdue(due, threshold):
    facts = r.Facts(requests=(r.RequestClock(8, "R-8", due),))
    assert [x.item.threshold for x in r.due_reminders(NOW, facts, [DPO])] == ([threshold] if threshold else [])


def test_a_request_relayed_without_answer_for_7_days_is_reminded():
    def relayed(on, answered=False):
        q = r.RequestClock(8, "R-8", date(2026, 4, 30), forwarded_on=on, client_answered=answered)
        return [x.key for x in r.due_reminders(NOW, r.Facts(requests=(q,)), [DPO])]

    assert relayed(date(2026, 3, 4)) == []
    assert relayed(date(2026, 3, 3)) == ["request_relayed:request:8:relayed-2026-03-03:u1"]
    assert relayed(date(2026, 3, 3), answered=True) == []


def test_a_person_receives_only_the_categories_they_chose():
    facts = r.Facts(breaches=breach(NOW + timedelta(hours=2)).breaches,
                    requests=(r.RequestClock(8, "R-8", date(2026, 3, 9)),))
    found = r.due_reminders(NOW, facts, [DPO, ADMIN])
    assert sorted((x.recipient.user_id, x.item.category) for x in found) == [
        (1, "breach"), (1, "request"), (2, "breach")]


def test_more_than_3_routine_reminders_become_one_message_and_urgent_ones_stay_apart():
    old = date(2024, 1, 1)
    four = r.Facts(reviews=tuple(r.Review("activity", i, f"A{i}", old) for i in range(1, 5)),
                   breaches=breach(NOW + timedelta(hours=2)).breaches)
    groups = r.group_messages(r.due_reminders(NOW, four, [DPO]))
    assert [len(g) for g in groups] == [1, 4]
    three = r.Facts(reviews=tuple(r.Review("activity", i, f"A{i}", old) for i in range(1, 4)))
    assert [len(g) for g in r.group_messages(r.due_reminders(NOW, three, [DPO]))] == [1, 1, 1]
    subject, body = r.message(groups[1], "PILOTIM", "Europe/Paris")
    assert subject == "Rappel : 4 fiches à revoir ou vérifier"
    assert body.count("\n- Activité A") == 4


def test_the_message_is_in_the_recipients_language_and_user_text_stays_on_one_line():
    facts = r.Facts(breaches=(r.BreachClock(7, "B-7\r\nBcc: evil@example.com", "client", NOW + timedelta(hours=20), 4,
                                            "ACME"),))
    [fr] = r.due_reminders(NOW, facts, [DPO])
    subject, body = r.message([fr], "PILOTIM", "Europe/Paris")
    assert "\n" not in subject and "\r" not in subject
    assert subject == "Violation B-7 Bcc: evil@example.com : notification due dans moins de 24 heures"
    assert "la notification à ACME est due dans moins de 24 heures (11 mars 2026, 06:00 (Europe/Paris" in body
    [en] = r.due_reminders(NOW, facts, [r.Recipient(3, "x@example.com", "en")])
    subject, body = r.message([en], "PILOTIM", "Europe/Paris")
    assert subject.endswith(": notice due within 24 hours")
    assert "the notice to ACME is due within 24 hours (March 11, 2026, 06:00" in body


@pytest.mark.parametrize(("local", "week"), [
    (datetime(2026, 3, 9, 7, 59), None),  # Monday before 08:00 in Paris
    (datetime(2026, 3, 9, 8, 0), "2026-W11"),
    (datetime(2026, 3, 9, 23, 59), "2026-W11"),
    (datetime(2026, 3, 10, 8, 0), None),  # Tuesday
])
def test_the_weekly_digest_is_due_on_monday_from_8_in_the_organisations_zone(local, week):
    from zoneinfo import ZoneInfo

    at = local.replace(tzinfo=ZoneInfo("Europe/Paris")).astimezone(UTC)
    assert r.digest_week(at, "Europe/Paris") == week


def test_the_digest_lists_overdue_items_and_what_falls_due_within_a_week():
    facts = r.Facts(requests=(r.RequestClock(8, "R-8", date(2026, 3, 9)), r.RequestClock(9, "R-9", date(2026, 3, 16)),
                              r.RequestClock(10, "R-10", date(2026, 5, 1))),
                    breaches=breach(NOW + timedelta(days=3)).breaches)
    listed = r.digest_items(NOW, facts, DPO)
    assert [(i.label, i.threshold) for i in listed] == [("R-8", "overdue"), ("B-7", "coming"), ("R-9", "7d")]
    subject, body = r.digest_message(listed, ADMIN, "PILOTIM", "Europe/Paris")
    assert subject == "Weekly digest: 3 deadlines"


def test_a_long_list_names_the_first_100_then_how_many_more_and_each_line_links_to_its_record():
    many = r.Facts(reviews=tuple(r.Review("subprocessor", i, f"S{i}", date(2024, 1, 1)) for i in range(1, 131)))
    [group] = r.group_messages(r.due_reminders(NOW, many, [DPO]))
    subject, body = r.message(group, "PILOTIM", "Europe/Paris", "https://registre.example.org", "pilotim")
    assert subject == "Rappel : 130 fiches à revoir ou vérifier"
    assert body.count("\n- Sous-traitant S") == 100
    assert "\n  https://registre.example.org/orgs/pilotim/subprocessors/100\n" in body
    assert "... et 30 autres : voir le tableau de bord, https://registre.example.org/orgs/pilotim" in body
