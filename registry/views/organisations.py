"""An organisation's dashboard (what is missing or risky, each item linked to its fix) and its settings."""

from dataclasses import dataclass
from zoneinfo import available_timezones

from flask import current_app, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from registry import audit
from registry.db import get_session
from registry.forms.organisations import OrganisationForm
from registry.services.breaches import urgent_deadlines
from registry.services.flags import dashboard
from registry.services.organisations import update_organisation
from registry.views.contract_display import item_label
from registry.views.crud import actor, fix_url, org_blueprint, save
from registry.views.entity import ADMIN, READ, requires
from registry.views.lists import flag_cache

bp = org_blueprint("organisations", __name__)


@bp.get("/")
@requires(READ)
def detail():
    session = get_session()
    board = dashboard(session, g.org, cache=flag_cache(), limit=SHOWN)
    sections = [
        Section(area, title, getattr(board, area), board.flagged[area]) for area, title in (
            ("activities", _l("Activities incomplete against Art. 30")),
            ("transfers", _l("Transfers lacking safeguards")),
            ("subprocessors", _l("Sub-processors without a DPA or processing outside the EEA")),
            ("clients", _l("Client contracts missing Art. 28 terms")),
            ("retention", _l("Retention rules without a starting event")),
        )
    ]
    # Arts. 33-34: notices overdue or due within 24 hours come before everything else on the page.
    deadlines = urgent_deadlines(session, [g.org.id])
    return render_template("organisations/detail.html", org=g.org, board=board, sections=sections,
                           fix=_fix, name_of=_name_of,
                           item_label=item_label, deadlines=deadlines)


SHOWN = 25  # items listed per dashboard section; the rest are one click away in the list, flagged only


@dataclass
class Section:
    area: str
    title: object
    items: list  # the first SHOWN flagged records, with their flags
    total: int  # how many records of the area are flagged


def _entity(area: str):
    return current_app.blueprints[area].entity


def _fix(area: str, obj, flag) -> str | None:
    return fix_url(_entity(area), obj, flag)


def _name_of(area: str, obj) -> str:
    return _entity(area).name_of(obj)


@bp.get("/audit.json", endpoint="audit")
@requires(READ)
def audit_trail():
    """The organisation's audit trail as a JSON download: any member may read who changed what (Art. 5(2))."""
    entries = audit.organisation_trail(get_session(), g.org.id)
    response = jsonify({"organisation": g.org.slug, "entries": entries})
    response.headers["Content-Disposition"] = f'attachment; filename="{g.org.slug}-audit.json"'
    return response


@bp.route("/settings", methods=["GET", "POST"])
@requires(ADMIN)
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
