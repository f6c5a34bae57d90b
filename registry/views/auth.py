"""Login, logout and password change."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required, login_user, logout_user
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from registry.auth import SignedIn, login_limits, session_lifetimes
from registry.db import get_session
from registry.forms import Form
from registry.i18n import local_path
from registry.services import users as accounts
from registry.views.reminders import register_reminder_routes

bp = Blueprint("auth", __name__)


class LoginForm(Form):
    email = EmailField("E-mail", validators=[DataRequired()])
    password = PasswordField("Password", validators=[DataRequired()])


class PasswordForm(Form):
    current = PasswordField("Current password", validators=[DataRequired()])
    new = PasswordField("New password", validators=[DataRequired(), Length(min=accounts.MIN_PASSWORD)])
    confirm = PasswordField("Repeat the new password", validators=[EqualTo("new")])


class TokenForm(Form):
    name = StringField("What the token is for", validators=[DataRequired(), Length(max=100)])


def _safe_next(target: str | None) -> str:
    return local_path(target) or url_for("home.index")


def _too_many(which: str) -> str:
    minutes = current_app.config["REGISTRY_LOGIN_WINDOW_MINUTES"]
    if which == "address":
        return _("Too many failed attempts from this address: wait %(minutes)s minutes and try again.", minutes=minutes)
    return _("Too many failed attempts on this account: wait %(minutes)s minutes and try again.", minutes=minutes)


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        session = get_session()
        remote = request.remote_addr or "unknown"
        email = form.email.data.strip().lower()
        # The claim is committed before the password is checked: parallel guesses each see the others' claims.
        blocked = accounts.claim_login(session, email, remote, login_limits())
        session.commit()
        if blocked:
            form.password.errors.append(_too_many(blocked))
            status = 429
        else:
            user = accounts.authenticate(session, email, form.password.data)
            if user is None:
                session.commit()  # the claimed slots stay: they are the failure
                form.password.errors.append(_("Unknown e-mail or wrong password."))
                status = 401
            else:
                accounts.login_succeeded(session, email, remote)
                token = accounts.open_session(session, user, remote, request.user_agent.string)
                session.commit()
                login_user(SignedIn(user, token))
                return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    session = get_session()
    accounts.close_session(session, current_user.token)
    session.commit()
    logout_user()
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password():
    form = PasswordForm()
    if form.validate_on_submit():
        session = get_session()
        user = current_user.user
        remote = request.remote_addr or "unknown"
        blocked = accounts.claim_login(session, user.email, remote, login_limits())
        session.commit()
        if blocked:
            form.current.errors.append(_too_many(blocked))
        elif accounts.authenticate(session, user.email, form.current.data) is None:
            session.commit()
            form.current.errors.append(_("Wrong password."))
        else:
            accounts.login_succeeded(session, user.email, remote)
            accounts.set_password(session, user, form.new.data)
            session.commit()
            logout_user()
            flash(_("Password changed: every session was closed, log in again."))
            return redirect(url_for("auth.login"))
    return render_template("auth/password.html", form=form)


@bp.get("/account/sessions")
@login_required
def sessions():
    """The user's login sessions in force, this one marked, each with a button to end it, and one to end the others."""
    rows = accounts.live_sessions(get_session(), current_user.id, session_lifetimes())
    return render_template("auth/sessions.html", sessions=rows, current=current_user.token,
                           handle=accounts.session_handle)


@bp.post("/account/sessions/end")
@login_required
def end_sessions():
    """End one other session (`session` names it by its handle) or, without one, every other session."""
    session = get_session()
    handle = request.form.get("session") or None
    ended = accounts.end_sessions(session, current_user.id, keep=current_user.token, handle=handle)
    if handle is not None and not ended:
        abort(404)
    session.commit()
    flash(ngettext("%(num)s session ended.", "%(num)s sessions ended.", ended) if ended
          else _("No other session was open."), "ok")
    return redirect(url_for("auth.sessions"))


@bp.route("/account/tokens", methods=["GET", "POST"])
@login_required
def tokens():
    """Personal access tokens for the JSON API: created here, shown once, stored hashed, revocable."""
    from sqlalchemy import select

    from registry.models import ApiToken

    session = get_session()
    form = TokenForm()
    created = None
    if form.validate_on_submit():
        _token, created = accounts.create_token(session, current_user.user, form.name.data)
        session.commit()
        form = TokenForm(formdata=None)
    rows = session.execute(
        select(ApiToken).where(ApiToken.user_id == current_user.id).order_by(ApiToken.id.desc())
    ).scalars().all()
    return render_template("auth/tokens.html", form=form, tokens=rows, created=created)


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):
    from flask import abort

    from registry.models import ApiToken

    session = get_session()
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != current_user.id:
        abort(404)
    accounts.revoke_token(session, token)
    session.commit()
    flash(_("Token revoked."))
    return redirect(url_for("auth.tokens"))


register_reminder_routes(bp)
