"""An OVH incident in the demo organisations: who is reached, what the client notice says, whose register shows it."""

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from registry.models import Activity, BreachCreate, BreachNoticeCreate
from registry.pdf import breach_documents as docs
from registry.services import breaches as svc
from registry.services.organisations import get_by_slug

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def ovh_breach(session, slug: str, **overrides):
    """Record an OVH incident as the DPO would: from the proposal, completed with the facts."""
    org = get_by_slug(session, slug)
    ovh = svc.find_subprocessors(session, org.id, "OVH")
    proposal = svc.propose_impact(session, org.id, [s.id for s in ovh])
    values = dict(
        proposal.create_values(), reference="2026-OVH-1", title="Intrusion sur un serveur dédié OVH",
        facts="Accès non autorisé à un serveur dédié, détecté par la supervision de l'hébergeur.",
        occurred_at=NOW - timedelta(hours=30), aware_at=NOW - timedelta(hours=6), confidentiality=True,
        availability=True, data_categories=["identity", "economic_financial"], data_subjects=["customers"],
        subjects_approx=850, records_approx=4200, risk="high",
        consequences="Risque d'hameçonnage ciblé des clients des agences.",
        measures_taken="Serveur isolé, mots de passe réinitialisés, journaux conservés.",
        measures_proposed="Chiffrement des sauvegardes au repos.",
    )
    values.update(overrides)
    breach = svc.record_breach(session, org, BreachCreate.model_validate(values), actor="dpo", now=NOW)
    session.commit()
    return org, proposal, breach


def test_ovh_incident_at_defi_informatique_reaches_both_hosting_activities_and_the_town_hall(demo):
    org, proposal, breach = ovh_breach(demo, "defi-informatique")
    assert [a.reference for a in proposal.activities] == ["DEF-S-01", "DEF-S-02"]
    assert [c.legal_name for c in proposal.clients] == ["Mairie Démo de Ménilmontant (fictive)"]
    assert proposal.clients[0].via == ("DEF-S-01", "DEF-S-02")
    # DEFI INFORMATIQUE acts only as processor: it tells its client, which notifies the CNIL (Art. 33(2)).
    clocks = svc.breach_clocks(breach, NOW)
    assert [(c.recipient, c.client_name, c.deadline) for c in clocks] == [
        ("client", "Mairie Démo de Ménilmontant (fictive)", None)
    ]


def test_ovh_incident_at_pilotim_yields_a_complete_english_notice_for_the_brussels_client(demo):
    org, proposal, breach = ovh_breach(demo, "pilotim")
    assert [a.reference for a in proposal.activities] == ["PIL-S-01"]
    assert [c.legal_name for c in proposal.clients] == [
        "Agence Démo du Beffroi (fictive)", "Demo Estates Brussels (fictional)", "Immobilière Démo des Flandres (fictive)",
    ]
    brussels = next(c for c in breach.clients if c.language == "en")
    notice = docs.client_notice(breach, brussels, now=NOW)
    assert notice["lang"] == "en" and notice["title"] == "Notification of a personal data breach to the controller"
    items = {s["key"]: {f["label"]: f["value"] for f in s["fields"]} for s in notice["items"]}
    assert items["a"]["Nature"] == ["loss of confidentiality", "loss of availability"]
    assert items["a"]["Categories of data subjects"] == ["Customers"]
    assert items["a"]["Approximate number of data subjects"] == "approximately 850"
    assert items["a"]["Approximate number of records"] == "approximately 4200"
    assert items["b"]["Contact point (no DPO recorded)"] == ["PILOTIM", "dpo@pilotim.com"]  # no DPO named (art. 5)
    assert items["c"]["Likely consequences"] == "Risque d'hameçonnage ciblé des clients des agences."
    assert items["d"]["Measures taken"].startswith("Serveur isolé")
    assert items["d"]["Measures proposed"] == "Chiffrement des sauvegardes au repos."
    assert notice["recipient"]["contact"] == ["Alex Sample", "office@estates-demo.example.com"]
    assert {f["label"]: f["value"] for f in notice["header"]}["Deadline"] == "without undue delay"


def test_pilotim_own_prospect_file_hit_too_starts_the_cnil_clock_and_the_subject_letter(demo):
    org = get_by_slug(demo, "pilotim")
    own = demo.execute(select(Activity).where(Activity.organisation_id == org.id, Activity.reference == "PIL-R-01"))
    own_id = own.scalars().one().id
    ovh_ids = [s.id for s in svc.find_subprocessors(demo, org.id, "OVH")]
    activity_ids = svc.propose_impact(demo, org.id, ovh_ids).create_values()["activity_ids"] + [own_id]
    _, _, breach = ovh_breach(demo, "pilotim", activity_ids=activity_ids)
    recipients = [c.recipient for c in svc.breach_clocks(breach, NOW)]
    assert recipients == ["cnil", "client", "client", "client", "data_subjects"]
    cnil = svc.breach_clocks(breach, NOW)[0]
    assert cnil.deadline == NOW + timedelta(hours=66) and cnil.state == "due"


def test_breach_register_of_pilotim_lists_its_breaches_only(demo):
    pilotim, _, _ = ovh_breach(demo, "pilotim")
    ovh_breach(demo, "pilotim", reference="2026-OVH-2", title="Second incident", risk="unlikely",
               risk_reasoning="Données chiffrées, clé non compromise")
    defi, _, defi_breach = ovh_breach(demo, "defi-informatique", title="Incident côté DEFI")
    svc.record_notice(demo, defi_breach, BreachNoticeCreate(recipient="client", client_id=defi_breach.clients[0].id,
                                                            sent_at=NOW - timedelta(hours=1)), now=NOW)
    register = docs.breach_register(demo, pilotim, "fr", now=NOW)
    assert register["count"] == 2 and [b["reference"] for b in register["breaches"]] == ["2026-OVH-2", "2026-OVH-1"]
    assert "Incident côté DEFI" not in json.dumps(register, ensure_ascii=False)
    defi_register = docs.breach_register(demo, defi, "fr", now=NOW)
    assert [b["title"] for b in defi_register["breaches"]] == ["Incident côté DEFI"]
    notifications = {f["label"]: f["value"] for f in defi_register["breaches"][0]["fields"]}["Notifications"]
    assert notifications[0].startswith("Notification à la CNIL par les responsables du traitement")
    assert notifications[1] == "Art. 33(2) — Mairie Démo de Ménilmontant (fictive) : 23 novembre 2026, 10:00 (Europe/Paris, UTC+01:00)"
