"""Accounts: creation, passwords (argon2id), memberships, login sessions, rate limits and API tokens."""

import hashlib
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from email_validator import EmailNotValidError, validate_email
from sqlalchemy import delete, func, select, update
from sqlmodel import Session

from registry.domain.refusals import Refused
from registry.models import ApiToken, LoginAttempt, LoginSession, Membership, Organisation, User
from registry.models.base import utcnow
from registry.models.users import ROLES

HASHER = PasswordHasher()  # argon2id with the library's current recommended parameters
MIN_PASSWORD = 12
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
# Verifying against a fixed hash when the e-mail is unknown keeps the answer time the same for both cases.
_DUMMY_HASH = HASHER.hash("not-a-real-password-0000")


class AccountError(Refused):
    """Bad input for an account action; `field` names the input at fault."""

    def __init__(self, field: str, message: str):
        super().__init__({field: [message]})
        self.field = field
        self.message = message


def normalise_email(email: str) -> str:
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise AccountError("email", f"not a valid e-mail address: {exc}") from None


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError("password", f"use at least {MIN_PASSWORD} characters")


def find_user(session: Session, email: str) -> User | None:
    return session.execute(select(User).where(User.email == email.strip().lower())).scalars().first()


def create_user(session: Session, email: str, password: str, name: str | None = None) -> User:
    email = normalise_email(email)
    check_password(password)
    if find_user(session, email):
        raise AccountError("email", f"an account {email} already exists")
    user = User(email=email, name=name, password_hash=HASHER.hash(password))
    session.add(user)
    session.flush()
    return user


def set_password(session: Session, user: User, password: str) -> None:
    """Change a password and revoke every login session of the user."""
    check_password(password)
    user.password_hash = HASHER.hash(password)
    user.password_changed_at = utcnow()
    revoke_sessions(session, user.id)
    session.flush()


def grant(session: Session, user: User, org: Organisation, role: str) -> Membership:
    if role not in ROLES:
        raise AccountError("role", f"unknown role {role!r} (expected one of: {', '.join(ROLES)})")
    membership = session.get(Membership, (user.id, org.id))
    if membership is None:
        membership = Membership(user_id=user.id, organisation_id=org.id, role=role)
        session.add(membership)
    else:
        membership.role = role
    session.flush()
    return membership


def revoke(session: Session, user: User, org: Organisation) -> bool:
    result = session.execute(
        delete(Membership).where(Membership.user_id == user.id, Membership.organisation_id == org.id)
    )
    return result.rowcount > 0


def role_in(session: Session, user: User, org_id: int) -> str | None:
    if user.is_superuser:
        return "admin"
    membership = session.get(Membership, (user.id, org_id))
    return membership.role if membership else None


def organisations_of(session: Session, user: User) -> list[tuple[Organisation, str]]:
    if user.is_superuser:
        return [(org, "admin") for org in session.execute(select(Organisation).order_by(Organisation.slug)).scalars()]
    rows = session.execute(
        select(Organisation, Membership.role)
        .join(Membership, Membership.organisation_id == Organisation.id)
        .where(Membership.user_id == user.id)
        .order_by(Organisation.slug)
    ).all()
    return [(org, role) for org, role in rows]


def is_rate_limited(session: Session, email: str, remote_addr: str) -> bool:
    since = utcnow() - FAILURE_WINDOW
    failures = session.execute(
        select(func.count())
        .select_from(LoginAttempt)
        .where(LoginAttempt.at >= since, (LoginAttempt.email == email) | (LoginAttempt.remote_addr == remote_addr))
    ).scalar_one()
    return failures >= MAX_FAILURES


def authenticate(session: Session, email: str, password: str, remote_addr: str) -> User | None:
    """The user whose e-mail and password match, else None and the failure is counted."""
    email = email.strip().lower()
    user = find_user(session, email)
    try:
        HASHER.verify(user.password_hash if user else _DUMMY_HASH, password)
        ok = user is not None and user.is_active
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok:
        session.add(LoginAttempt(email=email[:254], remote_addr=remote_addr[:64]))
        session.flush()
        return None
    if HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = HASHER.hash(password)
    session.execute(delete(LoginAttempt).where(LoginAttempt.email == email))
    return user


def open_session(session: Session, user: User) -> str:
    token = secrets.token_urlsafe(32)
    session.add(LoginSession(id=token, user_id=user.id))
    session.flush()
    return token


def user_for_session(session: Session, token: str) -> User | None:
    row = session.get(LoginSession, token)
    if row is None or row.revoked_at is not None:
        return None
    user = session.get(User, row.user_id)
    return user if user and user.is_active else None


def close_session(session: Session, token: str) -> None:
    session.execute(update(LoginSession).where(LoginSession.id == token).values(revoked_at=utcnow()))


def revoke_sessions(session: Session, user_id: int) -> None:
    session.execute(
        update(LoginSession)
        .where(LoginSession.user_id == user_id, LoginSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(session: Session, user: User, name: str) -> tuple[ApiToken, str]:
    """A new personal access token; the clear value is returned once and only its hash is stored."""
    if not name.strip():
        raise AccountError("name", "give the token a name")
    clear = "rgt_" + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name.strip()[:100], prefix=clear[:12], token_hash=_token_hash(clear))
    session.add(token)
    session.flush()
    return token, clear


def user_for_token(session: Session, clear: str) -> User | None:
    token = session.execute(select(ApiToken).where(ApiToken.token_hash == _token_hash(clear))).scalars().first()
    if token is None or token.revoked_at is not None:
        return None
    token.last_used_at = utcnow()
    user = session.get(User, token.user_id)
    return user if user and user.is_active else None


def revoke_token(session: Session, token: ApiToken) -> None:
    token.revoked_at = utcnow()
    session.flush()
