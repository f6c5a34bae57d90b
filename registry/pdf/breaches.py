"""Breach documents as PDF (Arts. 33-34): client notice, CNIL draft, data-subject letter and the Art. 33(5) register,
rendered through the project's fetcher and print stylesheet from the plain dicts of breach_documents.py."""

from datetime import datetime

from sqlmodel import Session

from registry.models import Breach, ClientController, Organisation
from registry.pdf import breach_documents as docs
from registry.pdf.render import ProjectFetcher, html_to_pdf, render_template

# Wording only the printed pages need, (French, English).
EXTRA: dict[str, tuple[str, str]] = {
    "colon": (" : ", ": "),
    "gdpr": ("Règlement (UE) 2016/679 (RGPD)", "Regulation (EU) 2016/679 (GDPR)"),
    "not_required": ("Aucune notification à l'autorité de contrôle (CNIL) n'est due selon l'évaluation enregistrée "
                     "au registre.",
                     "No notification to the supervisory authority (CNIL) is due according to the register's "
                     "assessment."),
    "not_required_processor": ("Pour les données concernées, l'organisme agit uniquement comme sous-traitant : il en "
                               "informe chaque responsable du traitement (art. 33(2)), à qui il revient de notifier la "
                               "CNIL (art. 33(1)).",
                               "For the data affected, the organisation acts only as processor: it informs each "
                               "controller (Art. 33(2)), who notifies the CNIL (Art. 33(1))."),
    "not_required_unlikely": ("La violation est jugée non susceptible d'engendrer un risque pour les droits et libertés "
                              "des personnes physiques (art. 33(1)).",
                              "The breach is assessed as unlikely to result in a risk to the rights and freedoms of "
                              "natural persons (Art. 33(1))."),
    "reasoning": ("Motifs de l'évaluation", "Reasoning of the assessment"),
    "address": ("Adresse", "Address"),
    "empty": ("Aucune violation enregistrée.", "No breach recorded."),
}


def labels(lang: str) -> dict[str, str]:
    """Every heading of the breach documents in one language, for the print templates."""
    out = {key: docs.t(key, lang) for key in docs.T}
    out.update({key: fr if lang == "fr" else en for key, (fr, en) in EXTRA.items()})
    return out


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
