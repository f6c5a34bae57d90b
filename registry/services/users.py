"""Accounts: creation, passwords (argon2id), memberships, login sessions, rate limits and API tokens."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from email_validator import EmailNotValidError, validate_email
from sqlalchemy import case, delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from registry.domain.refusals import Refused
from registry.domain.users import session_expiry
from registry.models import ApiToken, LoginCounter, LoginSession, Membership, Organisation, User
from registry.models.base import utcnow
from registry.models.users import ROLES

HASHER = PasswordHasher()  # argon2id with the library's current recommended parameters
MIN_PASSWORD = 12
# A session's last use is written at most this often: the idle lifetime is counted in hours, not seconds.
TOUCH_EVERY = timedelta(minutes=1)
# Verifying against a fixed hash when the e-mail is unknown keeps the answer time the same for both cases.
_DUMMY_HASH = HASHER.hash("not-a-real-password-0000")


@dataclass(frozen=True)
class LoginLimits:
    """Failed logins allowed per account and per client address within one window (README, "Limits")."""

    per_account: int = 5
    per_address: int = 50
    window: timedelta = timedelta(minutes=15)


@dataclass(frozen=True)
class SessionLifetimes:
    """How long a login session lives without a request, and at most after the login (README, "Limits")."""

    idle: timedelta = timedelta(hours=8)
    absolute: timedelta = timedelta(days=30)


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


def _counter_keys(email: str, remote_addr: str) -> tuple[str, str]:
    return f"account:{email.strip().lower()[:254]}", f"address:{remote_addr[:64]}"


def _claim(session: Session, key: str, limit: int, window: timedelta) -> bool:
    """Take one attempt of `key`'s window in one atomic UPDATE; True while the count stays within `limit`.

    Concurrent claims wait on the row's lock (PostgreSQL) or the database's write lock (SQLite), so each
    one reads the count the previous one left: N parallel claims see 1..N, never the same number twice.
    """
    now = utcnow()
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    stale = LoginCounter.window_start < now - window
    count = None
    while count is None:  # a row swept by `_sweep` between the two statements is made again
        session.execute(insert(LoginCounter).values(key=key, window_start=now, attempts=0)
                        .on_conflict_do_nothing(index_elements=["key"]))
        count = session.execute(
            update(LoginCounter).where(LoginCounter.key == key)
            .values(attempts=case((stale, 1), else_=LoginCounter.attempts + 1),
                    window_start=case((stale, now), else_=LoginCounter.window_start))
            .returning(LoginCounter.attempts)
        ).scalar_one_or_none()
    return count <= limit


def _sweep(session: Session, window: timedelta) -> None:
    """Drop the counters of windows long closed: guesses on made-up e-mails must not grow the table for ever."""
    session.execute(delete(LoginCounter).where(LoginCounter.window_start < utcnow() - max(window, timedelta(days=1))))


def _give_back(session: Session, *keys: str) -> None:
    session.execute(update(LoginCounter).where(LoginCounter.key.in_(keys))
                    .values(attempts=case((LoginCounter.attempts > 0, LoginCounter.attempts - 1), else_=0)))


def claim_login(session: Session, email: str, remote_addr: str, limits: LoginLimits) -> str | None:
    """Claim the right to check one password (Art. 32: resistance to guessing); the caller commits at once.

    None: the attempt may be checked, and holds a slot of the account's and the address's counts until
    `login_failed` keeps it or `login_succeeded` gives it back. "account" or "address": the limit is reached
    and nothing is held, so a refused attempt never counts against the other counter.
    """
    account, address = _counter_keys(email, remote_addr)
    _sweep(session, limits.window)
    if not _claim(session, account, limits.per_account, limits.window):
        _give_back(session, account)
        return "account"
    if not _claim(session, address, limits.per_address, limits.window):
        _give_back(session, account, address)
        return "address"
    return None


def claim_request(session: Session, key: str, limit: int, window: timedelta) -> bool:
    """Count one request of `key` (e.g. "notice-link:<ip>") in the login counters' table; False once over `limit`
    within `window` (Art. 32: a page opened by a link without an account must not be walked by guessing). Keys of
    another kind than "account:" and "address:" never touch the login limits. The caller commits at once."""
    _sweep(session, window)
    return _claim(session, key[:300], limit, window)


def login_succeeded(session: Session, email: str, remote_addr: str) -> None:
    """A right password gives back the slots its attempt held: a success is no failure."""
    _give_back(session, *_counter_keys(email, remote_addr))


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user whose e-mail and password match, else None (the claimed slots then stay as the failure)."""
    email = email.strip().lower()
    user = find_user(session, email)
    try:
        HASHER.verify(user.password_hash if user else _DUMMY_HASH, password)
        ok = user is not None and user.is_active
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok:
        return None
    if HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = HASHER.hash(password)
    return user


def open_session(session: Session, user: User, remote_addr: str | None = None, user_agent: str | None = None) -> str:
    token = secrets.token_urlsafe(32)
    session.add(LoginSession(id=token, user_id=user.id, remote_addr=(remote_addr or "")[:64] or None,
                             user_agent=(user_agent or "")[:300] or None))
    session.flush()
    return token


def resume_session(session: Session, token: str, lifetimes: SessionLifetimes) -> tuple[User | None, str | None]:
    """The user of the live login session `token` and None; or None and why it ended ("idle", "absolute").

    Checked on the server at every request (Art. 32(1)(b)): an ended session is revoked for good, whatever
    its cookie says; a live one records its use, at most once per TOUCH_EVERY. The caller commits.
    """
    row = session.get(LoginSession, token)
    if row is None or row.revoked_at is not None:
        return None, None
    now = utcnow()
    ended = session_expiry(row.created_at, row.last_seen_at, now, lifetimes.idle, lifetimes.absolute)
    if ended:
        row.revoked_at = now
        session.flush()
        return None, ended
    if now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
        session.flush()
    user = session.get(User, row.user_id)
    return (user, None) if user and user.is_active else (None, None)


def user_for_session(session: Session, token: str) -> User | None:
    return resume_session(session, token, SessionLifetimes())[0]


def session_handle(token: str) -> str:
    """What a page may show of a session to name it: never the token, which is the credential itself."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()[:16]


def live_sessions(session: Session, user_id: int, lifetimes: SessionLifetimes) -> list[LoginSession]:
    """The user's sessions still in force, most recently used first."""
    now = utcnow()
    rows = session.execute(select(LoginSession).where(LoginSession.user_id == user_id, LoginSession.revoked_at.is_(None))
                           .order_by(LoginSession.last_seen_at.desc())).scalars()
    return [r for r in rows if session_expiry(r.created_at, r.last_seen_at, now, lifetimes.idle, lifetimes.absolute)
            is None]


def end_sessions(session: Session, user_id: int, keep: str, handle: str | None = None) -> int:
    """End the user's other sessions (all but `keep`), or only the one named by `handle`; how many were ended."""
    rows = session.execute(select(LoginSession).where(LoginSession.user_id == user_id, LoginSession.revoked_at.is_(None),
                                                      LoginSession.id != keep)).scalars().all()
    ended = 0
    for row in rows:
        if handle is None or session_handle(row.id) == handle:
            row.revoked_at = utcnow()
            ended += 1
    session.flush()
    return ended


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
