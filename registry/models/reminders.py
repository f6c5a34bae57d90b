"""Reminders already sent (one row per dedupe key, so none is sent twice) and each person's choice of reminders."""

from datetime import datetime

from sqlmodel import JSON, Field, SQLModel

from registry.models.base import UTCDateTime, utcnow

REMINDER_CATEGORIES = ("breach", "change", "dpf", "review", "request")


class SentReminder(SQLModel, table=True):
    """A reminder (or a weekly digest) queued for one person: its key is written in the transaction that queues the
    message, so a worker that restarts never queues it again."""

    __tablename__ = "sent_reminder"
    key: str = Field(primary_key=True, max_length=300)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="user_account.id", index=True, ondelete="CASCADE")
    sent_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    message_id: int | None = None  # the mail_message queued for it


class ReminderPreference(SQLModel, table=True):
    """What one person wants: which reminders, in which language, the weekly digest; an admin opts in."""

    __tablename__ = "reminder_preference"
    user_id: int = Field(foreign_key="user_account.id", primary_key=True, ondelete="CASCADE")
    language: str = Field(default="fr", max_length=2)
    categories: list[str] = Field(default_factory=lambda: list(REMINDER_CATEGORIES), sa_type=JSON)
    digest: bool = True
    # DPOs receive reminders unless they turn every kind off; admins only when they ask to.
    as_admin: bool = False
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
