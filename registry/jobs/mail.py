"""The delivery task: one message to the SMTP server (or to the outbox folder), retried with doubling back-off.

`deliver(message_id)` is queued after the commit that added the message (`services.mail.queue_mail`). A try
claims the message (one worker only), builds it once as an .eml file (the same bytes on every try, so the same
Message-ID), hands it over and records the outcome: sent (with the server's answer; the `on_sent` hooks run in that
transaction), queued again after a 4xx or a lost connection (REGISTRY_MAIL_RETRY_SECONDS, doubled each time, at
most REGISTRY_MAIL_RETRIES tries), failed after a 5xx. Without REGISTRY_SMTP_URL the message stays in the outbox
folder with status "outbox": nothing left the machine. A worker that dies between the server's acceptance and the
record leaves the message queued: the sweep sends it again (at least once, never lost).
"""

import logging
import weakref
from email import policy
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask
from huey import crontab
from sqlmodel import Session

from registry import clock, config
from registry.domain import mail as rules
from registry.jobs import smtp
from registry.jobs.queue import bound_app, engine_of, huey
from registry.models import MailMessage
from registry.services import mail as service

log = logging.getLogger("registry.mail")

SWEEP_GRACE_SECONDS = 60


def outbox_dir(app: Flask) -> Path:
    """Where each message's .eml file is kept: REGISTRY_OUTBOX_DIR, else instance/outbox/."""
    return Path(app.config.get("REGISTRY_OUTBOX_DIR") or Path(app.instance_path) / "outbox")


def eml_path(app: Flask, message: MailMessage) -> Path:
    return outbox_dir(app) / f"{message.id}.eml"


def _envelope_sender(app: Flask) -> str:
    """The address inside REGISTRY_MAIL_FROM ("Registre <registre@example.org>" or a bare address)."""
    return parseaddr(config.mail_from(app.config))[1] or config.mail_from(app.config)


def message_bytes(app: Flask, message: MailMessage) -> bytes:
    """The message as it is (or was) handed over: built once, then read back from its .eml file."""
    path = eml_path(app, message)
    if path.exists():
        return path.read_bytes()
    attachment = None
    if message.attachment_path:
        attachment = (message.attachment_name or "document.pdf",
                      (Path(app.instance_path) / message.attachment_path).read_bytes())
    built = rules.build_message(sender=config.mail_from(app.config), to=message.to_address, subject=message.subject,
                                body=message.body, language=message.language, sent_at=clock.now(),
                                domain=_envelope_sender(app).rpartition("@")[2] or "localhost",
                                attachment=attachment)
    data = built.as_bytes(policy=policy.SMTP)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    partial.write_bytes(data)
    partial.replace(path)
    return data


def deliver_now(app: Flask, message_id: int, force: bool = False) -> tuple[str, int | None] | None:
    """One try of one message in this process: returns (status, seconds before the next try or None), or None when
    the message was not claimed (not queued, not due, held by another worker). `force` ignores the time of the next
    try (the tests' `deliver_all`)."""
    timeout = app.config["REGISTRY_SMTP_TIMEOUT"]
    with app.app_context(), Session(engine_of(app), expire_on_commit=False) as session:
        message = service.claim(session, message_id, lease_seconds=3 * timeout + 30, force=force)
        session.commit()
        if message is None:
            return None
        try:
            data = message_bytes(app, message)
        except (OSError, ValueError) as exc:
            log.exception("mail %s could not be built", message_id)
            service.mark_failed(session, message, f"not built: {type(exc).__name__}: {exc}")
            session.commit()
            return "failed", None
        url = app.config.get("REGISTRY_SMTP_URL")
        if not url:
            service.mark_outbox(session, message, eml_path(app, message).name)
            session.commit()
            return "outbox", None
        settings = rules.parse_smtp_url(url)
        try:
            answer = smtp.send(settings, _envelope_sender(app), message.to_address, data, timeout,
                               local_hostname=urlsplit(config.base_url(app.config)).hostname)
        except smtp.Permanent as exc:
            service.mark_failed(session, message, exc.answer)
            session.commit()
            log.warning("mail %s failed: %s", message_id, exc.answer)
            return "failed", None
        except smtp.Temporary as exc:
            if message.attempts >= app.config["REGISTRY_MAIL_RETRIES"]:
                service.mark_failed(session, message, f"{exc.answer} (after {message.attempts} tries)")
                session.commit()
                log.warning("mail %s failed after %s tries: %s", message_id, message.attempts, exc.answer)
                return "failed", None
            delay = rules.retry_delay(message.attempts, app.config["REGISTRY_MAIL_RETRY_SECONDS"])
            service.mark_retry(session, message, exc.answer, delay)
            session.commit()
            return "queued", delay
        service.mark_sent(session, message, answer)
        session.commit()
        return "sent", None


@huey.task()
def deliver(message_id: int) -> None:
    """One try of one message; a temporary failure schedules the next one."""
    outcome = deliver_now(bound_app(), message_id)
    if outcome is not None and outcome[1] is not None:
        deliver.schedule((message_id,), delay=outcome[1])


def sweep(app: Flask) -> list[int]:
    """Hand over again the queued messages whose try is overdue (lost hand-over, dead worker)."""
    with app.app_context(), Session(engine_of(app)) as session:
        ids = service.due_for_sweep(session, SWEEP_GRACE_SECONDS)
    for message_id in ids:
        deliver(message_id)
    return ids


@huey.periodic_task(crontab(minute="*"))
def resend_waiting_mail() -> None:
    sweep(bound_app())


def enqueue(message_id: int) -> None:
    """After the commit that added the message: send it to the workers."""
    deliver(message_id)


def init_mail(app: Flask) -> None:
    """Tell the mail service where this app's files are and to enqueue committed messages on the task queue."""
    ref = weakref.ref(app)

    def instance_dir() -> Path:
        return Path(ref().instance_path)

    service.configure(app.extensions["registry.engine"], instance_dir, enqueue)
