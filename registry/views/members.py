"""An organisation's members page (admins only): add a person with a role, change a role, remove a member.

Every change is one transaction and one audit entry. A person with no account yet gets one, with a one-time
password shown once to the admin, who hands it over; the person then sets their own on the password page.
"""

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from registry.db import get_session
from registry.forms.members import MemberForm, RoleForm
from registry.models import User
from registry.services import members as service
from registry.services.crud import Invalid
from registry.views.crud import actor, attach_errors, org_blueprint
from registry.views.entity import ADMIN, requires

bp = org_blueprint("members", __name__)


def _page(form: MemberForm, status: int = 200, new_password: tuple[str, str] | None = None):
    rows = [(user, role, RoleForm(role=role, prefix=f"m{user.id}", meta={"csrf": False})) for user, role in
            service.list_members(get_session(), g.org)]
    return render_template("members/index.html", org=g.org, form=form, rows=rows, new_password=new_password), status


def _commit(run) -> dict[str, list[str]]:
    """Run the change and commit it; a refusal is rolled back and its messages, by field, returned."""
    session = get_session()
    try:
        run(session)
    except Invalid as exc:
        session.rollback()
        return exc.errors
    session.commit()
    return {}


def _flash_refusal(errors: dict[str, list[str]]) -> None:
    for message in [m for messages in errors.values() for m in messages]:
        flash(_(message), "error")


@bp.route("/", methods=["GET", "POST"])
@requires(ADMIN)
def index():
    form = MemberForm()
    if request.method == "POST" and form.validate_on_submit():
        added = {}

        def run(session):
            added["user"], added["password"] = service.add_member(
                session, g.org, form.email.data, form.role.data, actor(), (form.name.data or "").strip() or None)

        errors = _commit(run)
        if not errors:
            user, password = added["user"], added["password"]
            if password:
                # Shown once, on this response only: never stored in clear, never put in a redirect or a log.
                return _page(MemberForm(formdata=None), new_password=(user.email, password))
            flash(_("%(email)s added.", email=user.email), "ok")
            return redirect(url_for("members.index"))
        attach_errors(form, errors)
    return _page(form, 422 if form.errors else 200)


def _member(user_id: int) -> User:
    user = get_session().get(User, user_id)
    if user is None or user_id not in {u.id for u, _role in service.list_members(get_session(), g.org)}:
        abort(404)
    return user


@bp.post("/<int:user_id>/role")
@requires(ADMIN)
def change_role(user_id: int):
    user = _member(user_id)
    form = RoleForm(prefix=f"m{user_id}", meta={"csrf": False})  # the token is checked by registry.auth.csrf
    if not form.validate():
        _flash_refusal({"role": [_("Choose a role from the list.")]})
    elif errors := _commit(lambda s: service.set_role(s, g.org, user, form.role.data, actor())):
        _flash_refusal(errors)
    else:
        flash(_("Role of %(email)s saved.", email=user.email), "ok")
    return redirect(url_for("members.index"))


@bp.post("/<int:user_id>/remove")
@requires(ADMIN)
def remove(user_id: int):
    user = _member(user_id)  # the CSRF token is checked for every POST by registry.auth.csrf
    if errors := _commit(lambda s: service.remove_member(s, g.org, user, actor())):
        _flash_refusal(errors)
    else:
        flash(_("%(email)s no longer has access to this register.", email=user.email), "ok")
        if user.id == current_user.id and not current_user.is_superuser:
            return redirect(url_for("home.index"))  # one's own access removed: the members page is now a 404
    return redirect(url_for("members.index"))
