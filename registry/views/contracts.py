"""A record's contract (client controller or sub-processor): upload, versions, download, the latest check, terms.

The routes are added to the record's own blueprint, so `clients.contract` sits beside `clients.detail`.
"""

import re
import unicodedata
from collections import Counter
from urllib.parse import quote

from flask import Blueprint, abort, current_app, flash, g, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from registry.auth import accepts_upload
from registry.db import get_session
from registry.domain.refusals import Refused
from registry.forms.contracts import AcceptTermsForm, ContractUploadForm
from registry.i18n import current_lang
from registry.models import checks
from registry.services import contract_files as ex
from registry.services import contracts as service
from registry.services.contract_files import ContractFileError
from registry.services.crud import read_version
from registry.views import contract_display as show
from registry.views.crud import actor, attach_errors, get_or_404
from registry.views.entity import READ, WRITE, Entity, requires


def owner_of(area: str, obj) -> dict:
    return {"client_id": obj.id} if area == "clients" else {"subprocessor_id": obj.id}


def contract_summary(session, area: str, obj) -> dict:
    """What a record's detail page shows of its contract: the versions and the verdict counts of the latest."""
    versions = service.contract_versions(session, **owner_of(area, obj))
    latest = versions[0] if versions else None
    # An item the checker gets right too rarely on the corpus counts as "to verify", not as its verdict.
    counts = Counter(show.shown_verdict(i) for i in (latest.check_result or {}).get("items", [])) if latest else Counter()
    return {"contract_versions": versions, "contract_latest": latest, "contract_counts": counts,
            "upload_form": ContractUploadForm(), "contract_show": show}


def content_disposition(file_name: str) -> str:
    """`attachment` with an ASCII-only fallback name and the exact name in RFC 6266 / 5987 form: no header injection."""
    ascii_name = unicodedata.normalize("NFKD", file_name).encode("ascii", "ignore").decode("ascii")
    ascii_name = re.sub(r"[^A-Za-z0-9._ -]", "_", ascii_name).strip(" .") or "contract"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(file_name, safe='')}"


def parse_limits() -> ex.ParseLimits:
    """What reading one uploaded file may cost, from the settings (README, "Limits")."""
    config = current_app.config
    return ex.ParseLimits(file_bytes=config["REGISTRY_MAX_UPLOAD_BYTES"],
                          cpu_seconds=config["REGISTRY_CONTRACT_CPU_SECONDS"],
                          memory_bytes=config["REGISTRY_CONTRACT_MEMORY_MB"] * 1024 * 1024,
                          timeout_seconds=config["REGISTRY_CONTRACT_TIMEOUT_SECONDS"])


def register_contract_routes(bp: Blueprint, entity: Entity) -> None:
    """Add `<area>.contract`, `.contract_upload`, `.contract_file` and `.contract_accept`."""
    area, model = entity.area, entity.model

    def page(obj, form: ContractUploadForm, status: int = 200):
        session = get_session()
        summary = contract_summary(session, area, obj)
        latest = summary["contract_latest"]
        findings = service.record_cross_check(session, latest, current_lang()) if latest else []
        proposals = service.term_proposals(obj, latest) if latest else []
        summary["upload_form"] = form
        return render_template("contracts/page.html", org=g.org, entity=entity, obj=obj, area=area,
                               result=(latest.check_result or {}) if latest else None, findings=findings,
                               proposals=proposals, **summary), status

    @requires(READ)
    def contract_view(record_id: int):
        return page(get_or_404(model, record_id, g.org), ContractUploadForm())

    @accepts_upload
    @requires(WRITE)
    def upload_view(record_id: int):
        session = get_session()
        obj = get_or_404(model, record_id, g.org)
        form = ContractUploadForm()
        if form.validate_on_submit():
            upload = form.file.data
            stream = upload.stream
            stream.seek(0, 2)
            size = stream.tell()
            stream.seek(0)
            limits = parse_limits()
            if size > limits.file_bytes:  # refused before it is read into memory
                form.file.errors.append(show.size_refusal(size, limits.file_bytes))
            else:
                try:
                    doc = service.store_contract(session, g.org.id, file_name=upload.filename or "", data=stream.read(),
                                                 uploaded_by=actor(), limits=limits, **owner_of(area, obj))
                except ContractFileError as exc:
                    session.rollback()
                    form.file.errors.append(show.refusal_message(exc))
                else:
                    session.commit()
                    flash(_("Contract stored as version %(n)s and checked.", n=doc.revision), "ok")
                    return redirect(url_for(f"{area}.contract", record_id=obj.id))
        return page(obj, form, 422)

    @requires(READ)
    def file_view(record_id: int):
        obj = get_or_404(model, record_id, g.org)
        revision = request.args.get("revision", type=int)
        doc = service.contract_revision(get_session(), revision, **owner_of(area, obj))
        if doc is None:
            if revision is not None:
                abort(404)
            flash(_("No contract is stored on this record yet."), "bad")
            return redirect(url_for(f"{area}.contract", record_id=obj.id))
        response = make_response(doc.content)
        # The type sniffed at upload, never the browser's guess; the file is never shown inside the app's pages.
        response.headers["Content-Type"] = doc.media_type
        response.headers["Content-Disposition"] = content_disposition(doc.file_name)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
        response.headers["Cache-Control"] = "private, no-store"
        return response

    bp.add_url_rule("/<int:record_id>/contract", "contract", contract_view)
    bp.add_url_rule("/<int:record_id>/contract/upload", "contract_upload", upload_view, methods=["POST"])
    bp.add_url_rule("/<int:record_id>/contract/file", "contract_file", file_view)
    bp.add_url_rule("/<int:record_id>/contract/accept", "contract_accept", _accept_view(entity),
                    methods=["GET", "POST"])


def _accept_view(entity: Entity):
    @requires(WRITE)
    def accept_view(record_id: int):
        """Copy the chosen terms of the latest contract into the record: one audited, version-checked save."""
        session = get_session()
        obj = get_or_404(entity.model, record_id, g.org)
        latest = service.latest_contract(session, **owner_of(entity.area, obj))
        if latest is None:
            flash(_("No contract is stored on this record yet."), "bad")
            return redirect(url_for(f"{entity.area}.contract", record_id=obj.id))
        proposals = service.term_proposals(obj, latest)
        form = AcceptTermsForm()
        form.fields.choices = [(p.field, p.field) for p in proposals]
        if request.method == "GET":
            form.version.data = str(obj.version)
            form.document.data = str(latest.id)
            form.fields.data = [p.field for p in proposals if p.preselected]
        elif form.validate_on_submit():
            document_id = checks.record_id(form.document.data) or -1
            try:
                changes = service.accept_contract_terms(session, g.org, obj, document_id, form.fields.data or [],
                                                        read_version(form.version.data, required=True), actor())
            except Refused as exc:  # a stale version is a refusal too: its message goes to the top of the form
                session.rollback()
                attach_errors(form, exc.by_field(current_lang()))
            else:
                session.commit()
                flash(ngettext("%(num)s term copied from the contract into the record.",
                               "%(num)s terms copied from the contract into the record.", len(changes)) if changes
                      else _("Nothing changed."), "ok")
                return redirect(url_for(f"{entity.area}.detail", record_id=obj.id) + "#history")
        status = 422 if form.errors or form.form_errors else 200
        labels = entity.form(meta={"csrf": False})
        return render_template("contracts/accept.html", org=g.org, entity=entity, obj=obj, latest=latest,
                               proposals=proposals, form=form, labels=labels, show=show), status

    return accept_view
