"""The page a client reaches from its change notice (Art. 28(2)): no account, a signed link bound to the client and
the change; it shows that change as it concerns that client, in its language, and takes its acknowledgement or its
objection until its own deadline."""

from datetime import timedelta

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import refresh

from registry import clock
from registry.db import get_session
from registry.forms.changes import ClientAnswerForm
from registry.models import ClientController, Organisation, SubProcessorChange
from registry.services import changes as svc
from registry.services import notice_links as links
from registry.services import users as accounts
from registry.views.changes import OUTCOME_LABELS
from registry.views.crud import attach_errors
from registry.views.formatting import date_text, vocab_text

bp = Blueprint("notice_link", __name__, url_prefix="/notice")
KIND_TITLES = {
    "add": _l("New sub-processor"),
    "replace": _l("Replacement of a sub-processor"),
    "remove": _l("End of the use of a sub-processor"),
    "change_locations": _l("New processing locations of a sub-processor"),
}


@bp.after_request
def _no_referrer(response):
    # The token is the page's key: no link followed from the page may carry its address along.
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _refuse(status: int, title: str, text: str):
    return render_template("changes/link_refused.html", title=title, text=text), status


def _within_rate() -> bool:
    """Counted before anything is read: a guesser is slowed down whether the token is right or wrong."""
    session = get_session()
    config = current_app.config
    ok = accounts.claim_request(session, f"notice-link:{request.remote_addr or 'unknown'}",
                                config["REGISTRY_NOTICE_LINK_LIMIT"],
                                timedelta(minutes=config["REGISTRY_LOGIN_WINDOW_MINUTES"]))
    session.commit()
    return ok


@bp.route("/<int:change_id>/<token>", methods=["GET", "POST"])
def page(change_id: int, token: str):
    if not _within_rate():
        return _refuse(429, _("Too many requests"),
                       _("This address opened too many notice links in a short time. Wait a few minutes and try again."))
    client_id = links.client_of_token(current_app.config["SECRET_KEY"], change_id, token)
    if client_id is None:
        return _refuse(403, _("This link is not valid"),
                       _("The address is incomplete or was altered. Open the link exactly as it is in the message."))
    session = get_session()
    change = session.get(SubProcessorChange, change_id)
    client = session.get(ClientController, client_id)
    notice = next((n for n in change.notices if n.client_id == client_id), None) if change else None
    if notice is None or client is None or client.organisation_id != change.organisation_id:
        abort(404)
    g.page_lang = notice.language
    refresh()  # the locale is chosen again, now in the client's language
    org = session.get(Organisation, change.organisation_id)
    today = clock.today(org.timezone)
    grace = current_app.config["REGISTRY_NOTICE_LINK_GRACE_DAYS"]
    state = links.link_state(change, client_id, today, grace)
    if state.status == "expired":
        return _refuse(410, _("This link has expired"),
                       _("The window to object closed on %(day)s and the link is no longer valid. Write to %(who)s "
                         "if you need anything about this change.", day=date_text(state.deadline),
                         who=org.dpo_email or org.contact_email or org.legal_name))
    form = ClientAnswerForm()
    form.form_errors = []
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                links.answer(session, change, client, form.answer.data, form.grounds.data, today, grace)
            except svc.ChangeRefused as exc:
                session.rollback()
                attach_errors(form, exc.by_field(notice.language))
                status = 409 if "answer" in exc.errors else 422
            else:
                session.commit()
                flash(_("Your objection is recorded: the change will not take effect for you before it is answered.")
                      if form.answer.data == "object" else _("Your acknowledgement is recorded. Thank you."), "ok")
                return redirect(url_for("notice_link.page", change_id=change_id, token=token))
        else:
            status = 422
        session.expire_all()
        change = session.get(SubProcessorChange, change_id)
        state = links.link_state(change, client_id, today, grace)
    data = svc.notice_data(session, change, client_id)
    notice = next(n for n in change.notices if n.client_id == client_id)
    return render_template(
        "changes/client_page.html", data=data, state=state, form=form, notice=notice, token=token, change=change,
        objections=[o for o in change.objections if o.client_id == client_id], mechanism_text=_mechanism,
        kind_titles=KIND_TITLES, outcome_labels=OUTCOME_LABELS,
    ), status


def _mechanism(code: str | None) -> str:
    return vocab_text("transfer_mechanisms", code) if code else _("no safeguard recorded")
