"""Mail through the real task queue: a committed message is delivered by a worker, a 4xx answer retried by it."""

import time

from sqlmodel import Session

from registry.models import MailMessage, Organisation
from registry.services import mail


def _wait_for(app, message_id: int, status: str, seconds: float = 20) -> MailMessage:
    deadline = time.monotonic() + seconds
    with Session(app.extensions["registry.engine"]) as session:
        while True:
            message = session.get(MailMessage, message_id, populate_existing=True)
            if message.status == status or time.monotonic() > deadline:
                return message
            session.rollback()
            time.sleep(0.1)


def test_a_committed_message_is_delivered_by_a_worker_and_a_4xx_retried(app, consumer, smtp_server):
    app.config.update(REGISTRY_SMTP_URL=smtp_server.url, REGISTRY_MAIL_RETRY_SECONDS=1)
    smtp_server.answer_with("451 4.3.0 Try again later", times=1)
    with Session(app.extensions["registry.engine"], expire_on_commit=False) as session:
        org = Organisation(slug="acme", legal_name="ACME", country="FR")
        session.add(org)
        session.flush()
        message = mail.queue_mail(session, org, to="dpo@client.example.com", language="en", subject="Notice",
                                  body="Hello.\n", purpose="test_queue", actor="dpo@acme.example.com")
        session.commit()
    done = _wait_for(app, message.id, "sent")
    assert (done.status, done.attempts) == ("sent", 2)
    assert [m["Subject"] for m in smtp_server.messages] == ["Notice"]
