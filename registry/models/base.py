"""Shared column types and the columns every register record carries."""

from datetime import UTC, date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from registry import clock


def utcnow() -> datetime:
    """The present instant from the application's one clock (registry.clock), aware UTC to the second."""
    return clock.now()


class UTCDateTime(sa.types.TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite keeps no offset, so it is restored on load)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: store timezone-aware UTC")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Role(StrEnum):
    controller = "controller"
    processor = "processor"


class ActsAs(StrEnum):
    controller = "controller"
    processor = "processor"
    both = "both"


class Lang(StrEnum):
    fr = "fr"
    en = "en"


class Stamped(SQLModel):
    """Creation and update times and the optimistic-locking version of a record."""

    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    version: int = Field(default=1, nullable=False)


class OrgScoped(Stamped):
    """A record that belongs to exactly one organisation."""

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")


__all__ = ["UTC", "date", "datetime", "utcnow", "UTCDateTime", "Role", "ActsAs", "Lang", "Stamped", "OrgScoped"]
