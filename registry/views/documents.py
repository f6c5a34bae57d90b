"""Document downloads: the Art. 30 register (exported outside the request, with its status), DPA annexes
and the sub-processor list, in French or English."""

import json
import os
import secrets
import shlex
import subprocess
import sys
import time
from pathlib import Path

from flask import abort, current_app, flash, g, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from registry.collation import collated
from registry.db import get_session
from registry.i18n import current_lang
from registry.models import ClientController
from registry.views.crud import org_blueprint

bp = org_blueprint("documents", __name__)
JOB_ID_BYTES = 12


def _lang() -> str:
    lang = request.values.get("lang", "fr")
    return lang if lang in ("fr", "en") else "fr"


def _pdf(data: bytes, name: str):
    from io import BytesIO

    return send_file(BytesIO(data), mimetype="application/pdf", as_attachment=True, download_name=name)


def _jobs_dir() -> Path:
    path = Path(current_app.instance_path) / "exports" / str(g.org.id)
    path.mkdir(parents=True, exist_ok=True)
    return path


@bp.get("/")
def index():
    clients = get_session().execute(select(ClientController).where(ClientController.organisation_id == g.org.id)).scalars()
    clients = collated(clients, current_lang(), lambda c: c.legal_name)
    return render_template("documents/index.html", org=g.org, clients=clients)


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
    """The register as a workbook in our layout (one sheet per area), headings in the language asked for."""
    from io import BytesIO

    from registry.i18n import translator
    from registry.services.sheet_files import write_ods, write_xlsx
    from registry.services.sheets import SheetRefused, workbook_tables

    lang = _lang()
    try:
        tables = workbook_tables(get_session(), g.org, translator(lang))
    except SheetRefused as exc:
        flash(_("The workbook was not written: %(problem)s", problem=exc.summary()))
        return redirect(url_for("documents.index"))
    content = write_xlsx(tables) if fmt == "xlsx" else write_ods(tables)
    mimetype = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" if fmt == "xlsx"
                else "application/vnd.oasis.opendocument.spreadsheet")
    return send_file(BytesIO(content), mimetype=mimetype, as_attachment=True,
                     download_name=f"register-{g.org.slug}-{lang}.{fmt}")


@bp.post("/register")
def start_register():
    """Start the register's export in its own process: WeasyPrint's memory comes back only when it ends."""
    lang = _lang()
    job = secrets.token_hex(JOB_ID_BYTES)
    folder = _jobs_dir()
    target, status = folder / f"{job}.pdf", folder / f"{job}.json"
    status.write_text(json.dumps({"state": "running", "lang": lang, "started": time.time()}))
    export = [sys.executable, "-m", "flask", "--app", "app", "export-pdf", "register", "--org", g.org.slug,
              "-o", str(target), "--lang", lang]
    # The shell line records the outcome; every argument is quoted (the slug is validated, but quote anyway).
    line = (f"{shlex.join(export)} >{shlex.quote(str(folder / (job + '.log')))} 2>&1 && "
            f"echo done >{shlex.quote(str(folder / (job + '.state')))} || "
            f"echo failed >{shlex.quote(str(folder / (job + '.state')))}")
    env = {**os.environ, "REGISTRY_DATABASE_URL": current_app.config["DATABASE_URL"]}
    process = subprocess.Popen(["/bin/sh", "-c", line], cwd=Path(current_app.root_path).parent, env=env,
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    current_app.extensions.setdefault("registry.export_jobs", {})[job] = process  # reaped by the next poll
    return redirect(url_for("documents.job", job=job))


def _job_state(job: str) -> tuple[str, dict]:
    if len(job) != 2 * JOB_ID_BYTES or not all(c in "0123456789abcdef" for c in job):
        abort(404)
    folder = _jobs_dir()
    status = folder / f"{job}.json"
    if not status.exists():
        abort(404)
    info = json.loads(status.read_text())
    process = current_app.extensions.get("registry.export_jobs", {}).get(job)
    if process is not None:
        process.poll()
    state_file = folder / f"{job}.state"
    state = state_file.read_text().strip() if state_file.exists() else "running"
    return state, info


@bp.get("/jobs/<job>")
def job(job: str):
    state, info = _job_state(job)
    elapsed = int(time.time() - info["started"])
    return render_template("documents/job.html", org=g.org, job=job, state=state, elapsed=elapsed, lang=info["lang"])


@bp.get("/jobs/<job>.pdf")
def job_pdf(job: str):
    state, info = _job_state(job)
    if state != "done":
        abort(404)
    path = _jobs_dir() / f"{job}.pdf"
    return send_file(path, mimetype="application/pdf", as_attachment=True,
                     download_name=f"register-{g.org.slug}-{info['lang']}.pdf")
