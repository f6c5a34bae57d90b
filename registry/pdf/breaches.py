"""Breach documents as PDF (Arts. 33-34): client notice, CNIL draft, data-subject letter and the Art. 33(5) register,
rendered through the project's fetcher and print stylesheet from the plain dicts of breach_documents.py."""

from datetime import datetime

from sqlmodel import Session

from registry.models import Breach, ClientController, Organisation
from registry.pdf import breach_documents as docs
from registry.pdf.breach_wording import labels
from registry.pdf.render import ProjectFetcher, html_to_pdf, render_template


def _meta(title: str, org: Organisation, breach: Breach | None = None) -> dict:
    stamp = breach.updated_at if breach else None
    return {"title": f"{title} — {org.legal_name}", "author": org.legal_name,
            "description": f"{breach.reference} — {breach.title}" if breach else title,
            "created": stamp.isoformat() if stamp else None, "modified": stamp.isoformat() if stamp else None}


def _render(template: str, doc: dict, org: Organisation, breach: Breach | None,
            fetcher: ProjectFetcher | None) -> bytes:
    html = render_template(template, doc=doc, lang=doc["lang"], L=labels(doc["lang"]), org=org, breach=breach,
                           meta=_meta(doc["title"], org, breach))
    return html_to_pdf(html, fetcher)


def client_notice_pdf(breach: Breach, client: ClientController, now: datetime | None = None,
                      fetcher: ProjectFetcher | None = None) -> bytes:
    """Art. 33(2)-(3): the processor's notice to one affected client controller, in the client's language."""
    return _render("pdf/breach_notice.html", docs.client_notice(breach, client, now), breach.organisation, breach,
                   fetcher)


def cnil_draft_pdf(breach: Breach, lang: str = "fr", now: datetime | None = None,
                   fetcher: ProjectFetcher | None = None) -> bytes:
    """Art. 33(1), (3): the notification draft under the headings of the CNIL's online form."""
    return _render("pdf/breach_cnil.html", docs.cnil_draft(breach, lang, now), breach.organisation, breach, fetcher)


def subject_communication_pdf(breach: Breach, lang: str = "fr", fetcher: ProjectFetcher | None = None) -> bytes:
    """Art. 34(2): the communication to the data subjects in clear and plain language."""
    return _render("pdf/breach_subjects.html", docs.subject_communication(breach, lang), breach.organisation, breach,
                   fetcher)


def breach_register_pdf(session: Session, org: Organisation, lang: str = "fr", now: datetime | None = None,
                        fetcher: ProjectFetcher | None = None) -> bytes:
    """Art. 33(5): every breach of the organisation, notified or not, with facts, effects and remedial action."""
    return _render("pdf/breach_register.html", docs.breach_register(session, org, lang, now), org, None, fetcher)
