"""THE generic list/new/detail/edit/delete mechanism, configured per entity by an `Entity` description."""

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import SQLModel

from registry import auth
from registry.auth import WRITE_ROLES
from registry.db import get_session
from registry.domain.refusals import Refused
from registry.forms import RecordForm, grow_rows, spare_rows
from registry.i18n import current_lang
from registry.models import Organisation
from registry.services.crud import read_version
from registry.views.entity import ADMIN, READ, Entity, requires
from registry.views.formatting import message_text
from registry.views.history import record_history
from registry.views.lists import PAGE_SIZE, list_page, list_state


def authorize(role: str) -> None:
    """The one place a view's role is checked against the user's role in the organisation (loaded in `g`)."""
    if role == READ:
        return
    allowed = ("admin",) if role == ADMIN else WRITE_ROLES
    if g.role not in allowed:
        abort(403)


def actor() -> str:
    """Who acts, recorded in the audit trail with each change."""
    return auth.actor()


def org_blueprint(area: str, import_name: str) -> Blueprint:
    """A blueprint under /orgs/<slug>/<area>: logged-in members only; another organisation's URL is a 404."""
    prefix = f"/orgs/<slug>/{area}" if area != "organisations" else "/orgs/<slug>"
    bp = Blueprint(area, import_name, url_prefix=prefix)

    @bp.url_value_preprocessor
    def _take_slug(_endpoint, values):
        g.org_slug = values.pop("slug", None)

    @bp.url_defaults
    def _add_slug(_endpoint, values):
        if "slug" not in values and "org" in g:
            values["slug"] = g.org.slug

    @bp.before_request
    def _load_org_and_check_role():
        if not current_user.is_authenticated:
            return auth.login_manager.unauthorized()
        auth.load_org(g.org_slug)  # 404 unless the user is a member
        view = current_app.view_functions.get(request.endpoint)
        authorize(getattr(view, "required_role", READ))
        return None

    return bp


def get_or_404(model: type[SQLModel], record_id: int, org: Organisation):
    """A record of this organisation; another organisation's record is a 404, not a 403 (no existence leak)."""
    obj = get_session().get(model, record_id)
    if obj is None or obj.organisation_id != org.id:
        abort(404)
    return obj


def _template(entity: Entity, action: str) -> list[str]:
    generic = "form" if action in ("new", "edit") else action
    return [f"{entity.area}/{action}.html", f"{entity.area}/form.html" if generic == "form" else "", f"crud/{generic}.html"]


def _render(entity: Entity, action: str, status: int = 200, **ctx):
    names = [n for n in _template(entity, action) if n]
    return render_template(names, entity=entity, org=g.org, action=action, **ctx), status


def fix_url(entity: Entity, obj, flag) -> str | None:
    """Where the user fixes what a flag reports: the field of the edit form, or the record that is missing."""
    if flag.field in entity.fixes:
        return entity.fixes[flag.field](obj, flag)
    if flag.field == "organisation":
        # The organisation's identity is in its settings, which only its admins change.
        return url_for("organisations.edit") if g.get("role") == "admin" else None
    edit = url_for(f"{entity.area}.edit", record_id=obj.id)
    return f"{edit}#{flag.field}" if flag.field else edit


