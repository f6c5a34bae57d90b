"""The mail core against a real SMTP server on 127.0.0.1: what it receives, what the register records."""

import email
from datetime import timedelta
from email import policy
from pathlib import Path

import pytest
from sqlmodel import select

from registry.domain.refusals import Refused
from registry.jobs import mail as mail_jobs
from registry.models import MailMessage, Organisation
from registry.services import mail
from tests.mail import deliver_all

SEEN: list[tuple[int, str]] = []


@mail.on_sent("test_notice")
def _record_the_sending(session, message):
    # Runs in the transaction that marks the message sent: it sees the status it is about to commit.
    SEEN.append((message.id, session.get(MailMessage, message.id).status))


@pytest.fixture
def org(session):
    SEEN.clear()
    org = Organisation(slug="acme", legal_name="ACME", country="FR")
    session.add(org)
    session.commit()
    return org


def _queue(session, org, **overrides):
    values = dict(to="dpo@client.example.com", language="fr", subject="Avis de violation — ACME",
                  body="Madame, Monsieur,\nVeuillez trouver l’avis ci-joint.\n", purpose="test_notice",
                  actor="dpo@acme.example.com", related=("breach", 7), attachment=("avis-violation.pdf", b"%PDF-1.7\n"))
    values.update(overrides)
    return mail.queue_mail(session, org, **values)


def test_a_queued_message_reaches_the_smtp_server_in_its_language_with_its_pdf(app, session, org, smtp_server):
    app.config["REGISTRY_SMTP_URL"] = smtp_server.url
    app.config["REGISTRY_MAIL_FROM"] = "Registre ACME <registre@acme.example.com>"
    message = _queue(session, org)
    session.commit()
    (done,) = deliver_all(app)
    (received,) = smtp_server.messages
    assert smtp_server.envelopes == [("registre@acme.example.com", ["dpo@client.example.com"])]
    assert received["To"] == "dpo@client.example.com" and received["Subject"] == "Avis de violation — ACME"
    assert received["Content-Language"] == "fr"
    assert "Veuillez trouver l’avis ci-joint." in received.get_body(("plain",)).get_content()
    (pdf,) = list(received.iter_attachments())
    assert pdf.get_filename() == "avis-violation.pdf" and pdf.get_content() == b"%PDF-1.7\n"
    assert (done.id, done.status, done.attempts) == (message.id, "sent", 1)
    assert done.server_answer.startswith("250") and done.sent_at is not None
    assert SEEN == [(message.id, "sent")]
    # The same bytes are kept for the Outbox page.
    kept = email.message_from_bytes(mail_jobs.eml_path(app, done).read_bytes(), policy=policy.default)
    assert kept["Message-ID"] == received["Message-ID"]


def test_without_smtp_the_message_waits_in_the_outbox_and_is_not_sent(app, session, org):
    assert app.config["REGISTRY_SMTP_URL"] is None
    _queue(session, org, to="contact@client.example.com", language="en", subject="Breach notice",
           body="Dear DPO,\nplease find the notice attached.\n")
    session.commit()
    (done,) = deliver_all(app)
    assert done.status == "outbox" and done.sent_at is None and "REGISTRY_SMTP_URL" in done.server_answer
    assert SEEN == []  # not sent: what waits for the sending is not recorded
    path = Path(app.instance_path) / "outbox" / f"{done.id}.eml"
    kept = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    assert kept["To"] == "contact@client.example.com" and kept["Content-Language"] == "en"
    assert [p.get_filename() for p in kept.iter_attachments()] == ["avis-violation.pdf"]


def test_a_5xx_answer_fails_the_message_with_the_servers_words(app, session, org, smtp_server):
    app.config["REGISTRY_SMTP_URL"] = smtp_server.url
    smtp_server.answer_with("550 5.1.1 Mailbox unavailable")
    _queue(session, org)
    session.commit()
    (done,) = deliver_all(app)
    assert done.status == "failed" and done.attempts == 1 and done.sent_at is None
    assert "550 5.1.1 Mailbox unavailable" in done.server_answer
    assert SEEN == [] and smtp_server.messages == []
    assert mail.count_failed(session, org) == 1


