"""Breach notices by e-mail (Art. 33(2)): each affected client controller is mailed its notice, in its language.

The notice is recorded (as the form of the breach page would record it) only when the SMTP server accepts the
message, at that time: `_record_client_notice` is the `on_sent` hook. A first notice sent after the client's deadline
needs the reasons for the delay before anything is queued (the rule of `domain.breaches.notice_problems`).
"""

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from registry import formats
from registry.domain import breaches as rules
from registry.domain import mail as mail_rules
from registry.models import Breach, BreachNoticeCreate, ClientController, MailMessage
from registry.models.base import utcnow
from registry.services import breaches as svc
from registry.services import mail

PURPOSE = "breach_notice"

SUBJECT = {
    "fr": "Notification d'une violation de données personnelles (art. 33(2) RGPD) — {org} — {reference}",
    "en": "Notification of a personal data breach (Art. 33(2) GDPR) — {org} — {reference}",
}
BODY = {
    "fr": (
        "Madame, Monsieur,\n\n"
        "En application de l'article 33(2) du RGPD et de notre contrat, {org}, sous-traitant, vous notifie une "
        "violation de données à caractère personnel qui touche des traitements effectués pour votre compte.\n\n"
        "Référence : {reference}\n"
        "Violation : {title}\n"
        "Connue de nous le : {aware_at}\n\n"
        "L'avis joint ({attachment}) décrit la nature de la violation, les catégories et le nombre approximatif "
        "de personnes et d'enregistrements concernés, ses conséquences probables et les mesures prises ou "
        "envisagées (art. 33(3)). Nous le compléterons si de nouvelles informations apparaissent (art. 33(4)).\n"
        "{late}\n"
        "Contact : {contact}\n\n"
        "Message envoyé par le registre RGPD de {org}.\n"
    ),
    "en": (
        "Dear Sir or Madam,\n\n"
        "Under Article 33(2) GDPR and our contract, {org}, as your processor, notifies you of a personal data "
        "breach affecting processing carried out on your behalf.\n\n"
        "Reference: {reference}\n"
        "Breach: {title}\n"
        "We became aware of it on: {aware_at}\n\n"
        "The attached notice ({attachment}) describes the nature of the breach, the categories and approximate "
        "number of data subjects and records concerned, its likely consequences and the measures taken or "
        "proposed (Art. 33(3)). We will complete it as further information becomes available (Art. 33(4)).\n"
        "{late}\n"
        "Contact: {contact}\n\n"
        "Message sent by the GDPR register of {org}.\n"
    ),
}
LATE = {"fr": "\nMotifs du retard (art. 33(1)) : {reason}\n", "en": "\nReasons for the delay (Art. 33(1)): {reason}\n"}
AUTO_LATE = {
    "fr": "Envoyé par courriel : remis au serveur le {queued}, accepté par lui le {sent} après {tries} essai(s).",
    "en": "Sent by e-mail: handed over on {queued}, accepted by the server on {sent} after {tries} try(ies).",
}


@dataclass
class MailRow:
    """One affected client on the breach page: where its notice goes and how far it got."""

    client: ClientController
    address: str | None
    notified_at: datetime | None  # its first notice recorded, by mail or by hand
    message: MailMessage | None  # the latest message of its notice
    late: bool = False  # its deadline has passed without a notice

    @property
    def state(self) -> str:
        if self.address is None:
            return "no_address"
        if self.notified_at is not None:
            return "notified"
        if self.message is not None and self.message.status in ("queued", "sent"):
            return self.message.status
        return "to_send"


@dataclass
class Sending:
    queued: list[MailMessage] = field(default_factory=list)
    no_address: list[ClientController] = field(default_factory=list)


def _messages_by_client(session: Session, breach: Breach) -> dict[int, MailMessage]:
    latest: dict[int, MailMessage] = {}
    for message in mail.messages_about(session, breach.organisation, "breach", breach.id):
        if message.purpose == PURPOSE:
            client_id = mail.details_of(message).get("client_id")
            if client_id is not None:
                latest[client_id] = message
    return latest


