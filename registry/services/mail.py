"""E-mail to people outside the register (clients' notices) and to its users (reminders): queue, then record.

`queue_mail` adds a message in the caller's transaction; its delivery is handed to the task queue only once that
transaction commits, so an action that is rolled back sends nothing. The task (`registry.jobs.mail.deliver`)
claims the message, hands it to the SMTP server (or writes it to the outbox when none is configured) and records
the outcome here; `on_sent` hooks run in the transaction that records "sent", so what depends on a message having
left (a breach notice's time, Art. 33(2)) is recorded only once the server accepted it.
"""

import json
import logging
import secrets
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy import Engine, event, func, or_, select, update
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session

from registry import clock
from registry.domain import mail as rules
from registry.domain.refusals import Message, Refused
from registry.models import MailMessage, Organisation
from registry.models.mail import RELATED_KINDS

log = logging.getLogger("registry.mail")

_PENDING = "registry.mail.pending"  # key of `session.info`: ids to hand to the queue after the commit
_FILES = "registry.mail.files"  # attachment files written in this transaction: deleted if it is rolled back
ATTACHMENTS = "mail"  # folder of the attachments, under the instance folder
MAX_ATTACHMENT_BYTES = 15 * 1024 * 1024


@dataclass(frozen=True)
class MailSetup:
    """Where an engine's app keeps its files, and how it hands a committed message to the queue."""

    instance_dir: Callable[[], Path]
    dispatch: Callable[[int], None] | None


_SETUP: "weakref.WeakKeyDictionary[Engine, MailSetup]" = weakref.WeakKeyDictionary()
# A session on an engine made outside the app (a script): the repository's instance folder, and no queue (the
# message stays queued until a worker's periodic sweep hands it over).
_OUTSIDE_THE_APP = MailSetup(lambda: Path(__file__).resolve().parents[2] / "instance", None)
_ON_SENT: dict[str, list[Callable[[Session, MailMessage], None]]] = {}


def configure(engine: Engine, instance_dir: Callable[[], Path], dispatch: Callable[[int], None] | None) -> None:
    """The app tells the mail service where its files live and how to enqueue a delivery (at start-up)."""
    _SETUP[engine] = MailSetup(instance_dir, dispatch)


def setup_of(session: Session) -> MailSetup:
    bind = session.get_bind()
    return _SETUP.get(getattr(bind, "engine", bind), _OUTSIDE_THE_APP)


def on_sent(purpose: str):
    """Register `fn(session, message)` to run when a message of this purpose is accepted by the server, in the
    transaction that marks it sent. The module defining it must be imported by the app (a service the views use)."""

    def register(fn):
        _ON_SENT.setdefault(purpose, []).append(fn)
        return fn

    return register


def _refusals(to: str, subject: str, attachment_name: str | None) -> dict[str, list[Message]]:
    errors: dict[str, list[Message]] = {}
    if rules.header_problem(to):
        errors["to"] = [Message("An e-mail address may not hold a line break or a control character (it could "
                                "add headers of its own).")]
    elif rules.address_problem(to):
        errors["to"] = [Message("“%(address)s” is not one e-mail address.", {"address": to})]
    if rules.header_problem(subject):
        errors["subject"] = [Message("A subject may not hold a line break or a control character (it could add "
                                     "headers of its own).")]
    elif not subject.strip() or len(subject) > rules.MAX_SUBJECT:
        errors["subject"] = [Message("A subject has 1 to %(max)s characters.", {"max": rules.MAX_SUBJECT})]
    if attachment_name is not None and (rules.header_problem(attachment_name) or not attachment_name.strip()
                                        or "/" in attachment_name or "\\" in attachment_name):
        errors["attachment"] = [Message("The attachment's file name may not hold a line break, a control character "
                                        "or a slash.")]
    return errors


