"""Breach documents as PDF: the four Art. 33(3) items of a client notice, the CNIL form's headings, the Art. 33(5)
register of one organisation only, and hostile text in the breach's fields printed as text, nothing fetched."""

import io
from datetime import UTC, datetime, timedelta

import pikepdf
import pytest
from pdftext import flat, pages_text
from sqlalchemy import select

from registry.models import Activity, BreachCreate, BreachNoticeCreate
from registry.pdf import breaches as pdf
from registry.pdf.render import STATIC_DIR, ProjectFetcher
from registry.services import breaches as svc

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def ovh_breach(session, org, **overrides):
    ovh = [s.id for s in svc.find_subprocessors(session, org.id, "OVH")]
    values = {**svc.propose_impact(session, org.id, ovh).create_values(), "reference": "2026-OVH-1",
              "title": "Intrusion sur un serveur dédié OVH", "facts": "Accès non autorisé à un serveur dédié.",
              "occurred_at": NOW - timedelta(hours=30), "aware_at": NOW - timedelta(hours=6), "confidentiality": True,
              "data_categories": ["identity"], "data_subjects": ["customers"], "subjects_approx": 850,
              "records_approx": 4200, "risk": "high", "consequences": "Hameçonnage ciblé des clients.",
              "measures_taken": "Serveur isolé, mots de passe réinitialisés.",
              "measures_proposed": "Chiffrement des sauvegardes au repos."}
    values.update(overrides)
    breach = svc.record_breach(session, org, BreachCreate.model_validate(values), actor="test", now=NOW)
    session.commit()
    return breach


def text(data: bytes) -> str:
    return flat(" ".join(pages_text(data)))


@pytest.mark.parametrize("language, items", [
    ("en", ["(a) Nature of the breach, categories and approximate number of data subjects and records",
            "(b) Data protection officer or other contact point", "(c) Likely consequences of the breach",
            "(d) Measures taken or proposed, including to mitigate its possible adverse effects"]),
    ("fr", ["a) Nature de la violation, catégories et nombre approximatif de personnes et d'enregistrements",
            "b) Délégué à la protection des données ou autre point de contact",
            "c) Conséquences probables de la violation", "d) Mesures prises ou proposées"]),
])
def test_client_notice_holds_the_four_items_of_art_33_3_in_the_clients_language(session, demo, language, items):
    breach = ovh_breach(session, demo("pilotim"))
    client = next(c for c in breach.clients if c.language == language)
    body = text(pdf.client_notice_pdf(breach, client, now=NOW))
    for item in items:
        assert item in body
    assert client.legal_name in body
    approx = "approximately 850" if language == "en" else "environ 850"
    assert approx in body and "dpo@pilotim.com" in body and "Hameçonnage ciblé des clients." in body
    assert "Chiffrement des sauvegardes au repos." in body and "2026-OVH-1" in body


def test_cnil_draft_follows_the_online_forms_headings_in_order(session, demo):
    breach = ovh_breach(session, demo("pilotim"))
    body = text(pdf.cnil_draft_pdf(breach, "fr", now=NOW))
    headings = ["Type de notification", "Responsable de traitement", "Personne à contacter",
                "Chronologie de la violation", "Nature de la violation", "Origine et circonstances de la violation",
                "Données concernées", "Personnes concernées", "Conséquences probables pour les personnes",
                "Mesures prises ou envisagées", "Information des personnes concernées"]
    positions = [body.index(f"{i}. {h}") for i, h in enumerate(headings, 1)]
    assert positions == sorted(positions)


def test_subject_communication_says_what_happened_and_whom_to_contact(session, demo):
    breach = ovh_breach(session, demo("pilotim"))
    body = text(pdf.subject_communication_pdf(breach, "en"))
    for heading in ("What happened", "What it may mean for you", "What we have done and will do", "Who to contact"):
        assert heading in body
    assert "loss of confidentiality" in body and "dpo@pilotim.com" in body


def test_breach_register_lists_every_breach_of_the_organisation_and_none_of_another(session, demo):
    pilotim, defi = demo("pilotim"), demo("defi-informatique")
    ovh_breach(session, pilotim)
    ovh_breach(session, pilotim, reference="2026-LAPTOP", title="Ordinateur portable perdu", subprocessor_ids=[],
               activity_ids=[], client_ids=[], risk="unlikely", risk_reasoning="Disque chiffré, clé non compromise")
    ovh_breach(session, defi, reference="DEFI-2026-9", title="Incident côté DEFI")
    body = text(pdf.breach_register_pdf(session, pilotim, "fr", now=NOW))
    assert "2026-OVH-1" in body and "2026-LAPTOP" in body and "Ordinateur portable perdu" in body
    assert "Disque chiffré, clé non compromise" in body  # not notified, and why (Art. 33(5))
    assert "Nombre de violations : 2" in body
    assert "DEFI-2026-9" not in body and "Incident côté DEFI" not in body
    other = text(pdf.breach_register_pdf(session, defi, "en", now=NOW))
    assert "DEFI-2026-9" in other and "2026-OVH-1" not in other


