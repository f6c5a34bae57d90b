"""Reply letters to a request: a draft per right (and the extension and refusal letters) with the request's facts,
edited in the page and printed to PDF; nothing is saved (the register keeps the answer's date and summary)."""

from io import BytesIO

from flask import abort, g, render_template, request, send_file, url_for
from flask_babel import gettext as _

from registry import clock
from registry.db import get_session
from registry.domain import request_letters as letters
from registry.domain import requests as rules
from registry.forms.requests import LetterForm
from registry.i18n import current_lang
from registry.models import Activity, DataRequest
from registry.services import requests as service
from registry.views.crud import get_or_404
from registry.views.entity import WRITE, requires


def kind_labels() -> dict[str, str]:
    return {"access": _("Access (Art. 15)"), "rectification": _("Rectification (Art. 16)"),
            "erasure": _("Erasure (Art. 17)"), "restriction": _("Restriction of processing (Art. 18)"),
            "portability": _("Data portability (Art. 20)"), "objection": _("Objection (Art. 21)"),
            "extension": _("Extension of the time to answer (Art. 12(3))"),
            "refusal": _("Refusal, with its reasons and remedies (Art. 12(4))")}


def facts(session, org, obj: DataRequest) -> letters.LetterFacts:
    """The request's facts for a letter; its dates from the Art. 12(3) clock in the organisation's calendar."""
    holidays = service.holidays_of(org)
    ids = [x.activity_id for x in obj.activity_links]
    acts = {a.id: a for a in (session.get(Activity, i) for i in ids) if a is not None and a.organisation_id == org.id}
    signatory = ", ".join(x for x in (org.dpo_name, org.dpo_email) if x) or ", ".join(
        x for x in (org.legal_name, org.contact_email) if x)
    return letters.LetterFacts(
        organisation=org.legal_name, country=org.country, reference=obj.reference, received_on=obj.received_on,
        today=clock.today(org.timezone), due=rules.answer_deadline(obj.received_on, holidays).due,
        extended_due=rules.answer_deadline(obj.received_on, holidays, extended=True).due,
        organisation_address=org.address, signatory=signatory, requester=obj.requester_name,
        requester_contact=obj.requester_contact, activities=tuple(acts[i].name for i in ids if i in acts),
        extension_reasons=obj.extension_reasons, refusal_ground=obj.refusal_ground,
        refusal_details=obj.refusal_details, answer_summary=obj.answer_summary,
    )


def _choice(obj: DataRequest) -> tuple[str, str]:
    kinds = letters.letter_kinds_for(list(obj.rights or []))
    kind = request.values.get("kind") or kinds[0]
    lang = request.values.get("lang") or current_lang()  # the reader's language until another is chosen
    if kind not in letters.KINDS or lang not in ("fr", "en"):
        abort(404)
    return kind, lang


@requires(WRITE)
def letter_view(record_id: int):
    """GET: the draft letter in a textarea, for the kind and language chosen. POST: the edited text printed as
    PDF, as written; nothing is stored."""
    from registry.pdf.requests import reply_letter_pdf

    session = get_session()
    obj = get_or_404(DataRequest, record_id, g.org)
    kind, lang = _choice(obj)
    if request.method == "GET":
        form = LetterForm(data={"kind": kind, "lang": lang,
                                "text": letters.reply_letter(kind, lang, facts(session, g.org, obj))})
        return _page(obj, form, kind, lang)
    form = LetterForm()
    if not form.validate_on_submit():
        return _page(obj, form, kind, lang, 422)
    data = reply_letter_pdf(g.org, obj.reference, form.text.data, lang)
    response = send_file(BytesIO(data), mimetype="application/pdf", as_attachment=True,
                         download_name=f"letter-{kind}-{obj.id}-{lang}.pdf")
    response.headers["Cache-Control"] = "no-store"  # the letter holds the requester's name
    return response


def _page(obj: DataRequest, form: LetterForm, kind: str, lang: str, status: int = 200):
    holidays = service.holidays_of(g.org)
    return render_template(
        "requests/letter.html", org=g.org, obj=obj, form=form, kind=kind, lang=lang, labels=kind_labels(),
        kinds=letters.letter_kinds_for(list(obj.rights or [])), all_kinds=letters.KINDS,
        first_month=rules.answer_deadline(obj.received_on, holidays).due,
        extended_due=rules.answer_deadline(obj.received_on, holidays, extended=True).due,
        action=url_for("requests.letter", record_id=obj.id),
    ), status


def register_letter_routes(bp) -> None:
    bp.add_url_rule("/<int:record_id>/letter", "letter", letter_view, methods=["GET", "POST"])
