"""People, their membership of organisations with a role, their login sessions and personal access tokens."""

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from registry.models.base import UTCDateTime, utcnow

ROLES = ("admin", "dpo", "auditor")


class User(SQLModel, table=True):
    __tablename__ = "user_account"
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)
    name: str | None = Field(default=None, max_length=200)
    password_hash: str = Field(max_length=200)
    is_active: bool = True
    # A superuser holds the admin role in every organisation: the first account, who creates the others.
    is_superuser: bool = False
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    password_changed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class Membership(SQLModel, table=True):
    """A user's role in one organisation: admin (members, settings), dpo (edits), auditor (reads)."""

    __tablename__ = "membership"
    user_id: int = Field(foreign_key="user_account.id", primary_key=True, ondelete="CASCADE")
    organisation_id: int = Field(foreign_key="organisation.id", primary_key=True, ondelete="CASCADE", index=True)
    role: str = Field(max_length=20)


class LoginSession(SQLModel, table=True):
    """A server-side login: the cookie holds only its random id, so logout and password changes revoke it.

    It ends after REGISTRY_SESSION_IDLE_MINUTES without a request and REGISTRY_SESSION_MAX_DAYS after the login,
    whatever the cookie says; the address and browser are shown on the account's sessions page.
    """

    __tablename__ = "login_session"
    id: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(foreign_key="user_account.id", index=True, ondelete="CASCADE")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    last_seen_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    remote_addr: str | None = Field(default=None, max_length=64)
    user_agent: str | None = Field(default=None, max_length=300)


class LoginCounter(SQLModel, table=True):
    """Login attempts of one account ("account:<e-mail>") or one client address ("address:<ip>") in a window.

    A login claims a slot with one atomic UPDATE before its password is checked, keeps it when it fails and
    gives it back when it succeeds: a parallel burst thus evaluates at most the limit, on every worker.
    """

    __tablename__ = "login_counter"
    key: str = Field(primary_key=True, max_length=300)
    window_start: datetime = Field(sa_type=UTCDateTime, nullable=False)
    attempts: int = 0


class ApiToken(SQLModel, table=True):
    """A personal access token for the JSON API, stored as its SHA-256 only."""

    __tablename__ = "api_token"
    __table_args__ = (UniqueConstraint("token_hash", name="uq_api_token_hash"),)
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=100)
    prefix: str = Field(max_length=16)
    token_hash: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