PAYLOADS = [
    '<img src="file:///etc/passwd">',
    '<link rel="stylesheet" href="http://127.0.0.1:9/x.css">',
    '<link rel="attachment" href="file:///etc/hostname">',
    '<style>@import url("http://127.0.0.1:9/evil.css");</style>',
    '<base href="file:///etc/">',
    '<svg><image href="file:///etc/passwd"/></svg>',
]


def test_hostile_text_in_a_breach_prints_as_text_and_fetches_nothing(session, demo):
    org = demo("pilotim")
    hostile = " ".join(PAYLOADS)
    breach = ovh_breach(session, org, title=PAYLOADS[0][:200], facts=hostile, consequences=hostile,
                        measures_taken=PAYLOADS[1], measures_proposed=PAYLOADS[3], notes=hostile,
                        occurred_at=NOW - timedelta(hours=90), aware_at=NOW - timedelta(hours=80))
    client = breach.clients[0]
    svc.record_notice(session, breach, BreachNoticeCreate(
        recipient="client", client_id=client.id, sent_at=NOW - timedelta(hours=1), recipient_name=PAYLOADS[2][:200],
        late_reason=PAYLOADS[4]), now=NOW)
    session.commit()
    static = STATIC_DIR.resolve().as_uri() + "/"
    renders = [
        lambda f: pdf.client_notice_pdf(breach, client, now=NOW, fetcher=f),
        lambda f: pdf.cnil_draft_pdf(breach, "en", now=NOW, fetcher=f),
        lambda f: pdf.subject_communication_pdf(breach, "fr", fetcher=f),
        lambda f: pdf.breach_register_pdf(session, org, "en", now=NOW, fetcher=f),
    ]
    for render in renders:
        fetcher = ProjectFetcher()
        data = render(fetcher)
        assert all(url.startswith(static) for url in fetcher.requested), fetcher.requested
        assert fetcher.refused == []
        assert b"/EmbeddedFile" not in data and b"/URI" not in data
        with pikepdf.open(io.BytesIO(data)) as doc:
            assert len(doc.attachments) == 0
        body = text(data)
        assert '<img src="file:///etc/passwd">' in body
        assert '<link rel="stylesheet" href="http://127.0.0.1:9/x.css">' in body or "@import url(" in body


def test_export_pdf_writes_the_breach_register_and_one_breachs_documents(runner, session, demo, tmp_path):
    breach = ovh_breach(session, demo("pilotim"))
    target = tmp_path / "breaches.pdf"
    result = runner.invoke(args=["export-pdf", "breaches", "--org", "pilotim", "-o", str(target), "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "Register of personal data breaches" in text(target.read_bytes())
    folder = tmp_path / "docs"
    result = runner.invoke(args=["export-pdf", "breach", "--org", "pilotim", "--breach", "2026-OVH-1", "-o", str(folder)])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(["cnil-fr.pdf", "subjects-fr.pdf"] + [f"client-{c.id}-{c.language}.pdf" for c in breach.clients])
    unknown = runner.invoke(args=["export-pdf", "breach", "--org", "pilotim", "--breach", "NOPE", "-o", str(folder)])
    assert unknown.exit_code != 0 and "no breach 'NOPE' in pilotim" in unknown.output


def test_cnil_draft_of_a_processors_breach_says_no_notification_is_due_and_prints_no_deadline(session, demo):
    breach = ovh_breach(session, demo("pilotim"))  # OVH reaches only PILOTIM's processing for its agencies
    body = text(pdf.cnil_draft_pdf(breach, "en", now=NOW))
    assert "No notification to the supervisory authority (CNIL) is due according to the register's assessment." in body
    assert "the organisation acts only as processor: it informs each controller (Art. 33(2))" in body
    assert "Deadline" not in body and "unlikely to result in a risk to the rights" not in body


def test_cnil_draft_of_an_unlikely_risk_says_why_no_notification_is_due_and_prints_no_deadline(session, demo):
    org = demo("pilotim")
    own = list(session.scalars(select(Activity.id).where(Activity.organisation_id == org.id,
                                                        Activity.role == "controller")))
    breach = ovh_breach(session, org, subprocessor_ids=[], activity_ids=own, client_ids=[], risk="unlikely",
                        risk_reasoning="Disque chiffré, clé non compromise")
    body = text(pdf.cnil_draft_pdf(breach, "fr", now=NOW))
    assert "Aucune notification à l'autorité de contrôle (CNIL) n'est due selon l'évaluation enregistrée" in body
    assert "non susceptible d'engendrer un risque pour les droits et libertés des personnes physiques" in body
    assert "Motifs de l'évaluation : Disque chiffré, clé non compromise" in body
    assert "Échéance" not in body and "agit uniquement comme sous-traitant" not in body
    owed = ovh_breach(session, org, reference="2026-OWN-2", subprocessor_ids=[], activity_ids=own, client_ids=[])
    body = text(pdf.cnil_draft_pdf(owed, "fr", now=NOW))  # the same breach at risk: the 72 hours are printed
    assert "Échéance" in body and "26 novembre 2026, 05:00" in body and "Aucune notification" not in body
