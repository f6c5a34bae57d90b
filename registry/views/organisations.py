"""An organisation's dashboard (what is missing or risky, each item linked to its fix) and its settings."""

from zoneinfo import available_timezones

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from registry.db import get_session
from registry.forms.organisations import OrganisationForm
from registry.services.organisations import organisation_summaries, update_organisation
from registry.views.crud import READ, WRITE, actor, org_blueprint, requires, save

bp = org_blueprint("organisations", __name__)


@bp.get("/")
@requires(READ)
def detail():
    session = get_session()
    summary = next(s for s in organisation_summaries(session) if s.id == g.org.id)
    return render_template("organisations/detail.html", org=g.org, summary=summary, board=_board(session))


def _board(session):
    """The lead's batched dashboard rules, once they exist on this branch."""
    try:
        from registry.services.flags import dashboard
    except ImportError:
        return None
    return dashboard(session, g.org)


@bp.route("/settings", methods=["GET", "POST"])
@requires(WRITE)
def edit():
    session = get_session()
    form = OrganisationForm(obj=g.org) if request.method == "GET" else OrganisationForm()
    if request.method == "GET":
        form.version.data = str(g.org.version)
    elif form.validate_on_submit():
        changes = save(form, lambda data: update_organisation(session, g.org, data, actor()), with_version=True)
        if changes is not None:
            flash(_("Saved.") if changes else _("Nothing changed."), "ok")
            return redirect(url_for("organisations.detail"))
    status = 422 if form.errors or form.form_errors else 200
    return render_template(
        "organisations/edit.html", org=g.org, form=form, timezones=sorted(available_timezones())
    ), status
