"""The law pages: "what if" per organisation (nothing saved), the items an installed update left on the dashboard,
and the superusers' upload of a reference update (a dry-run preview, then one click installs it)."""

import json
import re
import secrets
import time
from datetime import date
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from registry import clock, reference
from registry.auth import accepts_upload
from registry.db import get_session
from registry.forms.law import (
    ReferenceInstallForm,
    ReferenceUploadForm,
    SeenForm,
    WhatIfExampleForm,
    WhatIfUploadForm,
)
from registry.i18n import current_lang
from registry.reference import InvalidReference
from registry.services import law as svc
from registry.views.crud import actor, org_blueprint
from registry.views.entity import READ, WRITE, requires

bp = org_blueprint("law", __name__)
reference_bp = Blueprint("reference", __name__, url_prefix="/reference")
TOKEN = re.compile(r"^[A-Za-z0-9_-]{22}$")
PREVIEW_SECONDS = 3600
EXAMPLE_START = date(2027, 1, 1)  # the shipped examples' date when they carry none


def _examples() -> dict[str, dict]:
    return reference.what_if_examples()


def _example_choices(examples: dict[str, dict]) -> list[tuple[str, str]]:
    lang = current_lang()
    return [(name, (doc.get("title") or {}).get(lang, name)) for name, doc in examples.items()]


def _read_upload(field) -> object:
    """The uploaded file as JSON, or InvalidReference saying why it is not."""
    limit = current_app.config["REGISTRY_MAX_UPLOAD_BYTES"]
    content = field.data.stream.read(limit + 1)
    if len(content) > limit:
        raise InvalidReference([_("The file is larger than this installation accepts.")])
    try:
        return json.loads(content.decode("utf-8"))
    except UnicodeDecodeError:
        raise InvalidReference([_("The file is not UTF-8 text.")]) from None
    except json.JSONDecodeError as exc:
        raise InvalidReference([_("The file is not JSON (%(problem)s at line %(line)s, column %(column)s).",
                                  problem=exc.msg, line=exc.lineno, column=exc.colno)]) from None


def _what_if_page(example_form, upload_form, result=None, hypothesis=None, start=None, status=200):
    return render_template("law/what_if.html", org=g.org, example_form=example_form, upload_form=upload_form,
                           result=result, hypothesis=hypothesis, start=start), status


def _example_form(examples: dict[str, dict]) -> WhatIfExampleForm:
    form = WhatIfExampleForm(request.args if request.args else None)
    form.example.choices = _example_choices(examples)
    if not request.args:
        first = next(iter(examples), None)
        form.example.data = "what-if-dpf-invalidated" if "what-if-dpf-invalidated" in examples else first
        form.start.data = EXAMPLE_START
    return form


@bp.get("/what-if")
@requires(READ)
def what_if():
    """A shipped hypothesis run on this organisation's register: any member may read it, nothing is saved."""
    examples = _examples()
    form, upload = _example_form(examples), WhatIfUploadForm()
    upload.start.data = form.start.data if isinstance(form.start.data, date) else EXAMPLE_START
    if not request.args:
        return _what_if_page(form, upload)
    if not form.validate():
        return _what_if_page(form, upload, status=422)
    try:
        hypothesis = svc.check_what_if(examples[form.example.data])
    except InvalidReference as exc:  # a shipped example no longer matching the law in use (e.g. after an update)
        form.example.errors.extend(exc.reasons)
        return _what_if_page(form, upload, status=422)
    result = svc.what_if_impact(get_session(), g.org, hypothesis, form.start.data, clock.now())
    return _what_if_page(form, upload, result, hypothesis, form.start.data)


