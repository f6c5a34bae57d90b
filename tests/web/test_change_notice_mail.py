"""PILOTIM's new US AI provider, told by e-mail (Art. 28(2)): "Send the notices" mails its three clients through a
real SMTP server on 127.0.0.1, each in its language with its own deadline, its PDF and its link; a client objects
through the link and the change cannot take effect; a client without an address is listed, never skipped."""

import io
import re
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from registry import audit
from registry.models import ChangeNotice, ClientController, MailMessage, SubProcessorChange
from registry.services.organisations import get_by_slug
from tests.mail import deliver_all
from tests.web.test_notice_links import BEFFROI, BRUSSELS, NEW_AI, plan_new_ai

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
FLANDRES = "Immobilière Démo des Flandres (fictive)"
LINK = re.compile(r"http://127\.0\.0\.1:5000(/notice/\d+/\S+)")


@pytest.fixture
def pilotim(demo):
    return get_by_slug(demo, "pilotim")


@pytest.fixture
def dpo(sign_in, pilotim):
    return sign_in("dpo@pilotim.example.com", "dpo", pilotim)


def click_send(dpo, change_id):
    url = f"/orgs/pilotim/changes/{change_id}"
    token = CSRF.search(dpo.get(url).get_data(as_text=True)).group(1)
    return dpo.post(f"{url}/send", data={"csrf_token": token})