def queue_mail(session: Session, org: Organisation, *, to: str, language: str, subject: str, body: str,
               purpose: str, actor: str, related: tuple[str, int] | None = None,
               attachment: tuple[str, bytes] | None = None, details: dict | None = None,
               attachment_later: str | None = None) -> MailMessage:
    """Add one message to send in the caller's transaction (flush only); it leaves once that transaction commits.

    `attachment_later` names a PDF the worker renders at the first try (`registry.jobs.mail.attachment_maker` for
    the purpose, from `details`), so that a click that mails fifty clients does not wait for fifty renders.
    Refused, naming the field, when the address or subject holds a line break (header injection) or the address
    is not one address. Arts. 28(2) and 33(2) notices and the reminders all come through here.
    """
    to = (to or "").strip()
    errors = _refusals(to, subject or "", attachment[0] if attachment else attachment_later)
    if errors:
        raise Refused(errors)
    if language not in ("fr", "en"):
        raise ValueError(f"language {language!r}: fr or en")
    if related is not None and related[0] not in RELATED_KINDS:
        raise ValueError(f"related kind {related[0]!r}: one of {', '.join(RELATED_KINDS)}")
    if attachment is not None and len(attachment[1]) > MAX_ATTACHMENT_BYTES:
        raise Refused({"attachment": [Message("The attachment is larger than %(mb)s MB.",
                                              {"mb": MAX_ATTACHMENT_BYTES // (1024 * 1024)})]})
    message = MailMessage(
        organisation_id=org.id, to_address=to, language=language, subject=subject, body=body, purpose=purpose,
        actor=actor, related_kind=related[0] if related else None, related_id=related[1] if related else None,
        details=json.dumps(details, sort_keys=True, ensure_ascii=False, default=str) if details is not None else None,
        status="queued", attempts=0, next_attempt_at=clock.now(),
    )
    if attachment is not None:
        name, data = attachment
        relative = f"{ATTACHMENTS}/{org.id}/{secrets.token_hex(12)}.pdf"
        target = setup_of(session).instance_dir() / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        session.info.setdefault(_FILES, []).append(target)
        message.attachment_name, message.attachment_path = name, relative
    elif attachment_later is not None:
        message.attachment_name = attachment_later
    session.add(message)
    session.flush()
    session.info.setdefault(_PENDING, []).append(message.id)
    return message


@event.listens_for(OrmSession, "after_commit")
def _dispatch_after_commit(session: OrmSession) -> None:
    session.info.pop(_FILES, None)
    ids = session.info.pop(_PENDING, None)
    if not ids:
        return
    dispatch = setup_of(session).dispatch
    if dispatch is None:
        return
    for message_id in ids:
        try:
            dispatch(message_id)
        except Exception:  # committed: the periodic sweep hands it over later; the action must not fail now
            log.exception("mail %s not handed to the queue after commit (the sweep will retry)", message_id)


@event.listens_for(OrmSession, "after_transaction_end")
def _forget_after_rollback(session: OrmSession, transaction) -> None:
    # The outermost transaction ended without its commit (after_commit pops both first): nothing is sent, and the
    # attachments written for it go.
    if transaction.parent is not None:
        return
    session.info.pop(_PENDING, None)
    for path in session.info.pop(_FILES, None) or ():
        Path(path).unlink(missing_ok=True)


# ---- delivery (the task's side) ----

def claim(session: Session, message_id: int, lease_seconds: int, force: bool = False) -> MailMessage | None:
    """Take a queued message whose time has come for one try (counted), or None when it is not queued, not due, or
    another worker holds it: the conditional update lets one worker only send it."""
    now = clock.now()
    condition = [MailMessage.id == message_id, MailMessage.status == "queued"]
    if not force:
        # A second of tolerance: the queue's timer and the register's clock are read apart.
        condition.append(or_(MailMessage.next_attempt_at.is_(None),
                             MailMessage.next_attempt_at <= now + timedelta(seconds=1)))
    done = session.execute(
        update(MailMessage).where(*condition)
        .values(attempts=MailMessage.attempts + 1, next_attempt_at=now + timedelta(seconds=lease_seconds))
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:
        return None
    message = session.get(MailMessage, message_id, populate_existing=True)
    return message


def keep_attachment(session: Session, message: MailMessage, data: bytes) -> None:
    """The worker rendered the attachment of an `attachment_later` message: kept beside the others, once."""
    relative = f"{ATTACHMENTS}/{message.organisation_id}/{secrets.token_hex(12)}.pdf"
    target = setup_of(session).instance_dir() / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    message.attachment_path = relative
    session.add(message)
    session.flush()


def mark_sent(session: Session, message: MailMessage, answer: str) -> None:
    """The server accepted the message: record it, then what depends on it (the `on_sent` hooks), at once."""
    message.status, message.sent_at, message.next_attempt_at = "sent", clock.now(), None
    message.server_answer = answer[:1000]
    session.add(message)
    session.flush()
    for hook in _ON_SENT.get(message.purpose, ()):
        try:
            with session.begin_nested():
                hook(session, message)
        except Exception as exc:  # the message has left: it stays "sent", and the page says what was not recorded
            log.exception("mail %s sent, but its %s hook failed", message.id, getattr(hook, "__name__", hook))
            message.server_answer = f"{answer} (sent; recording it failed: {type(exc).__name__}: {exc})"[:1000]
            session.add(message)
    session.flush()


def mark_outbox(session: Session, message: MailMessage, where: str) -> None:
    """No SMTP server is configured: the message waits in the outbox folder. It was not sent."""
    message.status, message.next_attempt_at = "outbox", None
    message.server_answer = f"no SMTP server configured (REGISTRY_SMTP_URL): kept as {where} in the outbox folder"[:1000]
    session.add(message)
    session.flush()


def mark_retry(session: Session, message: MailMessage, answer: str, delay_seconds: int) -> None:
    """A temporary failure (4xx, lost connection): queued again for a later try."""
    message.status, message.server_answer = "queued", answer[:1000]
    message.next_attempt_at = clock.now() + timedelta(seconds=delay_seconds)
    session.add(message)
    session.flush()


def mark_failed(session: Session, message: MailMessage, answer: str) -> None:
    """A 5xx answer, or the last try spent: the message will not be sent; the dashboard shows it."""
    message.status, message.server_answer, message.next_attempt_at = "failed", answer[:1000], None
    session.add(message)
    session.flush()


def send_again(session: Session, org: Organisation, message: MailMessage, actor: str) -> bool:
    """A DPO asks for another try of a message not delivered (or kept in the outbox, once a server is configured):
    queued again with its tries counted from zero, handed to the queue when the caller commits, and audited (the
    previous answer and tries stay in the trail). False when the message is on its way or sent already."""
    from registry import audit

    if message.organisation_id != org.id or message.status not in ("failed", "outbox"):
        return False
    before = audit.snapshot(message)
    message.status, message.attempts, message.next_attempt_at = "queued", 0, clock.now()
    session.add(message)
    session.flush()
    audit.record(session, actor, "update", message, organisation_slug=org.slug, before=before,
                 after=audit.snapshot(message))
    session.info.setdefault(_PENDING, []).append(message.id)
    return True


def due_for_sweep(session: Session, grace_seconds: int) -> list[int]:
    """Queued messages whose time passed `grace_seconds` ago: their hand-over to the queue was lost (a restart, the
    queue unreachable at the commit) or their worker died holding them."""
    limit = clock.now() - timedelta(seconds=grace_seconds)
    return list(session.execute(
        select(MailMessage.id).where(MailMessage.status == "queued",
                                     or_(MailMessage.next_attempt_at.is_(None), MailMessage.next_attempt_at <= limit))
        .order_by(MailMessage.id)
    ).scalars())


# ---- reading ----

def messages_of(session: Session, org: Organisation, status: str | None = None, limit: int = 200) -> list[MailMessage]:
    """The organisation's messages, newest first (the Outbox page)."""
    query = select(MailMessage).where(MailMessage.organisation_id == org.id)
    if status:
        query = query.where(MailMessage.status == status)
    return list(session.execute(query.order_by(MailMessage.id.desc()).limit(limit)).scalars())


def messages_about(session: Session, org: Organisation | int, kind: str, record_id: int) -> list[MailMessage]:
    """The messages about one record (its history), oldest first; `org` the organisation or its id."""
    org_id = org if isinstance(org, int) else org.id
    return list(session.execute(
        select(MailMessage).where(MailMessage.organisation_id == org_id, MailMessage.related_kind == kind,
                                  MailMessage.related_id == record_id).order_by(MailMessage.id)
    ).scalars())


def count_failed(session: Session, org: Organisation) -> int:
    """Messages not delivered (the dashboard's warning)."""
    return session.execute(select(func.count()).select_from(MailMessage).where(
        MailMessage.organisation_id == org.id, MailMessage.status == "failed")).scalar_one()


def get_message(session: Session, org: Organisation, message_id: int) -> MailMessage | None:
    message = session.get(MailMessage, message_id)
    return message if message is not None and message.organisation_id == org.id else None


def details_of(message: MailMessage) -> dict:
    return json.loads(message.details) if message.details else {}