@bp.post("/what-if")
@accepts_upload
@requires(WRITE)
def what_if_upload():
    """A hypothesis from a file (DPOs and admins): checked, run, shown; nothing is saved or installed."""
    examples = _examples()
    form, upload = _example_form(examples), WhatIfUploadForm()
    if not upload.validate_on_submit():
        return _what_if_page(form, upload, status=422)
    try:
        hypothesis = svc.check_what_if(_read_upload(upload.file))
    except InvalidReference as exc:
        upload.file.errors.extend(exc.reasons)
        return _what_if_page(form, upload, status=422)
    result = svc.what_if_impact(get_session(), g.org, hypothesis, upload.start.data, clock.now())  # reads only
    return _what_if_page(form, upload, result, hypothesis, upload.start.data)


@bp.post("/changes/<int:record_id>/seen")
@requires(WRITE)
def seen(record_id: int):
    """The DPO has read a verdict the law changed: it leaves the dashboard, and the trail says who and when."""
    form = SeenForm()
    if not form.validate_on_submit():
        abort(400)
    session = get_session()
    if svc.mark_seen(session, g.org, record_id, actor(), clock.now()) is None:
        abort(404)
    session.commit()
    flash(_("Marked as seen."), "ok")
    return redirect(url_for("organisations.detail", _anchor="board-law"))


# --- the superusers' page: a reference update uploaded, previewed, installed -------------------------------------


def _superuser() -> None:
    if not current_user.is_superuser:
        abort(403)


def _installed_directory() -> Path:
    return Path(current_app.instance_path) / "reference"


def _pending(token: str) -> Path:
    if not TOKEN.match(token or ""):
        abort(404)
    folder = Path(current_app.instance_path) / "reference-pending"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{token}.json"


def _reference_page(form, preview=None, update=None, confirm=None, status=200):
    return render_template("law/reference.html", form=form, law=reference.law(), preview=preview, update=update,
                           confirm=confirm, today=clock.today("Europe/Paris")), status


@reference_bp.get("/")
@login_required
def page():
    _superuser()
    return _reference_page(ReferenceUploadForm())


@reference_bp.post("/")
@login_required
@accepts_upload
def preview():
    """Check the file and list every verdict it would change per organisation; nothing is installed."""
    _superuser()
    form = ReferenceUploadForm()
    if not form.validate_on_submit():
        return _reference_page(form, status=422)
    try:
        doc = _read_upload(form.file)
        update = svc.check_update(doc)
    except InvalidReference as exc:
        form.file.errors.extend(exc.reasons)
        return _reference_page(form, status=422)
    results = svc.update_impacts(get_session(), update, clock.now())
    token = secrets.token_urlsafe(16)
    path = _pending(token)
    for old in path.parent.glob("*.json"):  # previews never confirmed are not kept past an hour
        if old.stat().st_mtime < time.time() - PREVIEW_SECONDS:
            old.unlink(missing_ok=True)
    path.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    return _reference_page(form, results, update, ReferenceInstallForm(token=token))


@reference_bp.post("/install")
@login_required
def install():
    """Install the previewed file and record each verdict it changes on its organisation's dashboard: one
    transaction (the files are put back if the database refuses)."""
    _superuser()
    form = ReferenceInstallForm()
    valid = form.validate_on_submit() and TOKEN.match(form.token.data or "")
    path = _pending(form.token.data) if valid else None
    if path is None or not path.exists():
        flash(_("This preview has expired or was already installed: upload the file again."), "error")
        return redirect(url_for("reference.page"))
    session = get_session()
    try:
        update = svc.check_update(json.loads(path.read_text("utf-8")))  # checked again against the law now in use
        results = svc.install(session, update, _installed_directory(), actor(), clock.now())
    except InvalidReference as exc:
        session.rollback()
        flash(_("Nothing was installed: %(reasons)s", reasons="; ".join(exc.reasons)), "error")
        return redirect(url_for("reference.page"))
    finally:
        path.unlink(missing_ok=True)
    changed = sum(len(r.transfers) + len(r.breaches) + (r.record_exemption[0] != r.record_exemption[1])
                  for r in results)
    flash(_("Version %(version)s installed: %(count)s verdicts changed, each on its organisation's dashboard.",
            version=update.version, count=changed), "ok")
    return redirect(url_for("reference.page"))
