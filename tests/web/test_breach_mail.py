"""Breach notices by e-mail (Art. 33(2)): each affected client gets its notice, in its language, with its PDF, at
its notice address; the notice is recorded when the server accepts it; the Outbox, the dashboard and the history."""

import email
import re
from datetime import timedelta
from email import policy

import pytest
from sqlalchemy import select

from registry.domain.mail import notice_address
from registry.models import BreachNotice, MailMessage
from tests.mail import deliver_all
from tests.web.test_breach_pages import (  # noqa: F401
    BASE,
    TOKEN,
    dpo,
    field_error,
    now,
    ovh,
    pdf_text,
    pilotim,
    record,
    text,
)

SUBJECTS = {"fr": "Notification d'une violation de données personnelles", "en": "Notification of a personal data breach"}


def send(client, breach, **data):
    token = TOKEN.search(client.get(f"{BASE}/{breach.id}").get_data(as_text=True)).group(1)
    return client.post(f"{BASE}/{breach.id}/mail-notices", data={"csrf_token": token, **data})


def notices(session, breach) -> list[BreachNotice]:
    session.expire_all()
    return list(session.scalars(select(BreachNotice).where(BreachNotice.breach_id == breach.id)
                                .order_by(BreachNotice.client_id)))


def test_a_breachs_client_notices_reach_each_client_in_its_language_with_its_pdf_and_their_time_is_recorded(
        app, dpo, demo, pilotim, ovh, smtp_server):  # noqa: F811
    app.config["REGISTRY_SMTP_URL"] = smtp_server.url
    breach = record(demo, pilotim, ovh)
    clients = list(breach.clients)
    assert sorted(c.language for c in clients) == ["en", "fr", "fr"]
    response = send(dpo, breach)
    assert response.status_code == 302
    assert notices(demo, breach) == []  # queued, not sent: nothing is recorded before the server accepts it
    messages = deliver_all(app)
    assert [m.status for m in messages] == ["sent"] * 3
    received = {m["To"]: m for m in smtp_server.messages}
    assert set(received) == {notice_address(c) for c in clients}
    for client in clients:
        message = received[notice_address(client)]
        assert message["Content-Language"] == client.language
        assert message["Subject"].startswith(SUBJECTS[client.language])
        assert breach.reference in message.get_body(("plain",)).get_content()
        (pdf,) = list(message.iter_attachments())
        assert pdf.get_content_type() == "application/pdf" and client.legal_name in pdf_text(pdf.get_content())
    recorded = notices(demo, breach)
    sent_at = {m.to_address: m.sent_at for m in messages}
    assert sorted(n.client_id for n in recorded) == sorted(c.id for c in clients)
    for notice in recorded:
        assert notice.recipient == "client" and notice.channel == "email"
        assert notice.sent_at == sent_at[notice.recipient_contact]
    page = text(dpo.get(f"{BASE}/{breach.id}"))
    assert page.count("Notified") >= 3 and "E-mail sent" in page  # the history lists every message
    again = dpo.get(send(dpo, breach).headers["Location"])
    assert "No notice to send" in text(again) and len(deliver_all(app)) == 3  # nothing sent twice


def test_a_client_without_a_notice_address_is_flagged_and_listed_not_skipped_in_silence(
        app, dpo, demo, pilotim, ovh, smtp_server):  # noqa: F811
    app.config["REGISTRY_SMTP_URL"] = smtp_server.url
    breach = record(demo, pilotim, ovh)
    silent = breach.clients[0]
    silent.dpo_email = silent.contact_email = None
    demo.commit()
    page = text(dpo.get(f"{BASE}/{breach.id}"))
    mail_section = page[page.index('id="mail"'):]
    assert "No notice address" in mail_section[:mail_section.index(silent.legal_name) + 600]
    done = dpo.get(send(dpo, breach).headers["Location"])
    assert f"No notice address (the DPO's or contact's e-mail) for: {silent.legal_name}" in text(done)
    assert len(deliver_all(app)) == 2 and silent.legal_name not in {m["To"] for m in smtp_server.messages}


def test_a_late_notice_needs_its_reasons_before_anything_is_sent(app, dpo, demo, pilotim, ovh, smtp_server):  # noqa: F811
    app.config["REGISTRY_SMTP_URL"] = smtp_server.url
    breach = record(demo, pilotim, ovh, aware_at=now() - timedelta(hours=100))  # "without undue delay" or 24-72 h
    for client in breach.clients:
        client.breach_notice_hours, client.breach_notice_undue_delay = 48, False
    demo.commit()
    refused = send(dpo, breach)
    assert refused.status_code == 422 and "give the reasons for the delay" in field_error(refused, "late_reason")
    assert demo.scalars(select(MailMessage)).all() == [] and deliver_all(app) == []
    send(dpo, breach, late_reason="L'hébergeur ne nous a prévenus qu'au quatrième jour.")
    deliver_all(app)
    assert {n.late_reason for n in notices(demo, breach)} == {"L'hébergeur ne nous a prévenus qu'au quatrième jour."}
    assert all("quatrième jour" in m.get_body(("plain",)).get_content() for m in smtp_server.messages)


