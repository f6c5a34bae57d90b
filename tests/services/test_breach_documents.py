"""Breach documents as data: the client notice's Art. 33(3) items, the CNIL draft, the Art. 33(5) register."""

import json
from datetime import timedelta

import pytest
from test_breaches import NOW, breach_input, make_world

from registry.models import BreachNoticeCreate
from registry.pdf import breach_documents as docs
from registry.services import breaches as svc


def record_ovh_breach(session, org, ovh, **overrides):
    values = svc.propose_impact(session, org.id, [ovh.id]).create_values()
    values.update(
        subjects_approx=1200, records_approx=5400, consequences="Phishing using the leaked e-mail addresses",
        measures_taken="Server isolated, passwords reset", measures_proposed="Encrypt backups at rest",
    )
    values.update(overrides)
    return svc.record_breach(session, org, breach_input(**values), now=NOW)


def flat(document) -> str:
    return json.dumps(document, ensure_ascii=False)


def test_client_notice_in_the_clients_language_carries_the_four_art_33_3_items(session):
    org, ovh, (quick, slow, idle), _ = make_world(session)
    org.dpo_name = "Claire Martin"
    breach = record_ovh_breach(session, org, ovh)
    notice = docs.client_notice(breach, slow, now=NOW)
    assert notice["lang"] == "en" and notice["recipient"]["name"] == "Harbour Agency Ltd"
    items = {s["key"]: s for s in notice["items"]}
    assert list(items) == ["a", "b", "c", "d"]
    assert [s["article"] for s in notice["items"]] == [f"Art. 33(3)({k})" for k in "abcd"]
    a = {f["label"]: f["value"] for f in items["a"]["fields"]}
    assert a["Nature"] == ["loss of confidentiality"]
    assert a["Approximate number of data subjects"] == "approximately 1200"
    assert a["Approximate number of records"] == "approximately 5400"
    # Harbour's data are hosting data: the processor's own staff data (NIR) hit too are not its business.
    assert a["Categories of personal data"] == [
        "Civil status, identity, identification data, images",
        "Economic and financial information (income, financial situation, tax situation, purchases...)",
    ]
    assert a["Special categories (Arts. 9, 10) or French NIR"] == "No"
    assert a["Categories of data subjects"] == ["Customers"]
    assert items["b"]["fields"][0]["value"] == ["Claire Martin", "dpo@example.org"]
    assert items["c"]["fields"][0]["value"] == "Phishing using the leaked e-mail addresses"
    assert [f["value"] for f in items["d"]["fields"]] == ["Server isolated, passwords reset", "Encrypt backups at rest"]
    # Only the activities run for this client are named, with the sub-processor at the origin.
    context = {f["label"]: f["value"] for f in notice["context"]["fields"]}
    assert context["Processing activities concerned"] == ["P-HOST — Hébergement des applications clients"]
    assert context["Sub-processor(s) involved"] == ["OVHcloud"]
    assert dict((f["label"], f["value"]) for f in notice["header"])["Deadline"] == "without undue delay"


def test_french_client_notice_shows_the_contractual_deadline_in_the_organisation_time_zone(session):
    org, ovh, (quick, slow, idle), _ = make_world(session)
    breach = record_ovh_breach(session, org, ovh, consequences=None)
    notice = docs.client_notice(breach, quick, now=NOW)
    header = {f["label"]: f["value"] for f in notice["header"]}
    assert notice["lang"] == "fr"
    assert header["Échéance"] == "24 novembre 2026, 09:00 (Europe/Paris, UTC+01:00)"  # aware 08:00 UTC + 24 h
    assert notice["items"][2]["fields"][0]["value"].startswith("Non connu à ce stade")


def test_cnil_draft_follows_the_online_form_and_carries_the_late_reason(session):
    org, ovh, (quick, slow, idle), (hosting, backup, hr, support) = make_world(session)
    breach = record_ovh_breach(session, org, ovh, aware_at=NOW - timedelta(hours=80), risk="high")
    svc.record_notice(session, breach, BreachNoticeCreate(recipient="cnil", sent_at=NOW, late_reason="Forensics"),
                      now=NOW)
    draft = docs.cnil_draft(breach, "fr", now=NOW)
    assert draft["required"] is True
    assert [s["heading"] for s in draft["sections"]][:4] == [
        "Type de notification", "Responsable de traitement", "Personne à contacter", "Chronologie de la violation",
    ]
    dates = {f["label"]: f["value"] for f in draft["sections"][3]["fields"]}
    assert dates["Motifs du retard"] == "Forensics"
    people = {f["label"]: f["value"] for f in draft["sections"][7]["fields"]}
    assert people["Nombre approximatif de personnes concernées"] == "environ 1200"
    info = {f["label"]: f["value"] for f in draft["sections"][-1]["fields"]}
    assert info["Information requise (risque élevé, art. 34(1))"] == "Oui"


def test_subject_communication_gives_nature_contact_consequences_and_measures(session):
    org, ovh, *_ = make_world(session)
    breach = record_ovh_breach(session, org, ovh, risk="high")
    letter = docs.subject_communication(breach, "en")
    assert [s["key"] for s in letter["sections"]] == ["what_happened", "what_it_means", "what_we_do", "who_to_contact"]
    assert "loss of confidentiality" in flat(letter) and "dpo@example.org" in flat(letter)


def test_register_lists_every_breach_of_the_organisation_and_none_of_another(session):
    org, ovh, (quick, *_), (hosting, backup, hr, support) = make_world(session)
    other, other_ovh, *_ = make_world(session, "pilotim-test")
    record_ovh_breach(session, org, ovh, reference="2026-01")
    svc.record_breach(session, org, breach_input(reference="2026-02", risk="unlikely", activity_ids=[hr.id],
                                                 risk_reasoning="Encrypted laptop, key not exposed",
                                                 aware_at=NOW - timedelta(days=3)), now=NOW)
    record_ovh_breach(session, other, other_ovh, reference="OTHER-1", title="Not ours")
    session.commit()
    register = docs.breach_register(session, org, "en", now=NOW)
    assert register["count"] == 2
    assert [b["reference"] for b in register["breaches"]] == ["2026-01", "2026-02"]
    assert "OTHER-1" not in flat(register) and "Not ours" not in flat(register)
    unnotified = {f["label"]: f["value"] for f in register["breaches"][1]["fields"]}
    assert unnotified["Notifications"] == ["Not notified to the CNIL: risk unlikely. Encrypted laptop, key not exposed"]
    ovh_row = {f["label"]: f["value"] for f in register["breaches"][0]["fields"]}
    assert {"Facts", "Effects", "Remedial action"} <= set(ovh_row)
    assert "Art. 33(2) — Cabinet Rapide: due" in ovh_row["Notifications"]


def test_no_client_notice_for_a_client_the_breach_does_not_affect(session):
    org, ovh, (quick, slow, idle), _ = make_world(session)
    breach = record_ovh_breach(session, org, ovh)
    with pytest.raises(ValueError, match="client_id"):
        docs.client_notice(breach, idle, now=NOW)
