"""Home page: the organisations of the register with their counts."""

from flask import Blueprint, render_template

from registry.db import get_session
from registry.services.organisations import organisation_summaries

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    return render_template("home/index.html", summaries=organisation_summaries(get_session()))
