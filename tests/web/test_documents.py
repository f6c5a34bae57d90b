"""Document downloads from the web interface: annex and sub-processor list at once (the register and the annex
batch run as jobs: tests/jobs/)."""

import io

from pypdf import PdfReader
from sqlalchemy import select

from registry.models import ClientController
from registry.services.organisations import get_by_slug


def text_of(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_an_annex_and_the_subprocessor_list_download_for_an_auditor(sign_in, demo):
    org = get_by_slug(demo, "pilotim")
    client = sign_in("auditor@x.example.com", "auditor", org)
    brussels = demo.execute(select(ClientController).where(ClientController.language == "en")).scalars().first()
    annex = client.get(f"/orgs/pilotim/documents/annex/{brussels.id}.pdf")
    assert annex.status_code == 200 and annex.mimetype == "application/pdf"
    text = text_of(annex.data)
    assert "Demo Estates Brussels" in text and "OpenAI, L.L.C." in text
    listing = client.get("/orgs/pilotim/documents/subprocessors.pdf?lang=fr")
    assert listing.status_code == 200 and "Google Ireland Limited" in text_of(listing.data)


def test_annex_of_another_organisations_client_is_404(sign_in, demo):
    client = sign_in("dpo@x.example.com", "dpo", get_by_slug(demo, "pilotim"))
    apex = get_by_slug(demo, "apex-timing")
    other = demo.execute(select(ClientController).where(ClientController.organisation_id == apex.id)).scalars().first()
    assert client.get(f"/orgs/pilotim/documents/annex/{other.id}.pdf").status_code == 404


def test_an_export_the_queue_cannot_take_ends_failed_with_a_message_not_waiting_forever(app, sign_in, demo):
    import re

    from registry.jobs import queue

    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"  # nothing listens there
    queue.configure(app.config)
    client = sign_in("dpo@x.example.com", "dpo", get_by_slug(demo, "art-zone"))
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/orgs/art-zone/documents/").get_data(as_text=True)).group(1)
    job_url = client.post("/orgs/art-zone/documents/export/register", data={"csrf_token": token, "lang": "fr"}).headers["Location"]
    status = client.get(job_url + ".json").get_json()
    assert status["state"] == "failed" and "queue did not answer" in status["message"]
