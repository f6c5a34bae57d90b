"""Recording breaches and notices on a real database: impact propagation, refusals, dashboard clocks."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, func, select

from registry.domain.breaches import Refused
from registry.models import (
    Activity,
    Breach,
    BreachCreate,
    BreachNotice,
    BreachNoticeCreate,
    ClientController,
    Organisation,
    SubProcessor,
)
from registry.pdf.breach_documents import breach_register
from registry.services import breaches as svc

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def count(session, model) -> int:
    return session.execute(select(func.count()).select_from(model)).scalar_one()


def make_org(session, slug="defi-test", **overrides) -> Organisation:
    org = Organisation(slug=slug, legal_name=overrides.pop("legal_name", slug.upper()), country="FR", **overrides)
    session.add(org)
    session.flush()
    return org


def make_world(session, slug="defi-test"):
    """An organisation hosting at OVH for two (fictional) clients, plus an unrelated activity and sub-processor."""
    org = make_org(session, slug, dpo_email="dpo@example.org")
    ovh = SubProcessor(organisation_id=org.id, legal_name="OVH SAS", trade_name="OVHcloud", country="FR")
    mailer = SubProcessor(organisation_id=org.id, legal_name="Mailer Example", country="FR")
    quick = ClientController(organisation_id=org.id, legal_name="Cabinet Rapide", language="fr",
                             breach_notice_hours=24, dpo_email="dpo@rapide.example")
    slow = ClientController(organisation_id=org.id, legal_name="Harbour Agency Ltd", language="en",
                            contact_email="it@harbour.example")
    idle = ClientController(organisation_id=org.id, legal_name="Client sans hébergement", language="fr")
    session.add_all([ovh, mailer, quick, slow, idle])
    session.flush()
    hosting = Activity(organisation_id=org.id, reference="P-HOST", name="Hébergement des applications clients",
                       role="processor", data_categories=[{"code": "identity"}, {"code": "economic_financial"}],
                       data_subjects=[{"code": "customers"}], subprocessors=[ovh], clients=[quick, slow])
    backup = Activity(organisation_id=org.id, reference="P-BACKUP", name="Sauvegarde externalisée",
                      role="processor", data_categories=[{"code": "identity"}], subprocessors=[ovh], clients=[quick])
    hr = Activity(organisation_id=org.id, reference="C-HR", name="Gestion du personnel", role="controller",
                  data_categories=[{"code": "identity"}, {"code": "nir"}], data_subjects=[{"code": "employees"}],
                  subprocessors=[ovh])
    support = Activity(organisation_id=org.id, reference="P-SUPPORT", name="Support", role="processor",
                       subprocessors=[mailer], clients=[idle])
    session.add_all([hosting, backup, hr, support])
    session.flush()
    return org, ovh, (quick, slow, idle), (hosting, backup, hr, support)


def breach_input(aware_at=NOW - timedelta(hours=2), **overrides) -> BreachCreate:
    values = dict(reference="2026-01", title="Incident OVH", aware_at=aware_at, confidentiality=True, risk="risk",
                  facts="Unauthorised access to a storage server")
    values.update(overrides)
    return BreachCreate.model_validate(values)


def test_ovh_incident_reaches_every_activity_using_it_and_the_clients_of_processor_activities(session):
    org, ovh, (quick, slow, idle), _ = make_world(session)
    assert [s.id for s in svc.find_subprocessors(session, org.id, "ovh")] == [ovh.id]
    proposal = svc.propose_impact(session, org.id, [ovh.id])
    assert [a.reference for a in proposal.activities] == ["C-HR", "P-BACKUP", "P-HOST"]
    assert [c.legal_name for c in proposal.clients] == ["Cabinet Rapide", "Harbour Agency Ltd"]
    assert next(c for c in proposal.clients if c.id == quick.id).via == ("P-BACKUP", "P-HOST")
    assert proposal.data_categories == ("identity", "nir", "economic_financial")
    assert set(proposal.data_subjects) == {"customers", "employees"}


def test_impact_never_crosses_organisations(session):
    org, ovh, *_ = make_world(session)
    other, other_ovh, *_ = make_world(session, "pilotim-test")
    assert svc.propose_impact(session, org.id, [other_ovh.id]).activities == ()
    assert [s.id for s in svc.find_subprocessors(session, other.id, "OVH")] == [other_ovh.id]


def test_recording_the_adjusted_proposal_links_the_breach(session):
    org, ovh, (quick, slow, idle), (hosting, backup, hr, support) = make_world(session)
    values = svc.propose_impact(session, org.id, [ovh.id]).create_values()
    values["activity_ids"].remove(hr.id)  # the DPO finds staff data were on another server
    breach = svc.record_breach(session, org, breach_input(**values), now=NOW)
    session.commit()
    session.expire_all()
    stored = svc.get_breach(session, org.id, "2026-01")
    assert [a.reference for a in stored.activities] == ["P-HOST", "P-BACKUP"]
    assert [c.id for c in stored.clients] == [quick.id, slow.id]
    assert [s.id for s in stored.subprocessors] == [ovh.id]
    assert stored.aware_at == NOW - timedelta(hours=2) and stored.aware_at.tzinfo is not None
    assert breach.id == stored.id


def test_recording_refuses_unlikely_without_reasoning_and_writes_nothing(session):
    org, *_ = make_world(session)
    session.commit()
    with pytest.raises(Refused) as err:
        svc.record_breach(session, org, breach_input(risk="unlikely"), now=NOW)
    assert list(err.value.by_field()) == ["risk_reasoning"]
    session.rollback()
    assert count(session, Breach) == 0


def test_recording_refuses_another_organisations_client_and_a_reused_reference(session):
    org, *_ = make_world(session)
    other, _, (foreign_client, *_), _ = make_world(session, "pilotim-test")
    svc.record_breach(session, org, breach_input(), now=NOW)
    with pytest.raises(Refused) as err:
        svc.record_breach(session, org, breach_input(client_ids=[foreign_client.id]), now=NOW)
    assert set(err.value.by_field()) == {"reference", "client_ids"}


def test_clocks_of_a_processor_breach_follow_each_client_contract(session):
    org, ovh, (quick, slow, idle), (hosting, backup, hr, support) = make_world(session)
    breach = svc.record_breach(
        session, org, breach_input(activity_ids=[hosting.id], client_ids=[quick.id, slow.id]), now=NOW
    )
    clocks = svc.breach_clocks(breach, NOW)
    assert [(c.recipient, c.client_name, c.deadline) for c in clocks] == [
        ("client", "Cabinet Rapide", NOW + timedelta(hours=22)),
        ("client", "Harbour Agency Ltd", None),
    ]


def test_late_notice_without_reason_is_refused_and_with_reason_is_recorded(session):
    org, ovh, (quick, slow, idle), (hosting, *_rest) = make_world(session)
    aware = NOW - timedelta(hours=30)
    breach = svc.record_breach(
        session, org, breach_input(aware_at=aware, activity_ids=[hosting.id], client_ids=[quick.id]), now=NOW
    )
    late = dict(recipient="client", client_id=quick.id, sent_at=NOW - timedelta(hours=1))
    with pytest.raises(Refused) as err:
        svc.record_notice(session, breach, BreachNoticeCreate.model_validate(late), now=NOW)
    assert list(err.value.by_field()) == ["late_reason"]
    notice = svc.record_notice(
        session, breach, BreachNoticeCreate.model_validate({**late, "late_reason": "Hosting report came late"}), now=NOW
    )
    assert (notice.recipient_name, notice.recipient_contact) == ("Cabinet Rapide", "dpo@rapide.example")
    assert [c.state for c in svc.breach_clocks(breach, NOW)] == ["done"]


def test_notice_to_a_client_not_affected_is_refused(session):
    org, ovh, (quick, slow, idle), (hosting, *_rest) = make_world(session)
    breach = svc.record_breach(session, org, breach_input(client_ids=[quick.id]), now=NOW)
    with pytest.raises(Refused) as err:
        svc.record_notice(session, breach, BreachNoticeCreate(recipient="client", client_id=idle.id, sent_at=NOW),
                          now=NOW)
    assert "client_id" in err.value.by_field()
    assert count(session, BreachNotice) == 0


def test_dashboard_lists_overdue_and_due_within_24_hours_only(session):
    org, ovh, (quick, slow, idle), (hosting, backup, hr, support) = make_world(session)
    other = make_org(session, "other-org")
    # Own staff data (controller): CNIL clock. 60 h ago -> due in 12 h; 80 h ago -> overdue; 10 h ago -> not yet.
    for ref, hours in (("A-SOON", 60), ("B-LATE", 80), ("C-CALM", 10)):
        svc.record_breach(session, org, breach_input(reference=ref, aware_at=NOW - timedelta(hours=hours),
                                                     activity_ids=[hr.id]), now=NOW)
    svc.record_breach(session, org, breach_input(reference="D-CLOSED", aware_at=NOW - timedelta(hours=80),
                                                 status="closed", closed_at=NOW, activity_ids=[hr.id]), now=NOW)
    svc.record_breach(session, other, breach_input(reference="E-OTHER", aware_at=NOW - timedelta(hours=80)), now=NOW)
    rows = svc.urgent_deadlines(session, [org.id], now=NOW)
    assert [(r.reference, r.clock.state) for r in rows] == [("B-LATE", "overdue"), ("A-SOON", "due")]
    assert rows[1].clock.remaining == timedelta(hours=12) and rows[0].timezone == "Europe/Paris"
    assert {r.reference for r in svc.urgent_deadlines(session, None, now=NOW)} == {"A-SOON", "B-LATE", "E-OTHER"}


def test_update_completes_a_breach_and_reports_what_changed(session):
    org, ovh, (quick, slow, idle), (hosting, *_rest) = make_world(session)
    breach = svc.record_breach(session, org, breach_input(client_ids=[quick.id]), now=NOW)
    svc.record_breach(session, org, breach_input(reference="2026-02"), now=NOW)
    data = breach_input(client_ids=[quick.id, slow.id], phase="final", status="closed", closed_at=NOW,
                        contained_at=NOW - timedelta(hours=1))
    changes = svc.update_breach(session, breach, data, now=NOW)
    assert set(changes) == {"phase", "status", "closed_at", "contained_at", "client_ids"}
    assert changes["client_ids"] == ([quick.id], [quick.id, slow.id]) and breach.version == 2
    assert svc.update_breach(session, breach, data, now=NOW) == {}
    with pytest.raises(Refused) as err:
        svc.update_breach(session, breach, breach_input(reference="2026-02"), now=NOW)
    assert list(err.value.by_field()) == ["reference"]


def test_sub_processor_search_treats_wildcards_literally(session):
    org, ovh, *_ = make_world(session)
    assert svc.find_subprocessors(session, org.id, "%") == []
    assert [s.legal_name for s in svc.find_subprocessors(session, org.id, "  Mailer ")] == ["Mailer Example"]


def test_a_processor_only_organisation_owes_no_cnil_notice_for_a_breach_without_activities(session):
    vendor = make_org(session, "vendor-test", acts_as="processor")
    both = make_org(session, "both-test")
    assert svc.breach_clocks(svc.record_breach(session, vendor, breach_input(), now=NOW), NOW) == []
    assert [c.recipient for c in svc.breach_clocks(svc.record_breach(session, both, breach_input(), now=NOW), NOW)] == [
        "cnil"
    ]


def test_dashboard_and_register_queries_do_not_grow_with_the_number_of_breaches(session):
    org, ovh, (quick, slow, idle), (hosting, *_rest) = make_world(session)
    values = svc.propose_impact(session, org.id, [ovh.id]).create_values()
    statements = []

    def counted(action) -> int:
        session.expire_all()
        statements.clear()
        action()
        return len(statements)

    event.listen(session.get_bind(), "before_cursor_execute", lambda *args: statements.append(args[2]))
    counts = []
    for n in (2, 6):
        while len(svc.list_breaches(session, org.id)) < n:
            k = len(svc.list_breaches(session, org.id))
            svc.record_breach(session, org, breach_input(reference=f"B{k}", **values), now=NOW)
        counts.append((counted(lambda: svc.urgent_deadlines(session, [org.id], NOW)),
                       counted(lambda: breach_register(session, org, "en", NOW))))
    assert counts[0] == counts[1], counts
