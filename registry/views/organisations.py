"""An organisation's dashboard (the list pages' flags counted and grouped, each record linked to its fix, and the
deadlines that run) and its settings."""

from flask import current_app, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from registry import audit
from registry.db import get_session
from registry.forms.law import SeenForm
from registry.forms.organisations import OrganisationForm
from registry.models.base import utcnow
from registry.models.checks import time_zones
from registry.services import law as law_svc
from registry.services import mail
from registry.services.dashboard import dashboard
from registry.services.organisations import update_organisation
from registry.views.changes import KIND_LABELS
from registry.views.contract_display import item_label
from registry.views.crud import actor, fix_url, org_blueprint, save
from registry.views.entity import ADMIN, READ, requires
from registry.views.formatting import number
from registry.views.lists import flag_cache

bp = org_blueprint("organisations", __name__)


@bp.get("/")
@requires(READ)
def detail():
    now = utcnow()
    board = dashboard(get_session(), g.org, cache=flag_cache(), shown=SHOWN, now=now)
    sections = [(area, title, board.areas[area]) for area, title in AREA_TITLES]
    failed = mail.count_failed(get_session(), g.org)
    law_changes = law_svc.law_changes(get_session(), g.org)
    return render_template("organisations/detail.html", org=g.org, board=board, sections=sections, fix=_fix,
                           failed_mail=failed, failed_messages=mail.messages_of(get_session(), g.org, "failed", 5)
                           if failed else [],
                           law_changes=law_changes, seen_form=SeenForm(),
                           law_linked=law_svc.still_recorded(get_session(), g.org, law_changes),
                           name_of=_name_of, item_label=item_label, counted=_counted, now=now,
                           change_kind=lambda kind: KIND_LABELS.get(kind, kind))


SHOWN = 25  # records named per group of identical flags; the rest are one click away in the flagged list
AREA_TITLES = (
    ("activities", _l("Activities (Art. 30)")),
    ("transfers", _l("Transfers outside the EEA (Arts. 44-49)")),
    ("subprocessors", _l("Sub-processors (Art. 28)")),
    ("clients", _l("Client contracts (Art. 28)")),
    ("retention", _l("Retention rules (Art. 5(1)(e))")),
    ("requests", _l("Data-subject requests (Arts. 12-22)")),
)


def _counted(area: str, n: int) -> str:
    """"17 sub-processors": how many records of an area carry a flag."""
    nouns = {
        "activities": lambda: ngettext("%(count)s activity", "%(count)s activities", n, count=number(n)),
        "transfers": lambda: ngettext("%(count)s transfer", "%(count)s transfers", n, count=number(n)),
        "subprocessors": lambda: ngettext("%(count)s sub-processor", "%(count)s sub-processors", n, count=number(n)),
        "clients": lambda: ngettext("%(count)s client", "%(count)s clients", n, count=number(n)),
        "retention": lambda: ngettext("%(count)s retention rule", "%(count)s retention rules", n, count=number(n)),
        "requests": lambda: ngettext("%(count)s request", "%(count)s requests", n, count=number(n)),
    }
    return nouns[area]()


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
        "organisations/edit.html", org=g.org, form=form, timezones=sorted(time_zones())
    ), status
