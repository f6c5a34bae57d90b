"""Change notices by e-mail (Art. 28(2)): one message per affected client, in its language, at its notice address,
with its own deadline, its notice PDF attached and the link to its answer page. Plain text, no user HTML."""

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlmodel import Session

from registry.domain import mail as mail_rules
from registry.domain.notice_links import link_expires_on
from registry.domain.refusals import Message
from registry.formats import date_text
from registry.models import ClientController, Organisation, SubProcessorChange
from registry.pdf.changes import notice_pdf
from registry.services import changes as svc
from registry.services import mail

PURPOSE = "change_notice"
WORDS = {
    "fr": {
        "subject": "Information préalable : changement de sous-traitant ultérieur — {sp} ({org})",
        "kinds": {"add": "ajout du sous-traitant ultérieur {sp}", "replace": "remplacement de {old} par {sp}",
                  "remove": "fin du recours au sous-traitant ultérieur {sp}",
                  "change_locations": "modification des lieux de traitement de {sp}"},
        "body": ("Madame, Monsieur,\n\n"
                 "Conformément à l'article 28(2) du RGPD et à notre contrat{contract}, {org} vous informe du "
                 "changement envisagé suivant : {kind}.\n\n"
                 "Vous disposez de {days} jours à compter de ce jour, soit jusqu'au {deadline} inclus, pour présenter "
                 "vos objections.{default}\n\n"
                 "Le détail (activités concernées, identité et coordonnées du sous-traitant, lieux de traitement, "
                 "garanties des transferts) figure dans l'avis joint, {file}.\n\n"
                 "Pour prendre acte de ce changement ou vous y opposer en indiquant vos motifs, ouvrez ce lien "
                 "personnel (valable jusqu'au {expires}) :\n{link}\n\n"
                 "Pour toute question : {contact}\n\n"
                 "{org}\n"),
        "contract": " (réf. {ref})",
        "default": " Votre contrat ne fixe pas ce délai : nous appliquons {days} jours.",
        "file": "avis-changement-{change}-{client}.pdf",
    },
    "en": {
        "subject": "Prior notice: change of sub-processor — {sp} ({org})",
        "kinds": {"add": "the addition of the sub-processor {sp}", "replace": "the replacement of {old} by {sp}",
                  "remove": "the end of the use of the sub-processor {sp}",
                  "change_locations": "a change of the processing locations of {sp}"},
        "body": ("Dear Sir or Madam,\n\n"
                 "In accordance with Article 28(2) GDPR and our contract{contract}, {org} informs you of the "
                 "following intended change: {kind}.\n\n"
                 "You have {days} days from today, that is until {deadline} inclusive, to object.{default}\n\n"
                 "The details (activities concerned, identity and contact of the sub-processor, processing "
                 "locations, transfer safeguards) are in the attached notice, {file}.\n\n"
                 "To acknowledge this change or object to it with your reasons, open this personal link (valid "
                 "until {expires}):\n{link}\n\n"
                 "Questions: {contact}\n\n"
                 "{org}\n"),
        "contract": " (ref. {ref})",
        "default": " Your contract sets no such period: we apply {days} days.",
        "file": "change-notice-{change}-{client}.pdf",
    },
}


@dataclass
class Sending:
    """What "Send the notices" did: the clients mailed (id, address), those without an address, those already told."""

    mailed: list[tuple[int, str]] = field(default_factory=list)
    without_address: list[int] = field(default_factory=list)
    already_told: list[int] = field(default_factory=list)


def notice_text(data: dict, change_id: int, client_id: int, link: str, grace_days: int) -> tuple[str, str, str]:
    """Subject, body and attachment name of one client's notice, from `notice_data` (the PDF's own data)."""
    lang = data["language"] if data["language"] in WORDS else "fr"
    w = WORDS[lang]
    org = mail_rules.one_line(data["processor"]["legal_name"])
    sp = mail_rules.one_line(data["subprocessor"]["legal_name"])
    old = mail_rules.one_line((data["replaces"] or {}).get("legal_name"))
    ref = mail_rules.one_line(data["client"]["contract_reference"])
    file_name = w["file"].format(change=change_id, client=client_id)
    body = w["body"].format(
        contract=w["contract"].format(ref=ref) if ref else "", org=org,
        kind=w["kinds"][data["kind"]].format(sp=sp, old=old), days=data["period_days"],
        deadline=date_text(data["objection_deadline"], lang),
        default="" if data["period_recorded"] else w["default"].format(days=data["period_days"]),
        file=file_name, expires=date_text(link_expires_on(data["objection_deadline"], grace_days), lang), link=link,
        contact=mail_rules.one_line(data["processor"]["dpo_email"] or data["processor"]["contact_email"]) or org,
    )
    return w["subject"].format(sp=sp, org=org), body, file_name


def clients_without_address(session: Session, change: SubProcessorChange) -> list[ClientController]:
    """The affected clients not yet told that have no notice address (flagged on the change page)."""
    ids = [n.client_id for n in change.notices if n.sent_on is None]
    rows = session.execute(select(ClientController).where(ClientController.id.in_(ids or [-1]))
                           .order_by(ClientController.id)).scalars()
    return [c for c in rows if mail_rules.notice_address(c) is None]


def send_change_notices(session: Session, change: SubProcessorChange, actor: str,
                        link_for: Callable[[int, int], str], grace_days: int) -> Sending:
    """Art. 28(2): tell every affected client not yet told, by e-mail, today: its notice is recorded as sent today
    (its window runs from today), then its message is queued with its PDF. One transaction (the caller commits);
    a client without an address is left untold and listed."""
    org = session.get(Organisation, change.organisation_id)
    today = svc.org_today(session, org.id)
    pending = [n.client_id for n in change.notices if n.sent_on is None]
    result = Sending(already_told=[n.client_id for n in change.notices if n.sent_on is not None])
    if not pending:
        raise svc.ChangeRefused(Message("every affected client was already told"), "send")
    clients = {c.id: c for c in session.execute(
        select(ClientController).where(ClientController.id.in_(pending))).scalars()}
    for client_id in pending:
        to = mail_rules.notice_address(clients[client_id])
        if to is None:
            result.without_address.append(client_id)
            continue
        svc.record_notice_sent(session, change, client_id, today, actor)  # the deadline runs from today
        data = svc.notice_data(session, change, client_id)
        subject, body, file_name = notice_text(data, change.id, client_id, link_for(change.id, client_id), grace_days)
        mail.queue_mail(session, org, to=to, language=data["language"], subject=subject, body=body, purpose=PURPOSE,
                        actor=actor, related=("change", change.id), attachment=(file_name, notice_pdf(
                            session, change, client_id)),
                        details={"client_id": client_id, "deadline": data["objection_deadline"].isoformat()})
        result.mailed.append((client_id, to))
    return result