def client_mail_rows(session: Session, breach: Breach, now: datetime | None = None) -> list[MailRow]:
    """Art. 33(2): each affected client, its notice address (none: flagged), its notice and its message."""
    now = now or utcnow()
    clocks = {c.client_id: c for c in svc.breach_clocks(breach, now) if c.recipient == "client"}
    messages = _messages_by_client(session, breach)
    rows = []
    for client in breach.clients:
        clock = clocks.get(client.id)
        notified = clock.sent_at if clock else None
        # The rule of the notice form (Art. 33(1)): a first notice past its deadline owes the reasons for the delay.
        late = notified is None and any(p.code == "late_without_reason" for p in rules.notice_problems(
            clock=clock, sent_at=now, late_reason=None, aware_at=breach.aware_at, now=now))
        rows.append(MailRow(client, mail_rules.notice_address(client), notified, messages.get(client.id), late))
    return rows


def _body(breach: Breach, client: ClientController, lang: str, attachment: str, late_reason: str | None) -> str:
    org = breach.organisation
    contact = ", ".join(x for x in (org.dpo_name, org.dpo_email or org.contact_email) if x) or org.legal_name
    late = LATE[lang].format(reason=late_reason.strip()) if late_reason and late_reason.strip() else ""
    return BODY[lang].format(org=org.legal_name, reference=breach.reference, title=breach.title,
                             aware_at=formats.datetime_text(breach.aware_at, org.timezone, lang),
                             attachment=attachment, late=late, contact=contact)


def send_client_notices(session: Session, breach: Breach, actor: str, late_reason: str | None = None,
                        now: datetime | None = None) -> Sending:
    """Art. 33(2): queue the notice of every affected client not yet notified nor being mailed, at its notice
    address, in its language, with its notice PDF (rendered by the worker: `registry.jobs.breach_mail`). Clients
    without an address are returned, not skipped in silence. Refused, before anything is queued, when a notice is
    late and no reasons are given."""
    now = now or utcnow()
    rows = client_mail_rows(session, breach, now)
    late = [r.client.legal_name for r in rows if r.state == "to_send" and r.late]
    if late and not (late_reason or "").strip():
        raise rules.Refused([rules.Problem(
            "late_without_reason", "late_reason", "Art. 33(1)",
            "the notices to " + ", ".join(late) + " are sent after their deadline: give the reasons for the delay",
            "les notifications à " + ", ".join(late) + " sont envoyées après l'échéance : indiquez les motifs du "
            "retard")])
    done = Sending(no_address=[r.client for r in rows if r.state == "no_address"])
    org = breach.organisation
    for row in rows:
        if row.state != "to_send":
            continue
        client = row.client
        lang = client.language if client.language in ("fr", "en") else "fr"
        name = f"{'notification-violation' if lang == 'fr' else 'breach-notice'}-{breach.id}-{client.id}.pdf"
        reason = late_reason if row.late else None
        message = mail.queue_mail(
            session, org, to=row.address, language=lang,
            subject=mail_rules.one_line(SUBJECT[lang].format(org=org.legal_name, reference=breach.reference)),
            body=_body(breach, client, lang, name, reason), purpose=PURPOSE, actor=actor,
            related=("breach", breach.id), attachment_later=name,
            details={"breach_id": breach.id, "client_id": client.id, "phase": breach.phase,
                     "late_reason": reason.strip() if reason else None},
        )
        done.queued.append(message)
    return done


@mail.on_sent(PURPOSE)
def _record_client_notice(session: Session, message: MailMessage) -> None:
    """The server accepted the notice: record it as sent by e-mail at that time (Art. 33(2)), by who asked."""
    details = mail.details_of(message)
    breach = session.get(Breach, details.get("breach_id"))
    if breach is None or breach.organisation_id != message.organisation_id:
        return
    lang = message.language
    notice = dict(recipient="client", client_id=details.get("client_id"), sent_at=message.sent_at,
                  recipient_contact=message.to_address, channel="email",
                  phase=details.get("phase") if details.get("phase") in ("initial", "follow_up", "final") else "initial",
                  late_reason=details.get("late_reason"),
                  notes=f"E-mail #{message.id}: {message.server_answer}"[:1000])
    try:
        svc.record_notice(session, breach, BreachNoticeCreate(**notice), message.actor, now=message.sent_at)
    except rules.Refused as refused:
        if [p.code for p in refused.problems] != ["late_without_reason"]:
            raise
        # The deadline passed while the server made it wait (retries): the reason is the delivery's own record.
        notice["late_reason"] = AUTO_LATE[lang].format(
            queued=formats.datetime_text(message.created_at, breach.organisation.timezone, lang),
            sent=formats.datetime_text(message.sent_at, breach.organisation.timezone, lang), tries=message.attempts)
        svc.record_notice(session, breach, BreachNoticeCreate(**notice), message.actor, now=message.sent_at)