def register_crud(bp: Blueprint, entity: Entity) -> None:
    """Add the five endpoints `area.list|new|detail|edit|delete` (and `retire` when configured) to `bp`."""
    model = entity.model

    @requires(entity.role_read)
    def list_view():
        state = list_state(entity)
        page = list_page(entity, g.org, state)
        pages = max(1, -(-page.total // PAGE_SIZE)) if page.total is not None else None
        ctx = entity.page_context(get_session(), g.org, page.rows)
        status = 422 if state["errors"] else 200
        return _render(entity, "list", status, rows=page.rows, flags=page.flags, page=page, pages=pages, state=state,
                       ctx=ctx)

    @requires(entity.role_write)
    def new_view():
        session = get_session()
        form = entity.form(data=request.args.to_dict() if request.method == "GET" else None)
        entity.prepare_form(form, session, g.org, None)
        if request.method == "GET":
            spare_rows(form)
        if request.method == "POST" and "add_row" in request.form:
            grow_rows(form)
        elif form.validate_on_submit():
            done = save(form, lambda data: entity.create(session, g.org, data, actor()))
            if done:
                obj, _changes = done
                flash(_("%(what)s created.", what=entity.name_of(obj)), "ok")
                return redirect(url_for(f"{entity.area}.detail", record_id=obj.id))
        status = 422 if form.errors else 200
        return _render(entity, "new", status, form=form, obj=None)

    @requires(entity.role_read)
    def detail_view(record_id: int):
        session = get_session()
        obj = get_or_404(model, record_id, g.org)
        flags = entity.flags(session, g.org, [obj]).get(obj.id, []) if entity.flags else []
        extra = entity.detail_context(session, g.org, obj)
        # The form, filled from the record, lays the detail page out the same way as the edit page.
        shown = entity.form(obj=entity.form_from_record(obj) if entity.form_from_record else obj, meta={"csrf": False})
        entity.prepare_form(shown, session, g.org, obj)
        return _render(
            entity, "detail", obj=obj, flags=flags, shown=shown, fix=lambda f: fix_url(entity, obj, f),
            history=record_history(session, obj, shown), **extra
        )

    @requires(entity.role_write)
    def edit_view(record_id: int):
        session = get_session()
        obj = get_or_404(model, record_id, g.org)
        if request.method == "GET":
            form = entity.form(obj=entity.form_from_record(obj) if entity.form_from_record else obj)
            form.version.data = str(obj.version)
            spare_rows(form)
        else:
            form = entity.form()
        entity.prepare_form(form, session, g.org, obj)
        if request.method == "POST" and "add_row" in request.form:
            grow_rows(form)
        elif form.validate_on_submit():
            done = save(form, lambda data: entity.update(session, g.org, obj, data, actor()), with_version=True)
            if done is not None:
                flash(_("Saved.") if done else _("Nothing changed."), "ok")
                return redirect(url_for(f"{entity.area}.detail", record_id=obj.id))
        status = 422 if form.errors or form.form_errors else 200
        return _render(entity, "edit", status, form=form, obj=obj)

    @requires(entity.role_write)
    def delete_view(record_id: int):
        session = get_session()
        obj = get_or_404(model, record_id, g.org)
        blockers = entity.before_delete(session, g.org, obj)
        form = RecordForm()
        if request.method == "POST" and not blockers and form.validate_on_submit():
            name = entity.name_of(obj)
            entity.delete(session, g.org, obj, actor())
            session.commit()
            flash(_("%(what)s deleted.", what=name), "ok")
            return redirect(url_for(f"{entity.area}.list"))
        status = 409 if blockers and request.method == "POST" else 200
        return _render(entity, "delete", status, obj=obj, blockers=blockers, form=form)

    bp.add_url_rule("/", "list", list_view)
    bp.add_url_rule("/new", "new", new_view, methods=["GET", "POST"])
    bp.add_url_rule("/<int:record_id>", "detail", detail_view)
    bp.add_url_rule("/<int:record_id>/edit", "edit", edit_view, methods=["GET", "POST"])
    bp.add_url_rule("/<int:record_id>/delete", "delete", delete_view, methods=["GET", "POST"])

    if entity.retire is not None:

        @requires(entity.role_write)
        def retire_view(record_id: int):
            session = get_session()
            obj = get_or_404(model, record_id, g.org)
            if RecordForm().validate_on_submit():
                entity.retire(session, g.org, obj, actor())
                session.commit()
                flash(_("%(what)s retired.", what=entity.name_of(obj)), "ok")
            else:
                flash(_("The form expired. Try again."), "bad")
            return redirect(url_for(f"{entity.area}.detail", record_id=obj.id))

        bp.add_url_rule("/<int:record_id>/retire", "retire", retire_view, methods=["POST"])
    bp.entity = entity


def save(form: RecordForm, run: Callable[[dict], Any], with_version: bool = False):
    """Run the service with the form's answers and commit once; on refusal roll back and show why at the field.

    Returns the service's result, or None when nothing was saved.
    """
    session = get_session()
    data = form.record_data()
    try:
        if with_version:  # an edit: the version it was read at, without which it could overwrite unseen changes
            data["version"] = read_version(form.version.data, required=True)
        result = run(data)
    except Refused as exc:  # the one place the web turns a refusal into messages at the form's fields
        session.rollback()
        attach_errors(form, exc.by_field(current_lang()))
        return None
    session.commit()
    return result


def attach_errors(form: RecordForm, errors: dict[str, list[str]]) -> None:
    """Service errors shown next to their field; a field the form lacks goes to the top of the form."""
    for name, messages in errors.items():
        target = _find_field(form, name)
        translated = [message_text(m) for m in messages]
        if target is None:
            form.form_errors.extend(translated)
        else:
            target.errors = list(target.errors or []) + translated
    form._errors = None  # WTForms caches `form.errors`; it must see the errors just added

def _find_field(form, name: str):
    if name in form._fields:
        return form[name]
    parts = name.split("-")
    field = form._fields.get(parts[0])
    for part in parts[1:]:
        if field is None:
            return None
        if part.isdigit() and hasattr(field, "entries"):
            index = int(part)
            field = field.entries[index] if index < len(field.entries) else None
        elif hasattr(field, "form"):
            field = field.form._fields.get(part)
        else:
            return field
    return field