def pdf_text(data: bytes) -> str:
    return re.sub(r"\s+", " ", "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages))


def test_send_the_notices_mails_each_client_in_its_language_and_an_objection_by_link_blocks_the_change(
        app, client, demo, pilotim, dpo, clock, smtp_server, sign_in):
    app.config["REGISTRY_SMTP_URL"] = smtp_server.url
    today = clock.now.date()
    deadline = today + timedelta(days=30)
    change = plan_new_ai(demo, pilotim, today, sent=False)
    response = click_send(dpo, change.id)
    assert response.status_code == 302
    page = dpo.get(f"/orgs/pilotim/changes/{change.id}").get_data(as_text=True)
    assert "3 notices sent by e-mail" in page and "Send the notices" not in page
    done = deliver_all(app)
    assert [m.status for m in done] == ["sent"] * 3

    received = {m["To"]: m for m in smtp_server.messages}
    assert set(received) == {"dpo@beffroi-demo.example.com", "contact@flandres-demo.example.com",
                             "office@estates-demo.example.com"}
    assert sorted(m["Content-Language"] for m in received.values()) == ["en", "fr", "fr"]
    english = received["office@estates-demo.example.com"]
    body = english.get_body(("plain",)).get_content()
    assert english["Subject"] == f"Prior notice: change of sub-processor — {NEW_AI} (PILOTIM)"
    assert f"until {deadline.strftime('%B')} {deadline.day}, {deadline.year} inclusive" in body
    assert "Your contract sets no such period: we apply 30 days." in body
    assert BEFFROI not in body and FLANDRES not in body and "INTERNAL-reason" not in body  # its own notice only
    (pdf,) = list(english.iter_attachments())
    assert pdf.get_content_type() == "application/pdf"
    text = pdf_text(pdf.get_content())
    assert "Prior notice of a change of sub-processor" in text and BRUSSELS in text
    assert f"{deadline.strftime('%B')} {deadline.day}, {deadline.year}" in text
    for address in ("dpo@beffroi-demo.example.com", "contact@flandres-demo.example.com"):
        french = received[address]
        body_fr = french.get_body(("plain",)).get_content()
        assert french["Subject"].startswith("Information préalable : changement de sous-traitant ultérieur")
        assert "jusqu'au" in body_fr and f"{deadline.year} inclus" in body_fr
        (pdf_fr,) = list(french.iter_attachments())
        assert "Information préalable" in pdf_text(pdf_fr.get_content())

    # Each notice is recorded as sent today, and the change page lists the messages as delivered.
    demo.expire_all()
    change = demo.get(SubProcessorChange, change.id)
    assert {n.sent_on for n in change.notices} == {today} and change.status == "notified"
    assert {n.deadline for n in change.notices} == {deadline}
    page = dpo.get(f"/orgs/pilotim/changes/{change.id}").get_data(as_text=True)
    assert page.count("<td>office@estates-demo.example.com</td>") == 1 and page.count("<td>Sent · ") == 3

    # The Brussels client opens the link of its message, in English, and objects.
    path = LINK.search(body).group(1)
    link_page = client.get(path).get_data(as_text=True)
    assert '<html lang="en">' in link_page and NEW_AI in link_page
    token = CSRF.search(link_page).group(1)
    assert client.post(path, data={"answer": "object", "grounds": "US transfer", "csrf_token": token}).status_code == 302
    clock.travel_to_noon(deadline)
    dpo = sign_in("dpo@pilotim.example.com", "dpo", pilotim)
    detail = dpo.get(f"/orgs/pilotim/changes/{change.id}").get_data(as_text=True)
    blocked = dpo.post(f"/orgs/pilotim/changes/{change.id}/effective",
                       data={"on": deadline.isoformat(), "csrf_token": CSRF.search(detail).group(1)})
    assert blocked.status_code == 409
    assert f"{BRUSSELS} objected: record the DPO&#39;s decision on the objection." in blocked.get_data(as_text=True)
    demo.expire_all()
    assert demo.get(SubProcessorChange, change.id).status == "notified"
    assert audit.verify(demo).ok


def test_a_client_without_an_address_is_listed_and_left_untold(app, demo, pilotim, dpo, clock, smtp_server):
    app.config["REGISTRY_SMTP_URL"] = smtp_server.url
    flandres = demo.scalar(select(ClientController).where(ClientController.legal_name == FLANDRES))
    flandres.contact_email = flandres.dpo_email = None
    demo.commit()
    change = plan_new_ai(demo, pilotim, clock.now.date(), sent=False)
    before = dpo.get(f"/orgs/pilotim/changes/{change.id}").get_data(as_text=True)
    assert "No notice address" in before and FLANDRES in before
    assert click_send(dpo, change.id).status_code == 302
    page = dpo.get(f"/orgs/pilotim/changes/{change.id}").get_data(as_text=True)
    assert "2 notices sent by e-mail" in page and f"Not sent, no notice address: {FLANDRES}." in page
    deliver_all(app)
    assert len(smtp_server.messages) == 2
    demo.expire_all()
    sent = {n.client_id: n.sent_on for n in demo.get(SubProcessorChange, change.id).notices}
    assert sent[flandres.id] is None and sorted(v is None for v in sent.values()) == [False, False, True]
    assert "Send the notices" not in page  # the one left has no address: the button would mail nobody


def test_sending_before_the_notice_date_is_refused_and_queues_nothing(app, demo, pilotim, dpo, clock, smtp_server):
    app.config["REGISTRY_SMTP_URL"] = smtp_server.url
    change = plan_new_ai(demo, pilotim, clock.now.date() + timedelta(days=3), sent=False)
    refused = click_send(dpo, change.id)
    assert refused.status_code == 409
    assert "the notice cannot be sent before the notice date" in refused.get_data(as_text=True)
    demo.expire_all()
    assert demo.scalar(select(func.count()).select_from(MailMessage)) == 0
    assert demo.scalar(select(func.count()).select_from(ChangeNotice).where(ChangeNotice.sent_on.is_not(None))) == 0
    assert deliver_all(app) == [] and smtp_server.messages == []


def test_without_a_mail_server_the_notices_wait_in_the_outbox(app, demo, pilotim, dpo, clock):
    change = plan_new_ai(demo, pilotim, clock.now.date(), sent=False)
    assert click_send(dpo, change.id).status_code == 302
    assert [m.status for m in deliver_all(app)] == ["outbox"] * 3
    page = dpo.get(f"/orgs/pilotim/changes/{change.id}").get_data(as_text=True)
    assert page.count("<td>In the outbox — NOT sent · ") == 3
