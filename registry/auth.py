"""Logins (Flask-Login over server-side sessions), roles per organisation, cookies and security headers."""

import secrets
import sys

from flask import Flask, abort, g, request
from flask_login import LoginManager, UserMixin, current_user
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from registry.db import get_session, under_flask_cli
from registry.models import Organisation, User
from registry.services import users as accounts

csrf = CSRFProtect()
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = None

# Pages need no inline script or style: everything comes from static/ on this origin.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
WRITE_ROLES = ("admin", "dpo")


class SignedIn(UserMixin):
    """The logged-in person: the account plus the id of the login session the cookie carries."""

    def __init__(self, user: User, token: str):
        self.user = user
        self.token = token
        self.id = user.id
        self.email = user.email
        self.is_superuser = user.is_superuser

    def get_id(self) -> str:
        return self.token


@login_manager.user_loader
def _load(token: str) -> SignedIn | None:
    user = accounts.user_for_session(get_session(), token)
    return SignedIn(user, token) if user else None


def actor() -> str:
    """Who acts, for the audit trail: the logged-in e-mail, or the API token's owner."""
    return current_user.email if current_user.is_authenticated else "anonymous"


def org_role(org: Organisation) -> str | None:
    if not current_user.is_authenticated:
        return None
    return accounts.role_in(get_session(), current_user.user, org.id)


def load_org(slug: str, write: bool = False) -> tuple[Organisation, str]:
    """The organisation of the URL and the user's role in it: 404 if not a member, 403 if read-only on a write."""
    org = get_session().execute(select(Organisation).where(Organisation.slug == slug)).scalars().first()
    role = org_role(org) if org else None
    if org is None or role is None:
        abort(404)
    if write and role not in WRITE_ROLES:
        abort(403)
    g.org, g.role = org, role
    return org, role


def _security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if request.endpoint and request.endpoint != "static":
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def bootstrap_superuser(session: Session) -> tuple[str, str] | None:
    """On a database without any account, create the first administrator with a random password."""
    if session.execute(select(func.count()).select_from(User)).scalar_one():
        return None
    password = secrets.token_urlsafe(15)
    try:
        with session.begin_nested():
            user = accounts.create_user(session, "admin@example.com", password, "Administrator")
            user.is_superuser = True
    except IntegrityError:  # another worker created it first
        return None
    email = user.email
    session.commit()
    return email, password


def init_auth(app: Flask) -> None:
    local = app.debug or app.testing
    # Flask's defaults already exist for these keys, so they are set outright, not setdefault.
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=not local,
        REMEMBER_COOKIE_SECURE=not local,
        REMEMBER_COOKIE_HTTPONLY=True,
    )
    csrf.init_app(app)
    login_manager.init_app(app)
    app.after_request(_security_headers)
    # The web server's first start only: a `flask` command (db upgrade, restore, users ...) must not add an
    # account of its own to the database it works on.
    if app.config.get("REGISTRY_BOOTSTRAP_ADMIN", True) and not under_flask_cli():
        with Session(app.extensions["registry.engine"]) as session:
            created = bootstrap_superuser(session)
        if created:
            email, password = created
            print(
                f"First administrator created: {email} / {password}\n"
                "This password is shown once: change it with `flask --app app users set-password admin@example.com`.",
                file=sys.stderr,
            )
