"""Document downloads: one client's DPA annexes at once; the register, the batch of annexes, the sub-processor list,
the breach register and the requests register as background jobs (the task queue) with a page that follows their
progress, in French or English."""

from pathlib import Path

from flask import abort, current_app, flash, g, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from registry.collation import collated
from registry.db import get_session
from registry.domain import jobs as rules
from registry.i18n import current_lang
from registry.models import ClientController, Job
from registry.services import jobs as service
from registry.views.crud import org_blueprint

bp = org_blueprint("documents", __name__)

# The jobs a member may start from this page, and the options each takes.
WEB_KINDS = ("register", "annexes", "subprocessors", "breaches", "requests")


def _lang() -> str:
    lang = request.values.get("lang", "fr")
    return lang if lang in ("fr", "en") else "fr"


def _pdf(data: bytes, name: str):
    from io import BytesIO

    return send_file(BytesIO(data), mimetype="application/pdf", as_attachment=True, download_name=name)


@bp.get("/")
def index():
    session = get_session()
    clients = session.execute(select(ClientController).where(ClientController.organisation_id == g.org.id)).scalars()
    clients = collated(clients, current_lang(), lambda c: c.legal_name)
    return render_template("documents/index.html", org=g.org, clients=clients,
                           jobs=service.recent_jobs(session, g.org.id), kind_label=kind_label,
                           state_label=state_label)


@bp.get("/annex/<int:client_id>.pdf")
def annex(client_id: int):
    """The DPA annexes (laid out after 2021/915) for one client, in the client's language unless another is asked for."""
    from registry.pdf.register import annex_pdf

    client = get_session().get(ClientController, client_id)
    if client is None or client.organisation_id != g.org.id:
        abort(404)
    lang = request.args.get("lang") if request.args.get("lang") in ("fr", "en") else None
    return _pdf(annex_pdf(get_session(), g.org.id, client.id, lang), f"annex-{g.org.slug}-{client.id}.pdf")


@bp.get("/subprocessors.pdf")
def subprocessors():
    from registry.pdf.register import subprocessors_pdf

    lang = _lang()
    return _pdf(subprocessors_pdf(get_session(), g.org.id, lang), f"subprocessors-{g.org.slug}-{lang}.pdf")


@bp.get("/register.<any(xlsx, ods):fmt>")
def register_sheet(fmt: str):
    """The register as a workbook: our layout (one sheet per area, headings in the language asked for) or, with
    ?layout=cnil, the CNIL's register form in French (the list of activities, then one fiche per activity)."""
    from io import BytesIO

    from registry.i18n import translator
    from registry.services.sheet_files import write_grids_ods, write_grids_xlsx, write_ods, write_xlsx
    from registry.services.sheets import SheetRefused, workbook_tables

    cnil = request.args.get("layout") == "cnil"
    lang = "fr" if cnil else _lang()
    try:
        if cnil:
            from registry.services.cnil_export import cnil_grids

            grids = cnil_grids(get_session(), g.org)
            content = write_grids_xlsx(grids) if fmt == "xlsx" else write_grids_ods(grids)
        else:
            tables = workbook_tables(get_session(), g.org, translator(lang))
            content = write_xlsx(tables) if fmt == "xlsx" else write_ods(tables)
    except SheetRefused as exc:
        flash(_("The workbook was not written: %(problem)s", problem=exc.summary()))
        return redirect(url_for("documents.index"))
    mimetype = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" if fmt == "xlsx"
                else "application/vnd.oasis.opendocument.spreadsheet")
    name = f"registre-cnil-{g.org.slug}.{fmt}" if cnil else f"register-{g.org.slug}-{lang}.{fmt}"
    return send_file(BytesIO(content), mimetype=mimetype, as_attachment=True, download_name=name)


@bp.post("/export/<kind>")
def start_export(kind: str):
    """Queue an export (or join the identical one already under way) and show its page: no process is started
    here, a worker of the task queue prints it."""
    from registry.jobs.tasks import start

    if kind not in WEB_KINDS:
        abort(404)
    lang = request.form.get("lang")
    if kind != "annexes" or lang:  # the annexes default to each client's own language
        lang = lang if lang in ("fr", "en") else "fr"
    params = {"lang": lang} if lang else {}
    session = get_session()
    job, created = service.request_job(session, g.org.id, current_user.id, kind, params)
    session.commit()
    if created:
        start(session, job)
    return redirect(url_for("documents.job", job_id=job.id))