def test_a_4xx_answer_is_tried_again_later_then_sent(app, session, org, smtp_server, clock):
    app.config.update(REGISTRY_SMTP_URL=smtp_server.url, REGISTRY_MAIL_RETRY_SECONDS=60)
    smtp_server.answer_with("451 4.3.0 Try again later", times=2)
    message = _queue(session, org)
    session.commit()
    first = mail_jobs.deliver_now(app, message.id)
    assert first == ("queued", 60)
    (waiting,) = session.exec(select(MailMessage).execution_options(populate_existing=True)).all()
    assert waiting.attempts == 1 and "451 4.3.0" in waiting.server_answer
    assert waiting.next_attempt_at == clock.now + timedelta(seconds=60)
    assert mail_jobs.deliver_now(app, message.id) is None  # not due yet
    clock.now = clock.now + timedelta(seconds=61)
    assert mail_jobs.deliver_now(app, message.id) == ("queued", 120)  # doubled
    (done,) = deliver_all(app)
    assert (done.status, done.attempts) == ("sent", 3) and len(smtp_server.messages) == 1


def test_temporary_failures_end_failed_after_the_last_try(app, session, org, smtp_server):
    app.config.update(REGISTRY_SMTP_URL=smtp_server.url, REGISTRY_MAIL_RETRIES=3)
    smtp_server.answer_with("421 4.7.0 Too busy")
    _queue(session, org)
    session.commit()
    (done,) = deliver_all(app)
    assert (done.status, done.attempts) == ("failed", 3) and "after 3 tries" in done.server_answer


def test_an_unreachable_server_is_a_temporary_failure(app, session, org, smtp_server):
    app.config["REGISTRY_SMTP_URL"] = f"smtp://127.0.0.1:{smtp_server.port}"
    message = _queue(session, org)
    session.commit()
    app.config["REGISTRY_SMTP_URL"] = "smtp://127.0.0.1:1"  # nothing listens there
    assert mail_jobs.deliver_now(app, message.id)[0] == "queued"


def test_a_rolled_back_action_sends_nothing(app, session, org, smtp_server):
    app.config["REGISTRY_SMTP_URL"] = smtp_server.url
    handed: list[int] = []
    mail.configure(app.extensions["registry.engine"], lambda: Path(app.instance_path), handed.append)
    message = _queue(session, org)
    attachment = Path(app.instance_path) / message.attachment_path
    assert attachment.exists()
    session.rollback()
    assert deliver_all(app) == [] and smtp_server.messages == [] and handed == []
    assert not attachment.exists()
    kept = _queue(session, org)
    session.commit()
    assert handed == [kept.id]  # handed to the queue once committed, not before


def test_a_message_is_claimed_by_one_worker_only(app, session, org):
    message = _queue(session, org)
    session.commit()
    assert mail.claim(session, message.id, lease_seconds=120) is not None
    session.commit()
    assert mail.claim(session, message.id, lease_seconds=120) is None


@pytest.mark.parametrize(("field", "overrides"), [
    ("to", {"to": "dpo@client.example.com\r\nBcc: everyone@example.org"}),
    ("to", {"to": "dpo@client.example.com, other@example.org"}),
    ("subject", {"subject": "Avis\nBcc: everyone@example.org"}),
    ("attachment", {"attachment": ("avis.pdf\r\nX-Evil: 1", b"%PDF")}),
])
def test_header_injection_is_refused_at_its_field_and_nothing_is_queued(app, session, org, field, overrides):
    with pytest.raises(Refused) as refused:
        _queue(session, org, **overrides)
    assert list(refused.value.errors) == [field]
    session.rollback()
    assert session.exec(select(MailMessage)).all() == []


def test_the_sweep_hands_over_again_the_messages_whose_hand_over_was_lost(app, session, org, clock):
    message = _queue(session, org)
    session.commit()
    assert mail.due_for_sweep(session, 60) == []
    clock.now = clock.now + timedelta(seconds=61)
    assert mail.due_for_sweep(session, 60) == [message.id]


def test_an_unusable_smtp_url_or_sender_stops_the_start_with_the_setting_named():
    from registry import config

    with pytest.raises(config.ConfigError, match="REGISTRY_SMTP_URL must start with"):
        config.check({"REGISTRY_ENV": "development", "REGISTRY_SMTP_URL": "http://mail.example.org"})
    with pytest.raises(config.ConfigError, match="REGISTRY_MAIL_FROM holds a line break"):
        config.check({"REGISTRY_ENV": "development", "REGISTRY_MAIL_FROM": "a@example.org\nBcc: b@example.org"})
    assert config.mail_from({"REGISTRY_BASE_URL": "https://registre.example.org"}) == "noreply@registre.example.org"
