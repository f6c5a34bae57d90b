"""The sub-processor list as of any date, rebuilt from the audit trail: before and after a replacement, diffs."""

from datetime import timedelta

from sqlalchemy import select

from registry import audit
from registry.models import Activity, SubProcessor, SubProcessorChangeCreate, SubProcessorCreate
from registry.services import changes as svc
from registry.services.organisations import get_by_slug
from registry.services.subprocessor_history import BOOKKEEPING, compare, list_as_of

DPO = "dpo@pilotim.example.com"


def by_name(session, org, name):
    return session.execute(select(SubProcessor).where(SubProcessor.organisation_id == org.id,
                                                      SubProcessor.legal_name == name)).scalars().one()


def run(session, clock, org, data: SubProcessorChangeCreate):
    """Plan a change today, tell every client today, and make it effective on its earliest date."""
    change = svc.plan_change(session, org, data, DPO)
    for notice in change.notices:
        svc.record_notice_sent(session, change, notice.client_id, data.notice_date, DPO)
    session.commit()
    clock.at_noon(change.earliest_effective)
    svc.make_effective(session, change, DPO, change.earliest_effective)
    session.commit()
    return change


def replace_sms_factor(session, clock):
    org = get_by_slug(session, "pilotim")
    today = clock.now.date()  # the day the demo was seeded
    clock.at_noon(today + timedelta(days=1))
    old = by_name(session, org, "SMS Factor")
    new = svc.propose_subprocessor(session, org, SubProcessorCreate(legal_name="SMS Démo (fictif)", country="FR"), DPO)
    change = run(session, clock, org, SubProcessorChangeCreate(kind="replace", subprocessor_id=new.id,
                                                               replaces_id=old.id, notice_date=today + timedelta(days=1)))
    return org, old, new, change, today


def test_list_as_of_a_date_before_and_after_a_replacement(demo, clock):
    session = demo
    org, old, new, change, today = replace_sms_factor(session, clock)
    day = change.effective_on
    before = list_as_of(session, org, day - timedelta(days=1)).by_id()
    after = list_as_of(session, org, day).by_id()
    assert (before[old.id]["status"], before[old.id]["activities"]) == ("active", ["PIL-S-07"])
    assert (before[new.id]["status"], before[new.id]["activities"]) == ("planned", [])
    assert (after[old.id]["status"], after[old.id]["retired_on"], after[old.id]["activities"]) == (
        "retired", day.isoformat(), [])
    assert (after[new.id]["status"], after[new.id]["activities"]) == ("active", ["PIL-S-07"])
    # Before the demo was seeded there was no register at all.
    assert list_as_of(session, org, today - timedelta(days=400)).entries == []


def test_diff_between_two_dates_names_what_was_added_removed_and_changed(demo, clock):
    session = demo
    org, old, new, change, today = replace_sms_factor(session, clock)
    google = by_name(session, org, "Google Ireland Limited")
    moved = run(session, clock, org, SubProcessorChangeCreate(
        kind="change_locations", subprocessor_id=google.id, notice_date=clock.now.date(),
        new_locations=[{"country": "IE", "kind": "storage"}, {"country": "US", "kind": "access"}]))
    diff = compare(session, org, today, moved.effective_on)
    assert diff["added"] == [new.id] and diff["removed"] == []
    assert diff["changed"][old.id]["status"] == ("active", "retired")
    assert diff["changed"][old.id]["activities"] == (["PIL-S-07"], [])
    assert diff["changed"][google.id]["locations"] == (
        [],
        [{"country": "IE", "site": None, "kind": "storage"}, {"country": "US", "site": None, "kind": "access"}])
    assert set(diff["changed"]) == {old.id, google.id}  # bookkeeping (version, updated_at) is not a change
    assert diff["names"][new.id] == "SMS Démo (fictif)"


def test_a_removed_sub_processor_leaves_the_activities_and_a_deleted_one_leaves_the_list(demo, clock):
    session = demo
    org = get_by_slug(session, "pilotim")
    ovh = by_name(session, org, "Gandi")
    change = run(session, clock, org, SubProcessorChangeCreate(kind="remove", subprocessor_id=ovh.id,
                                                               notice_date=clock.now.date()))
    assert change.earliest_effective == change.notice_date  # a removal runs no window
    assert list_as_of(session, org, change.effective_on).by_id()[ovh.id]["activities"] == []
    before = audit.snapshot(ovh)
    session.delete(ovh)
    audit.record(session, DPO, "delete", record_type="subprocessor", record_id=before["id"],
                 organisation_id=org.id, before=before)
    session.commit()
    assert ovh.id not in list_as_of(session, org, clock.now.date()).by_id()


def test_the_list_as_of_today_agrees_with_the_register_and_its_audit_trail(demo, clock):
    session = demo
    org, *_ = replace_sms_factor(session, clock)
    session.expire_all()
    rows = session.execute(select(SubProcessor).where(SubProcessor.organisation_id == org.id)).scalars().all()
    current = {sp.id: {k: v for k, v in audit.snapshot(sp).items() if k not in BOOKKEEPING} for sp in rows}
    rebuilt = list_as_of(session, org, clock.now.date()).by_id()
    assert {k: {f: v for f, v in e.items() if f in current[k]} for k, e in rebuilt.items()} == current
    uses = session.execute(select(Activity).where(Activity.organisation_id == org.id)).scalars().all()
    for sp_id, entry in rebuilt.items():
        assert entry["activities"] == sorted(a.reference for a in uses if sp_id in [s.id for s in a.subprocessors])
    assert audit.verify(session).ok


def test_the_list_of_one_organisation_shows_nothing_of_another(demo, clock):
    session = demo
    pilotim = list_as_of(session, get_by_slug(session, "pilotim"), clock.now.date())
    apex = list_as_of(session, get_by_slug(session, "apex-timing"), clock.now.date())
    assert len(pilotim.entries) == 18 and apex.entries == []