def _job_or_404(job_id: int) -> Job:
    """A job of this organisation; another organisation's job is a 404 (no existence leak)."""
    job = get_session().get(Job, job_id)
    if job is None or job.organisation_id != g.org.id:
        abort(404)
    return job


def kind_label(kind: str) -> str:
    return {"register": _("Record of processing activities (Art. 30)"),
            "annexes": _("DPA annexes of every client (ZIP)"),
            "subprocessors": _("Sub-processor list"),
            "breaches": _("Breach register (Art. 33(5))"),
            "requests": _("Register of data-subject requests"),
            "import_sheet": _("Spreadsheet import")}.get(kind, kind)


def error_message(code: str | None, detail: str | None = None) -> str:
    """Why a job failed, in the interface's language (the technical detail stays in the workers' log, but for an
    import refused at a cell: that cell is what the user must fix)."""
    if code == rules.ERROR_IMPORT:
        return _("Nothing was imported: %(problem)s. The register changed since the preview; upload the workbook "
                 "again for a new preview.", problem=detail or "?")
    return {
        rules.ERROR_WORKER_LOST: _("The worker printing this export stopped before the end (restarted or "
                                   "killed). Print it again; if it happens again, ask your administrator to look "
                                   "at the workers' log."),
        rules.ERROR_QUEUE: _("The export could not be handed to the background workers (their queue did not "
                             "answer). Try again in a moment; if it fails again, tell your administrator."),
    }.get(code, _("The export failed. Try again; if it fails again, ask your administrator to look at the "
                  "workers' log."))


def _status(job: Job) -> dict:
    """What the page and its script show: the state, the units, the file's link once ready."""
    file_url = url_for("documents.job_file", job_id=job.id) if job.state == "done" and job.result_path else None
    return {
        "id": job.id, "state": job.state, "done": job.done_units, "total": job.total_units,
        "percent": rules.progress_percent(job.done_units, job.total_units),
        "file_url": file_url, "expired": job.state == "done" and not job.result_path,
        "message": error_message(job.error_code, job.error_detail) if job.state == "failed" else None,
        "state_label": state_label(job.state, job.kind),
    }


def state_label(state: str, kind: str | None = None) -> str:
    if kind == "import_sheet" and state in ("running", "done"):
        return _("Importing") if state == "running" else _("Imported")
    return {"queued": _("Waiting for a worker"), "running": _("Printing"), "done": _("Ready"),
            "failed": _("Failed"), "cancelled": _("Cancelled")}[state]


def _may_cancel(job: Job) -> bool:
    return not rules.is_final(job.state) and rules.may_cancel(job.requested_by, current_user.id, g.role)


@bp.get("/jobs/<int:job_id>")
def job(job_id: int):
    job = _job_or_404(job_id)
    return render_template("documents/job.html", org=g.org, job=job, status=_status(job), kind_label=kind_label,
                           may_cancel=_may_cancel(job))


@bp.get("/jobs/<int:job_id>.json")
def job_status(job_id: int):
    response = jsonify(_status(_job_or_404(job_id)))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/jobs/<int:job_id>/file")
def job_file(job_id: int):
    from registry.jobs.tasks import exports_dir

    job = _job_or_404(job_id)
    if job.state != "done" or not job.result_path:
        abort(404)
    path = exports_dir(current_app) / job.result_path
    if not path.is_file():
        abort(404)
    mimetype = {".zip": "application/zip", ".txt": "text/plain; charset=utf-8"}.get(Path(job.result_name).suffix,
                                                                                  "application/pdf")
    return send_file(path, mimetype=mimetype, as_attachment=True, download_name=job.result_name)


@bp.post("/jobs/<int:job_id>/cancel")
def cancel_job(job_id: int):
    """The person who asked for the export (or an admin) stops it; anyone else is refused."""
    job = _job_or_404(job_id)
    if not rules.is_final(job.state):
        if not _may_cancel(job):
            abort(403)
        service.cancel_job(get_session(), job)
        get_session().commit()
    return redirect(url_for("documents.job", job_id=job.id))
