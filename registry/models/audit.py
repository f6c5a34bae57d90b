"""The append-only audit trail: one entry per change, chained by SHA-256 over canonical JSON."""

from datetime import datetime

from sqlalchemy import JSON
from sqlmodel import Field, SQLModel

from registry.models.base import UTCDateTime

GENESIS = "0" * 64


class AuditEntry(SQLModel, table=True):
    # No foreign key to the organisation: deleting it must not delete (and so break) its history.
    __tablename__ = "audit_entry"
    id: int | None = Field(default=None, primary_key=True)
    seq: int = Field(unique=True, index=True)
    at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    actor: str = Field(max_length=254)
    organisation_id: int | None = Field(default=None, index=True)
    organisation_slug: str | None = Field(default=None, max_length=64)
    record_type: str = Field(max_length=40)
    record_id: int | None = Field(default=None)
    action: str = Field(max_length=10)
    before: dict | None = Field(default=None, sa_type=JSON)
    after: dict | None = Field(default=None, sa_type=JSON)
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64)


class AuditHead(SQLModel, table=True):
    """The chain's last position and hash, in one row that every writer locks first (serialises appends)."""

    __tablename__ = "audit_head"
    id: int = Field(default=1, primary_key=True)
    seq: int = 0
    hash: str = Field(default=GENESIS, max_length=64)
