"""Home page: the organisations the logged-in person belongs to, with their counts and role."""

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from registry.db import get_session
from registry.services.organisations import organisation_summaries
from registry.services.users import organisations_of

bp = Blueprint("home", __name__)


@bp.get("/")
@login_required
def index():
    session = get_session()
    roles = {org.id: role for org, role in organisations_of(session, current_user.user)}
    summaries = [s for s in organisation_summaries(session) if s.id in roles]
    return render_template("home/index.html", summaries=summaries, roles=roles)
