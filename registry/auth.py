"""Logins (Flask-Login over server-side sessions), roles per organisation, cookies and security headers."""

import ipaddress
import secrets
import sys
from datetime import timedelta

from flask import Flask, abort, current_app, flash, g, request
from flask import session as cookie
from flask_babel import gettext as _
from flask_login import LoginManager, UserMixin, current_user
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session
from werkzeug.middleware.proxy_fix import ProxyFix

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


def login_limits() -> accounts.LoginLimits:
    config = current_app.config
    return accounts.LoginLimits(per_account=config["REGISTRY_LOGIN_ACCOUNT_LIMIT"],
                                per_address=config["REGISTRY_LOGIN_ADDRESS_LIMIT"],
                                window=timedelta(minutes=config["REGISTRY_LOGIN_WINDOW_MINUTES"]))


def session_lifetimes() -> accounts.SessionLifetimes:
    config = current_app.config
    return accounts.SessionLifetimes(idle=timedelta(minutes=config["REGISTRY_SESSION_IDLE_MINUTES"]),
                                     absolute=timedelta(days=config["REGISTRY_SESSION_MAX_DAYS"]))


@login_manager.user_loader
def _load(token: str) -> SignedIn | None:
    session = get_session()
    user, ended = accounts.resume_session(session, token, session_lifetimes())
    # Loaded before the view runs (see _resume_login), so this commit holds the session's last use or its end alone.
    session.commit()
    if ended:
        cookie.pop("_user_id", None)
        flash(_("Your session has expired: log in again."), "bad")
    return SignedIn(user, token) if user else None


def _resume_login() -> None:
    """Load the login of the cookie before the view: the session's lifetimes are checked on every request."""
    if "_user_id" in cookie:
        current_user._get_current_object()


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


def accepts_upload(view):
    """Mark a view that receives a file: its request body may reach REGISTRY_MAX_UPLOAD_BYTES, not the form bound."""
    view.accepts_upload = True
    return view


def _bound_request_body() -> None:
    """Set this request's body bound before anything reads the body (the CSRF check reads the form).

    Werkzeug then answers 413 from the declared Content-Length without reading, and stops a body without one
    at the bound. An upload's bound leaves room for the multipart envelope and the form's other fields, so a
    file just over the limit still gets its message at the field.
    """
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, "accepts_upload", False):
        request.max_content_length = current_app.config["REGISTRY_MAX_UPLOAD_BYTES"] + 1024 * 1024


class TrustedProxies:
    """Werkzeug's ProxyFix, applied only to requests that come from one of the configured proxy addresses.

    Anyone else could write an X-Forwarded-For header, so theirs is ignored and the address stays the socket's.
    """

    def __init__(self, wsgi_app, networks: tuple[str, ...], hops: int):
        self.direct = wsgi_app
        self.proxied = ProxyFix(wsgi_app, x_for=hops, x_proto=hops)
        self.networks = [ipaddress.ip_network(n, strict=False) for n in networks]

    def _trusted(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self.networks)

    def __call__(self, environ, start_response):
        if self._trusted(environ.get("REMOTE_ADDR", "")):
            return self.proxied(environ, start_response)
        return self.direct(environ, start_response)


def init_auth(app: Flask) -> None:
    local = app.debug or app.testing
    app.config["MAX_CONTENT_LENGTH"] = app.config["REGISTRY_MAX_FORM_BYTES"]
    # Before CSRFProtect's own hook, which reads the form.
    app.before_request(_bound_request_body)
    if app.config["REGISTRY_TRUSTED_PROXIES"]:
        app.wsgi_app = TrustedProxies(app.wsgi_app, app.config["REGISTRY_TRUSTED_PROXIES"],
                                      app.config["REGISTRY_PROXY_HOPS"])
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
    app.before_request(_resume_login)
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
