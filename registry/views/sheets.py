"""The Import page: upload a workbook, preview what it creates and changes with its problems by cell, then import it."""

import re
import secrets
import shutil
import time
from pathlib import Path

from flask import abort, current_app, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _

from registry.auth import accepts_upload
from registry.db import get_session
from registry.forms.sheets import SheetConfirmForm, SheetUploadForm
from registry.i18n import translator
from registry.views.crud import actor, org_blueprint
from registry.views.entity import WRITE, requires

bp = org_blueprint("imports", __name__)
TOKEN = re.compile(r"^[A-Za-z0-9_-]{22}$")
PREVIEW_SECONDS = 3600


def _pending(token: str) -> Path:
    """Where an uploaded workbook waits for its confirmation (this organisation's folder, a random name)."""
    if not TOKEN.match(token or ""):
        abort(404)
    folder = Path(current_app.instance_path) / "imports" / str(g.org.id)
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{token}.bin"


def _run(content: bytes, commit: bool):
    from registry.services.sheet_import import import_workbook

    session = get_session()
    try:
        report = import_workbook(session, g.org, content, [translator("fr"), translator("en")], actor=actor())
    except Exception:
        session.rollback()
        raise
    if commit:
        session.commit()
    else:
        session.rollback()
    return report


@bp.get("/")
@requires(WRITE)
def page():
    return render_template("imports/page.html", org=g.org, form=SheetUploadForm(), report=None)


@bp.post("/")
@accepts_upload
@requires(WRITE)
def preview():
    """Read the workbook and show what importing it would do; nothing is written."""
    from registry.services.sheets import SheetRefused

    form = SheetUploadForm()
    if not form.validate_on_submit():
        return render_template("imports/page.html", org=g.org, form=form, report=None), 422
    content = form.file.data.stream.read(current_app.config["REGISTRY_MAX_UPLOAD_BYTES"] + 1)
    if len(content) > current_app.config["REGISTRY_MAX_UPLOAD_BYTES"]:
        form.file.errors.append(_("The file is larger than this installation accepts."))
        return render_template("imports/page.html", org=g.org, form=form, report=None), 422
    try:
        report = _run(content, commit=False)
    except SheetRefused as exc:
        form.file.errors.append(exc.summary())
        return render_template("imports/page.html", org=g.org, form=form, report=None), 422
    token = secrets.token_urlsafe(16)
    path = _pending(token)
    for old in path.parent.glob("*.*"):  # previews never confirmed are not kept past an hour
        if old.stat().st_mtime < time.time() - PREVIEW_SECONDS:
            old.unlink(missing_ok=True)
    path.write_bytes(content)
    # How many activities the confirmation writes: above the bound it goes through the task queue as a job.
    path.with_suffix(".count").write_text(str(sum(1 for line in report.created if line.startswith("activity "))
                                              + sum(1 for label, _c in report.updated if label.startswith("activity "))))
    return render_template("imports/page.html", org=g.org, form=form, report=report,
                           confirm=SheetConfirmForm(token=token))


def _as_job(path: Path, token: str):
    """A large workbook imports in a worker of the task queue; its page (the documents' job page) shows how many
    fiches are done out of how many, then the import's report."""
    from flask_login import current_user

    from registry.jobs.exports import imports_dir
    from registry.jobs.tasks import exports_dir, start
    from registry.services import jobs as service

    target = imports_dir(exports_dir(current_app)) / str(g.org.id) / f"{token}.bin"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(path, target)
    session = get_session()
    job, _created = service.request_job(session, g.org.id, current_user.id, "import_sheet",
                                        {"token": token, "actor": actor()})
    session.commit()
    start(session, job)
    return redirect(url_for("documents.job", job_id=job.id))


@bp.post("/confirm")
@requires(WRITE)
def confirm():
    """Import the previewed workbook in one transaction, or nothing."""
    from registry.services.sheets import SheetRefused

    form = SheetConfirmForm()
    # No preview behind the form (none uploaded, expired, or a token that is not one of ours): say so, write nothing.
    valid = form.validate_on_submit() and TOKEN.match(form.token.data or "")
    path = _pending(form.token.data) if valid else None
    if path is None or not path.exists():
        flash(_("This preview has expired or was already imported: upload the workbook again."), "error")
        return redirect(url_for("imports.page"))
    count = path.with_suffix(".count")
    activities = int(count.read_text()) if count.exists() else 0
    count.unlink(missing_ok=True)
    if activities > current_app.config["REGISTRY_IMPORT_INLINE_ACTIVITIES"]:
        return _as_job(path, form.token.data)
    try:
        report = _run(path.read_bytes(), commit=True)
    except SheetRefused as exc:
        flash(_("Nothing was imported: %(problem)s", problem=exc.summary()), "error")
        return redirect(url_for("imports.page"))
    finally:
        path.unlink(missing_ok=True)
    flash(_("Imported: %(created)s created, %(updated)s updated.", created=len(report.created),
            updated=len(report.updated)), "ok")
    return redirect(url_for("activities.list"))
