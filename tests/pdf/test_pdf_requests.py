"""The requests register as PDF, in French and English: each request's deadline (moved past a weekend), relay,
refusal and answer, one organisation only, and never a requester's name or contact; printed as a queued job from
the documents page and from the shell."""

import re
from datetime import UTC, date, datetime

import pytest
from pdftext import flat, pages_text
from sqlalchemy import select

from registry.models import Activity, ActivityClientLink, ClientController, Job
from registry.pdf.request_documents import request_register
from registry.pdf.requests import request_register_pdf
from registry.services import requests as svc
from tests.web.conftest import sign_in  # noqa: F401  (the web tests' login fixture, for the documents page)

NOW = datetime(2026, 1, 28, 10, 0, tzinfo=UTC)


def text(data: bytes) -> str:
    return flat(" ".join(pages_text(data)))


@pytest.fixture
def pilotim_requests(session, demo):
    pilotim = demo("pilotim")
    link = session.execute(select(ActivityClientLink).join(Activity, Activity.id == ActivityClientLink.activity_id)
                           .where(Activity.organisation_id == pilotim.id).order_by(Activity.id)).scalars().first()
    svc.create_request(session, pilotim, {
        "reference": "DSR-2026-01", "received_on": date(2025, 12, 31), "rights": ["erasure"], "channel": "web_form",
        "client_id": link.client_id, "forwarded_on": date(2026, 1, 2), "requester_name": "Jeanne Exemple",
        "requester_contact": "jeanne@example.org", "requester_category": "users",
        "activities": [{"activity_id": link.activity_id, "measure": "erased"}]}, "test")
    svc.create_request(session, pilotim, {
        "reference": "DSR-2026-02", "received_on": date(2026, 1, 5), "rights": ["access"], "status": "refused",
        "answered_on": date(2026, 1, 12), "refusal_ground": "excessive",
        "refusal_details": "<b>Cinquième demande</b> identique en un mois", "requester_name": "Paul Répétitif"}, "test")
    svc.create_request(session, demo("apex-timing"), {"reference": "APEX-R-1", "received_on": date(2026, 1, 5),
                                                      "rights": ["access"]}, "test")
    session.commit()
    client = session.get(ClientController, link.client_id)
    return pilotim, client


def test_the_register_dict_holds_the_clock_and_no_requester(session, pilotim_requests):
    pilotim, client = pilotim_requests
    doc = request_register(session, pilotim, "en", now=NOW)
    assert (doc["count"], doc["open_count"]) == (2, 1)
    first = {f["label"]: f["value"] for f in doc["requests"][0]["fields"]}
    assert first["Answer due (Art. 12(3))"] == "February 2, 2026 (January 31, 2026 not being a working day)"
    assert first["On behalf of the client (Art. 28(3)(e))"][:2] == [client.legal_name, "forwarded on January 2, 2026"]
    assert "Jeanne" not in str(doc) and "jeanne@" not in str(doc) and "Répétitif" not in str(doc)


@pytest.mark.parametrize("lang, words", [
    ("fr", ["Registre des demandes d'exercice de droits", "2 février 2026", "Effacement (art. 17)",
            "Manifestement excessive (art. 12(5)(b))", "Nombre de demandes : 2", "transmise le 2 janvier 2026"]),
    ("en", ["Register of data-subject requests", "February 2, 2026", "Erasure (Art. 17)",
            "Manifestly excessive (Art. 12(5)(b))", "Number of requests: 2", "forwarded on January 2, 2026"]),
])
def test_the_register_prints_in_both_languages_for_one_organisation(session, pilotim_requests, lang, words):
    pilotim, _client = pilotim_requests
    body = text(request_register_pdf(session, pilotim, lang, now=NOW))
    for w in words:
        assert w in body, w
    assert "DSR-2026-01" in body and "DSR-2026-02" in body and "APEX-R-1" not in body
    assert "<b>Cinquième demande</b>" in body  # user text printed as text
    assert "Jeanne" not in body and "jeanne@example.org" not in body and "Répétitif" not in body


def test_an_organisation_without_requests_prints_an_empty_register(session, demo):
    assert "No request recorded." in text(request_register_pdf(session, demo("ginger-minds"), "en", now=NOW))


def test_the_documents_page_queues_the_requests_register_and_serves_its_file(
        app, session, pilotim_requests, sign_in):  # noqa: F811
    from registry.jobs import tasks

    pilotim, _client = pilotim_requests
    client = sign_in("auditor@x.example.com", "auditor", pilotim)
    page = client.get("/orgs/pilotim/documents/").get_data(as_text=True)
    assert "Print the requests register" in page or "Imprimer le registre des demandes" in page
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post("/orgs/pilotim/documents/export/requests", data={"csrf_token": csrf, "lang": "en"})
    assert response.status_code == 302
    job = session.scalars(select(Job).where(Job.kind == "requests")).one()
    assert job.params == {"lang": "en"}
    assert tasks.execute(app, job.id) == "done"
    pdf = client.get(f"/orgs/pilotim/documents/jobs/{job.id}/file")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert "DSR-2026-01" in text(pdf.data) and "Jeanne" not in text(pdf.data)


def test_export_pdf_requests_from_the_shell(runner, session, pilotim_requests, tmp_path):
    target = tmp_path / "requests-fr.pdf"
    result = runner.invoke(args=["export-pdf", "requests", "--org", "pilotim", "-o", str(target), "--lang", "fr",
                                 "--here"])
    assert result.exit_code == 0, result.output
    body = text(target.read_bytes())
    assert "Registre des demandes d'exercice de droits — PILOTIM" in body and "DSR-2026-02" in body
