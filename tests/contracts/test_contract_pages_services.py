"""Services behind a record's contract pages: latest version, a revision's file, dashboard gaps, terms copied in."""

import pytest
from sqlalchemy import func, select

from registry.models import AuditEntry, ClientController, Organisation, SubProcessor
from registry.services.contracts import (
    accept_contract_terms,
    contract_revision,
    contract_versions,
    latest_contract,
    record_cross_check,
    store_contract,
    term_proposals,
)
from registry.services.crud import Invalid, StaleRecord
from registry.services.flags import contract_gaps

DPA = ("Le Sous-traitant notifie au Client toute violation de données personnelles dans les 24 heures. "
       "Le Client dispose d'un délai de quinze (15) jours pour formuler une objection à tout nouveau sous-traitant "
       "ultérieur.").encode()
FULL_FREE = b"Conditions generales de vente. Le prix est payable a trente jours."


@pytest.fixture
def records(session):
    org = Organisation(slug="demo-contrats", legal_name="Organisme Démo (fictif)", country="FR")
    session.add(org)
    session.flush()
    client = ClientController(organisation_id=org.id, legal_name="Client Démo (fictif)", breach_notice_hours=72)
    sub = SubProcessor(organisation_id=org.id, legal_name="Hébergeur Démo (fictif)")
    session.add_all([client, sub])
    session.commit()
    return org, client, sub


def test_versions_come_without_their_file_and_a_revision_with_it(session, records):
    org, client, _ = records
    store_contract(session, org.id, client_id=client.id, file_name="v1.txt", data=DPA, uploaded_by="dpo")
    store_contract(session, org.id, client_id=client.id, file_name="v2.txt", data=FULL_FREE, uploaded_by="dpo")
    session.commit()
    session.expunge_all()
    [v2, v1] = contract_versions(session, client_id=client.id)
    assert "content" not in v2.__dict__ and (v2.revision, v1.revision) == (2, 1)
    assert latest_contract(session, client_id=client.id).file_name == "v2.txt"
    assert contract_revision(session, 1, client_id=client.id).content == DPA
    assert contract_revision(session, None, client_id=client.id).content == FULL_FREE
    assert contract_revision(session, 3, client_id=client.id) is None


def test_cross_check_of_a_stored_contract_reads_the_register_of_today(session, records):
    org, client, _ = records
    doc = store_contract(session, org.id, client_id=client.id, file_name="dpa.txt", data=DPA, uploaded_by="dpo")
    session.commit()
    assert [f["message"] for f in record_cross_check(session, doc, "en")] == [
        "Sub-processor in the register but not named in the contract: Hébergeur Démo (fictif)."]
    client.breach_notice_hours = 12
    session.commit()
    assert "The contract allows 24 h to notify a breach; the register expects 12." in [
        f["message"] for f in record_cross_check(session, doc, "en")]


def test_accepted_terms_are_written_in_one_audited_update(session, records):
    org, client, _ = records
    doc = store_contract(session, org.id, client_id=client.id, file_name="dpa.txt", data=DPA, uploaded_by="dpo")
    session.commit()
    assert {p.field: p.proposed for p in term_proposals(client, doc)} == {"objection_period_days": 15,
                                                                          "breach_notice_hours": 24}
    entries = session.scalar(select(func.count()).select_from(AuditEntry))
    changes = accept_contract_terms(session, org, client, doc.id, ["breach_notice_hours"], client.version, "dpo@demo")
    session.commit()
    assert changes == {"breach_notice_hours": (72, 24)}
    assert (client.breach_notice_hours, client.objection_period_days, client.version) == (24, None, 2)
    assert session.scalar(select(func.count()).select_from(AuditEntry)) == entries + 1
    last = session.execute(select(AuditEntry).order_by(AuditEntry.seq.desc())).scalars().first()
    assert (last.action, last.before["breach_notice_hours"], last.after["breach_notice_hours"]) == ("update", 72, 24)


@pytest.mark.parametrize("case", ["stale", "older document", "unknown field", "nothing ticked"])
def test_refused_acceptance_writes_nothing(session, records, case):
    org, client, _ = records
    old = store_contract(session, org.id, client_id=client.id, file_name="v1.txt", data=DPA, uploaded_by="dpo")
    doc = store_contract(session, org.id, client_id=client.id, file_name="v2.txt", data=DPA + b" ", uploaded_by="dpo")
    session.commit()
    entries = session.scalar(select(func.count()).select_from(AuditEntry))
    version, document, fields = client.version, doc.id, ["breach_notice_hours"]
    if case == "stale":
        version = client.version - 1 if client.version > 1 else client.version + 1
    elif case == "older document":
        document = old.id
    elif case == "unknown field":
        fields = ["legal_name"]
    else:
        fields = []
    with pytest.raises(StaleRecord if case == "stale" else Invalid):
        accept_contract_terms(session, org, client, document, fields, version, "dpo")
    session.rollback()
    assert session.get(ClientController, client.id).breach_notice_hours == 72
    assert session.scalar(select(func.count()).select_from(AuditEntry)) == entries


def test_dashboard_gaps_take_the_latest_contract_of_each_counterpart(session, records):
    org, client, sub = records
    store_contract(session, org.id, client_id=client.id, file_name="v1.txt", data=FULL_FREE, uploaded_by="dpo")
    store_contract(session, org.id, subprocessor_id=sub.id, file_name="sub.txt", data=FULL_FREE, uploaded_by="dpo")
    session.commit()
    gaps = contract_gaps(session, org, [client], [sub])
    assert [(g.area, g.record.id, g.revision) for g in gaps] == [("clients", client.id, 1), ("subprocessors", sub.id, 1)]
    assert "art33_2" in gaps[0].missing
    store_contract(session, org.id, client_id=client.id, file_name="v2.txt", data=DPA, uploaded_by="dpo")
    session.commit()
    [latest_client, _] = contract_gaps(session, org, [client], [sub])
    assert (latest_client.file_name, latest_client.revision) == ("v2.txt", 2)
    assert contract_gaps(session, org, [], []) == []  # a counterpart not on the page is not listed


def test_terms_are_not_copied_into_a_client_of_another_organisation(session, records):
    from registry.services.contracts import RegisterNotFound

    org, client, _ = records
    other = Organisation(slug="autre-demo", legal_name="Autre Démo (fictif)", country="FR")
    session.add(other)
    session.commit()
    doc = store_contract(session, org.id, client_id=client.id, file_name="dpa.txt", data=DPA, uploaded_by="dpo")
    session.commit()
    with pytest.raises(RegisterNotFound):
        accept_contract_terms(session, other, client, doc.id, ["breach_notice_hours"], client.version, "dpo")
