"""PILOTIM adds a new AI provider in the US (issue 8): notices, deadline, objection, the list before and after."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from registry import audit
from registry.models import (
    Activity,
    AuditEntry,
    ChangeObjectionCreate,
    SubProcessor,
    SubProcessorChangeCreate,
    SubProcessorCreate,
)
from registry.services import changes as svc
from registry.services.organisations import get_by_slug
from registry.services.subprocessor_history import list_as_of

DPO = "dpo@pilotim.example.com"
# A fictional provider: the demo never states facts about a real company that its contract does not.
NEW_AI = SubProcessorCreate.model_validate({
    "legal_name": "Fournisseur IA Démo (fictif)", "country": "US", "service": "Génération de textes (démo)",
    "locations": [{"country": "US", "kind": "storage"}],
})


def activity(session, org, reference):
    return session.execute(select(Activity).where(Activity.organisation_id == org.id,
                                                  Activity.reference == reference)).scalars().one()


def plan_new_ai(session, org, today):
    sp = svc.propose_subprocessor(session, org, NEW_AI, DPO)
    change = svc.plan_change(session, org, SubProcessorChangeCreate(
        kind="add", subprocessor_id=sp.id, activity_ids=[activity(session, org, "PIL-S-02").id], notice_date=today,
        reason="Nouveau fournisseur d'IA"), DPO)
    return sp, change


def test_pilotim_adds_a_us_ai_provider_after_notices_and_an_overruled_objection(demo, clock):
    session = demo
    org = get_by_slug(session, "pilotim")
    today = clock.now.date()
    sp, change = plan_new_ai(session, org, today)
    session.commit()

    # The three demo clients use PIL-S-02, each told in its own language.
    clients = {c.id: c for c in svc.affected_clients(session, change)}
    assert sorted(c.legal_name for c in clients.values()) == [
        "Agence Démo du Beffroi (fictive)", "Demo Estates Brussels (fictional)", "Immobilière Démo des Flandres (fictive)"]
    assert sorted(n.language for n in change.notices) == ["en", "fr", "fr"]
    # PILOTIM's contract records no right to object and no period: the 30-day default applies, and is flagged.
    assert change.earliest_effective == today + timedelta(days=30)
    flags = svc.change_flags(session, change)
    assert set(flags) == set(clients)
    assert all([f.code for f in fl] == ["change_no_objection_right", "change_objection_period_default"]
               for fl in flags.values())

    for client_id in clients:
        svc.record_notice_sent(session, change, client_id, today, DPO)
    assert change.status == "notified"
    with pytest.raises(svc.ChangeRefused, match="window_open"):
        svc.make_effective(session, change, DPO, today)

    brussels = next(c for c in clients.values() if "Brussels" in c.legal_name)
    objection = svc.record_objection(session, change, ChangeObjectionCreate(
        client_id=brussels.id, received_on=today + timedelta(days=3), grounds="Transfer to the US"), DPO)
    session.commit()

    effective = change.earliest_effective
    clock.at_noon(effective)
    with pytest.raises(svc.ChangeRefused, match="objection_open") as refused:
        svc.make_effective(session, change, DPO, effective)
    assert [(b.code, b.client_id) for b in refused.value.blockers] == [("objection_open", brussels.id)]
    svc.decide_objection(session, change, objection.id, "overruled",
                         "SCC module 3 signées ; le client peut résilier l'option IA.", DPO)
    svc.make_effective(session, change, DPO, effective)
    session.commit()

    assert (sp.status, sp.active_from, change.status) == ("active", effective, "effective")
    assert sp.id in [s.id for s in activity(session, org, "PIL-S-02").subprocessors]
    before = list_as_of(session, org, effective - timedelta(days=1)).by_id()
    after = list_as_of(session, org, effective + timedelta(days=1)).by_id()
    assert before[sp.id]["status"] == "planned" and before[sp.id]["activities"] == []
    assert after[sp.id]["status"] == "active" and after[sp.id]["activities"] == ["PIL-S-02"]
    assert after[sp.id]["active_from"] == effective.isoformat()
    assert len(after) == 19 and sum(e["status"] == "active" for e in after.values()) == 19  # 17, Google LLC, the new one
    assert audit.verify(session).ok


def test_an_open_objection_keeps_the_change_planned_and_writes_nothing(demo, clock):
    session = demo
    org = get_by_slug(session, "pilotim")
    today = clock.now.date()
    sp, change = plan_new_ai(session, org, today)
    for notice in change.notices:
        svc.record_notice_sent(session, change, notice.client_id, today, DPO)
    svc.record_objection(session, change, ChangeObjectionCreate(client_id=change.notices[0].client_id,
                                                                received_on=today), DPO)
    session.commit()
    clock.at_noon(change.earliest_effective)
    count = session.execute(select(AuditEntry)).scalars().all().__len__()
    with pytest.raises(svc.ChangeRefused):
        svc.make_effective(session, change, DPO, change.earliest_effective)
    session.rollback()
    assert session.get(SubProcessor, sp.id).status == "planned"
    assert len(session.execute(select(AuditEntry)).scalars().all()) == count


def test_an_upheld_objection_needs_the_dpo_decision_on_the_change(demo, clock):
    session = demo
    org = get_by_slug(session, "pilotim")
    today = clock.now.date()
    _sp, change = plan_new_ai(session, org, today)
    for notice in change.notices:
        svc.record_notice_sent(session, change, notice.client_id, today, DPO)
    objection = svc.record_objection(session, change, ChangeObjectionCreate(
        client_id=change.notices[0].client_id, received_on=today), DPO)
    svc.decide_objection(session, change, objection.id, "upheld", "Objection fondée.", DPO)
    clock.at_noon(change.earliest_effective)
    with pytest.raises(svc.ChangeRefused, match="objection_upheld"):
        svc.make_effective(session, change, DPO, change.earliest_effective)
    svc.record_dpo_decision(session, change, "Option IA désactivée pour ce client.", DPO)
    assert svc.make_effective(session, change, DPO, change.earliest_effective).status == "effective"


def test_the_effective_date_follows_the_longest_of_mixed_windows(demo, clock):
    session = demo
    org = get_by_slug(session, "pilotim")
    today = clock.now.date()
    from registry.models import ClientController

    clients = session.execute(select(ClientController).where(ClientController.organisation_id == org.id)
                              .order_by(ClientController.id)).scalars().all()
    for c, days in zip(clients, (15, 45, 10), strict=True):
        c.objection_right, c.objection_period_days = True, days
    _sp, change = plan_new_ai(session, org, today)
    assert change.earliest_effective == today + timedelta(days=45)
    assert sorted(n.period_days for n in change.notices) == [10, 15, 45]
    assert svc.change_flags(session, change) == {}
    # A notice sent late to the 15-day client moves the date only if its window then ends later.
    svc.record_notice_sent(session, change, clients[0].id, today + timedelta(days=40), DPO)
    assert change.earliest_effective == today + timedelta(days=55)


def test_apex_timing_client_has_fifteen_days_to_object(demo, clock):
    session = demo
    org = get_by_slug(session, "apex-timing")
    today = clock.now.date()
    host = svc.propose_subprocessor(session, org, SubProcessorCreate(legal_name="Hébergeur Démo (fictif)",
                                                                     country="FR"), DPO)
    change = svc.plan_change(session, org, SubProcessorChangeCreate(
        kind="add", subprocessor_id=host.id, activity_ids=[activity(session, org, "APX-S-01").id],
        notice_date=today), DPO)
    assert change.earliest_effective == today + timedelta(days=15)
    assert [(n.period_days, n.period_recorded) for n in change.notices] == [(15, True)]
    assert svc.change_flags(session, change) == {}


def test_a_change_refuses_records_of_another_organisation(demo, clock):
    session = demo
    org = get_by_slug(session, "pilotim")
    other = get_by_slug(session, "apex-timing")
    foreign = session.execute(select(SubProcessor).where(SubProcessor.organisation_id != org.id)).scalars().first()
    with pytest.raises(svc.ChangeRefused, match="subprocessor_id"):
        svc.plan_change(session, org, SubProcessorChangeCreate(kind="remove", subprocessor_id=foreign.id,
                                                               notice_date=clock.now.date()), DPO)
    sp = svc.propose_subprocessor(session, org, NEW_AI, DPO)
    with pytest.raises(svc.ChangeRefused, match="activity_ids"):
        svc.plan_change(session, org, SubProcessorChangeCreate(
            kind="add", subprocessor_id=sp.id, activity_ids=[activity(session, other, "APX-S-01").id],
            notice_date=clock.now.date()), DPO)


def test_each_notice_carries_what_the_cnil_model_clause_asks_in_the_clients_language(demo, clock):
    session = demo
    org = get_by_slug(session, "pilotim")
    today = clock.now.date()
    _sp, change = plan_new_ai(session, org, today)
    brussels = next(n for n in change.notices if n.language == "en")
    data = svc.notice_data(session, change, brussels.client_id)
    assert data["client"]["legal_name"] == "Demo Estates Brussels (fictional)" and data["language"] == "en"
    assert data["subprocessor"]["legal_name"] == "Fournisseur IA Démo (fictif)"
    assert data["activities"] == [{"reference": "PIL-S-02", "name": "Fonctions d'intelligence artificielle"}]
    assert data["locations"] == [{"country": "US", "site": None, "kind": "storage"}]
    assert data["safeguards"] == []  # none recorded yet: the sub-processor list flags it (Art. 46(1))
    assert (data["objection_deadline"], data["period_days"], data["period_recorded"]) == (
        today + timedelta(days=30), 30, False)
    assert data["processor"]["dpo_email"] is None and data["processor"]["contact_email"] == "dpo@pilotim.com"
    with pytest.raises(svc.ChangeRefused, match="client_id"):
        svc.notice_data(session, change, 10**6)
