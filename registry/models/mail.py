"""E-mail messages as records: to whom, what, why, and how far the delivery got (queued, sent, failed, outbox)."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from registry.models.base import UTCDateTime, utcnow

MAIL_STATES = ("queued", "sent", "failed", "outbox")
RELATED_KINDS = ("change", "breach", "activity", "subprocessor", "request", "transfer", "client")


class MailMessage(SQLModel, table=True):
    """One message the register sends (a notice, a reminder); its delivery is a task of the queue.

    "outbox": no SMTP server is configured, the message waits as an .eml file in the outbox folder: it was NOT sent.
    """

    __tablename__ = "mail_message"
    __table_args__ = (
        sa.CheckConstraint("status IN ('queued', 'sent', 'failed', 'outbox')", name="ck_mail_message_status"),
        sa.Index("ix_mail_message_org_status", "organisation_id", "status"),
        sa.Index("ix_mail_message_related", "related_kind", "related_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", ondelete="CASCADE")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    to_address: str = Field(max_length=254)
    language: str = Field(default="fr", max_length=2)
    subject: str = Field(max_length=250)
    body: str = Field(sa_type=sa.Text)
    attachment_name: str | None = Field(default=None, max_length=200)
    # Relative to the instance folder.
    attachment_path: str | None = Field(default=None, max_length=500)
    purpose: str = Field(max_length=40)
    related_kind: str | None = Field(default=None, max_length=20)
    related_id: int | None = None
    details: str | None = Field(default=None, sa_type=sa.Text)  # JSON text
    actor: str = Field(max_length=254)
    status: str = Field(default="queued", max_length=10)
    attempts: int = Field(default=0)
    server_answer: str | None = Field(default=None, max_length=1000)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # When the next try may start; while a worker holds the message, the end of its lease.
    next_attempt_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
