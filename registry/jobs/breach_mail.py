"""The worker renders each breach notice's PDF (Art. 33(2)-(3)) at the message's first try, in the client's language."""

from sqlmodel import Session

from registry.jobs.mail import attachment_maker
from registry.models import Breach, ClientController, MailMessage
from registry.pdf.breaches import client_notice_pdf
from registry.services import mail
from registry.services.breach_mail import PURPOSE


@attachment_maker(PURPOSE)
def client_notice(session: Session, message: MailMessage) -> bytes:
    details = mail.details_of(message)
    breach = session.get(Breach, details.get("breach_id"))
    client = session.get(ClientController, details.get("client_id"))
    if breach is None or client is None or breach.organisation_id != message.organisation_id:
        raise LookupError("the breach or the client of this notice no longer exists")
    if client.id not in {c.id for c in breach.clients}:
        raise LookupError(f"{client.legal_name} is no longer among the clients affected by {breach.reference}")
    return client_notice_pdf(breach, client)
