"""Data-subject request documents as PDF: the requests register and a reply letter whose text the DPO edited,
rendered through the project's fetcher and print stylesheet."""

from datetime import datetime

from sqlmodel import Session

from registry import clock
from registry.formats import date_text
from registry.models import Organisation
from registry.pdf import request_documents as docs
from registry.pdf.render import ProjectFetcher, html_to_pdf, render_template
from registry.pdf.request_wording import labels


def request_register_pdf(session: Session, org: Organisation, lang: str = "fr", now: datetime | None = None,
                         fetcher: ProjectFetcher | None = None) -> bytes:
    """Arts. 5(2), 12: every request of the organisation with its clock, answer and relay; no requester's identity."""
    doc = docs.request_register(session, org, lang, now)
    meta = {"title": f"{doc['title']} — {org.legal_name}", "author": org.legal_name, "description": doc["title"],
            "created": None, "modified": None}
    html = render_template("pdf/request_register.html", doc=doc, lang=lang, L=labels(lang), org=org, meta=meta)
    return html_to_pdf(html, fetcher)


def reply_letter_pdf(org: Organisation, reference: str, text: str, lang: str,
                     fetcher: ProjectFetcher | None = None) -> bytes:
    """A reply to a requester (Art. 12(1): concise, intelligible, clear and plain language), printed as written."""
    title = "Réponse à votre demande" if lang == "fr" else "Reply to your request"
    meta = {"title": f"{title} — {reference}", "author": org.legal_name, "description": reference,
            "created": None, "modified": None}
    html = render_template("pdf/request_letter.html", text=text, lang=lang, org=org, meta=meta, reference=reference,
                           printed=date_text(clock.today(org.timezone), lang))
    return html_to_pdf(html, fetcher)
