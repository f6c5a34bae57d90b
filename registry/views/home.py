"""Home page: the organisations the logged-in person belongs to, with their counts and role."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from registry.auth import actor
from registry.db import get_session
from registry.forms.organisations import NewOrganisationForm
from registry.models.checks import time_zones
from registry.services.organisations import create_organisation, organisation_summaries
from registry.services.users import organisations_of
from registry.views.crud import save

bp = Blueprint("home", __name__)


@bp.get("/")
@login_required
def index():
    session = get_session()
    roles = {org.id: role for org, role in organisations_of(session, current_user.user)}
    summaries = [s for s in organisation_summaries(session) if s.id in roles]
    return render_template("home/index.html", summaries=summaries, roles=roles)


@bp.route("/orgs/new", methods=["GET", "POST"])
@login_required
def new_organisation():
    """A new organisation with an empty register (superusers only: they manage the installation)."""
    if not current_user.is_superuser:
        abort(403)
    form = NewOrganisationForm()
    if request.method == "GET":
        form.timezone.data = "Europe/Paris"
    if form.validate_on_submit():
        org = save(form, lambda data: create_organisation(get_session(), data, current_user.user, actor()))
        if org is not None:
            flash(_("%(name)s created: fill in its register, then add its members.", name=org.legal_name), "ok")
            return redirect(url_for("organisations.detail", slug=org.slug))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("home/new_organisation.html", form=form, timezones=sorted(time_zones())), status