def test_without_smtp_the_outbox_holds_the_same_messages_and_nothing_is_recorded_as_sent(
        app, dpo, demo, pilotim, ovh, sign_in):  # noqa: F811
    breach = record(demo, pilotim, ovh)
    done = dpo.get(send(dpo, breach).headers["Location"])
    assert "are NOT sent" in text(done)
    messages = deliver_all(app)
    assert [m.status for m in messages] == ["outbox"] * 3 and notices(demo, breach) == []
    outbox = text(dpo.get("/orgs/pilotim/mail/"))
    assert outbox.count('class="badge badge-mail-outbox"') == 3 and "is NOT sent" in outbox
    for message, client in zip(messages, sorted(breach.clients, key=lambda c: c.id), strict=True):
        eml = dpo.get(f"/orgs/pilotim/mail/{message.id}.eml")
        kept = email.message_from_bytes(eml.get_data(), policy=policy.default)
        assert kept["To"] == notice_address(client) and kept["Content-Language"] == client.language
        assert [p.get_content_type() for p in kept.iter_attachments()] == ["application/pdf"]
        page = text(dpo.get(f"/orgs/pilotim/mail/{message.id}"))
        assert breach.reference in page and "this message was not sent" in page
    assert "E-mail in the outbox (not sent)" in text(dpo.get(f"{BASE}/{breach.id}"))


@pytest.mark.parametrize("role", ["auditor", "dpo", "admin"])
def test_the_outbox_is_for_dpos_and_admins_only(app, demo, pilotim, sign_in, role):  # noqa: F811
    client = sign_in(f"{role}@outbox.example.com", role, pilotim)
    expected = 403 if role == "auditor" else 200
    assert client.get("/orgs/pilotim/mail/").status_code == expected
    assert ("Outbox" in text(client.get("/orgs/pilotim/"))) == (role != "auditor")


def test_a_5xx_answer_fails_the_message_and_the_dashboard_shows_it(app, dpo, demo, pilotim, ovh, smtp_server):  # noqa: F811
    app.config["REGISTRY_SMTP_URL"] = smtp_server.url
    smtp_server.answer_with("550 5.1.1 <dpo@client.example.com>: Recipient address rejected")
    breach = record(demo, pilotim, ovh)
    send(dpo, breach)
    assert {m.status for m in deliver_all(app)} == {"failed"} and notices(demo, breach) == []
    board = dpo.get("/orgs/pilotim/").get_data(as_text=True)
    section = board[board.index('id="board-mail"'):]
    assert "Messages not delivered" in section and "Recipient address rejected" in section
    assert re.search(r'href="/orgs/pilotim/mail/\?status=failed"', section)
    page = text(dpo.get(f"{BASE}/{breach.id}"))
    assert "Not delivered" in page and "E-mail not delivered" in page


def test_a_message_not_delivered_can_be_sent_again_once_and_the_notice_is_then_recorded(
        app, dpo, demo, pilotim, ovh, smtp_server):  # noqa: F811
    from registry.models import AuditEntry

    app.config["REGISTRY_SMTP_URL"] = smtp_server.url
    smtp_server.answer_with("451 4.3.0 Mail server temporarily unavailable", times=3)  # then it accepts
    app.config["REGISTRY_MAIL_RETRIES"] = 1  # the one try is the last: each of the three messages fails
    breach = record(demo, pilotim, ovh)
    send(dpo, breach)
    failed = [m for m in deliver_all(app) if m.status == "failed"]
    assert len(failed) == 3 and notices(demo, breach) == []
    message = failed[0]
    page = dpo.get(f"/orgs/pilotim/mail/{message.id}").get_data(as_text=True)
    assert "Send again</button>" in page
    token = TOKEN.search(page).group(1)
    again = dpo.post(f"/orgs/pilotim/mail/{message.id}/send-again", data={"csrf_token": token})
    assert again.status_code == 302
    page = dpo.get(f"/orgs/pilotim/mail/{message.id}").get_data(as_text=True)
    assert "The message is on its way again." in page and "Send again</button>" not in page
    demo.expire_all()
    assert demo.get(MailMessage, message.id).status == "queued"
    trail = demo.scalars(select(AuditEntry).where(AuditEntry.record_type == "mail_message",
                                                  AuditEntry.record_id == message.id)).all()
    assert [(e.actor, e.action) for e in trail] == [("dpo@breach.example.com", "update")]
    assert {m.id: m.status for m in deliver_all(app)}[message.id] == "sent"
    assert len(notices(demo, breach)) == 1  # the notice of that one client is recorded as given
    # Sent now: asking again changes nothing.
    again = dpo.post(f"/orgs/pilotim/mail/{message.id}/send-again", data={"csrf_token": token}, follow_redirects=True)
    assert "it is not sent again" in again.get_data(as_text=True)
    assert len(smtp_server.messages) == 1


def test_a_notice_whose_client_left_the_breach_before_its_pdf_was_made_is_not_delivered_and_says_why(
        app, dpo, demo, pilotim, ovh, smtp_server):  # noqa: F811
    app.config["REGISTRY_SMTP_URL"] = smtp_server.url
    breach = record(demo, pilotim, ovh)
    send(dpo, breach)
    gone = breach.clients[0]
    breach.clients.remove(gone)
    demo.commit()
    by_address = {m.to_address: m for m in deliver_all(app)}
    failed = by_address[notice_address(gone)]
    assert failed.status == "failed" and "no longer among the clients affected" in failed.server_answer
    assert len(smtp_server.messages) == 2 and {n.client_id for n in notices(demo, breach)} == {c.id for c in breach.clients}
