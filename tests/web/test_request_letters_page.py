"""Reply letters: a DPO opens the draft with the request's facts, edits it and prints it as PDF; nothing is saved;
auditors get 403; another organisation's request is a 404."""

import html
import io
import re
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from registry.models import AuditEntry, DataRequest
from registry.services import requests as svc
from registry.services.organisations import get_by_slug

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
BASE = "/orgs/pilotim/requests"


@pytest.fixture
def request_record(demo):
    pilotim = get_by_slug(demo, "pilotim")
    obj, _ = svc.create_request(demo, pilotim, {
        "reference": "DSR-L1", "received_on": date(2025, 12, 31), "rights": ["erasure", "access"],
        "requester_name": "Jeanne Exemple", "requester_contact": "1 rue de l'Exemple, 59000 Lille",
        "extension_reasons": "Volume", "extended": True, "extension_decided_on": date(2026, 1, 15)}, "test")
    demo.commit()
    return obj


def pdf_text(data: bytes) -> str:
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages))


def test_a_dpo_edits_the_drafted_letter_and_prints_it_without_anything_saved(client, auth, demo, request_record):
    auth.as_role("dpo")
    client.get("/lang/en")
    detail = client.get(f"{BASE}/{request_record.id}").get_data(as_text=True)
    assert f'href="{BASE}/{request_record.id}/letter"' in detail
    page = client.get(f"{BASE}/{request_record.id}/letter")
    assert page.status_code == 200
    body = html.unescape(page.get_data(as_text=True))
    # The first letter is the first right's (access, before erasure), in the reader's language, facts filled in.
    assert "Reply letter: Access (Art. 15)" in body
    draft = re.search(r'<textarea[^>]*name="text"[^>]*>(.*?)</textarea>', body, re.S).group(1)
    assert "Jeanne Exemple" in draft and "December 31, 2025" in draft and "DSR-L1" in draft
    french = html.unescape(client.get(f"{BASE}/{request_record.id}/letter?kind=erasure&lang=fr").get_data(as_text=True))
    assert "droit à l'effacement (article 17 du RGPD)" in french and "31 décembre 2025" in french
    extension = html.unescape(client.get(f"{BASE}/{request_record.id}/letter?kind=extension&lang=en")
                              .get_data(as_text=True))
    # Received 31 December 2025: the first month ends 31 January (a Saturday), so Monday 2 February; extended, 31 March.
    assert "Send it by February 2, 2026, the end of the first month (Art. 12(3))" in extension
    assert "by March 31, 2026 at the latest" in extension and "Volume" in extension
    before = demo.scalar(select(func.count()).select_from(AuditEntry))
    version = request_record.version
    edited = "Madame,\nVos données ont été effacées le 5 janvier 2026. <script>x</script>\nLe DPO"
    printed = client.post(f"{BASE}/{request_record.id}/letter", data={
        "csrf_token": TOKEN.search(body).group(1), "kind": "erasure", "lang": "fr", "text": edited})
    assert printed.status_code == 200 and printed.mimetype == "application/pdf"
    assert printed.headers["Cache-Control"] == "no-store"
    text = pdf_text(printed.data)
    assert "Vos données ont été effacées le 5 janvier 2026." in text and "<script>x</script>" in text
    demo.expire_all()
    assert demo.scalar(select(func.count()).select_from(AuditEntry)) == before
    assert demo.get(DataRequest, request_record.id).version == version


def test_an_empty_letter_is_refused_at_the_field(client, auth, request_record):
    auth.as_role("dpo")
    client.get("/lang/en")
    page = client.get(f"{BASE}/{request_record.id}/letter").get_data(as_text=True)
    refused = client.post(f"{BASE}/{request_record.id}/letter", data={
        "csrf_token": TOKEN.search(page).group(1), "kind": "access", "lang": "en", "text": "  "})
    assert refused.status_code == 422
    assert "Write the letter before printing it." in html.unescape(refused.get_data(as_text=True))


def test_auditors_get_403_and_other_organisations_404(client, auth, demo, request_record):
    auth.as_role("auditor")
    csrf = TOKEN.search(client.get("/login").get_data(as_text=True)).group(1)
    assert client.get(f"{BASE}/{request_record.id}/letter").status_code == 403
    assert client.post(f"{BASE}/{request_record.id}/letter",
                       data={"csrf_token": csrf, "text": "x"}).status_code == 403
    assert "Reply letters" not in client.get(f"{BASE}/{request_record.id}").get_data(as_text=True)
    other = get_by_slug(demo, "apex-timing")
    elsewhere, _ = svc.create_request(demo, other, {"reference": "X-1", "received_on": date(2026, 1, 5),
                                                    "rights": ["access"]}, "test")
    demo.commit()
    auth.as_role("dpo")
    assert client.get(f"{BASE}/{elsewhere.id}/letter").status_code == 404
    assert client.get(f"/orgs/apex-timing/requests/{elsewhere.id}/letter").status_code == 404
