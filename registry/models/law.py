"""What an installed update of the law changed in an organisation's register: one dashboard item per verdict."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy import JSON
from sqlmodel import Field, SQLModel

from registry.models.base import UTCDateTime, utcnow

LAW_CHANGE_KINDS = ("transfer", "breach", "record_exemption")


class LawChange(SQLModel, table=True):
    """One verdict an installed reference update changed (a transfer's safeguard, a breach's clocks, the Art. 30(5)
    exemption), shown on the organisation's dashboard until its DPO marks it seen.

    `detail` keeps what was judged at installation, in both languages, so the item reads the same after the record
    is edited or deleted; `record_id` links to the record while it exists.
    """

    __tablename__ = "law_change"
    __table_args__ = (
        sa.CheckConstraint("kind IN ('transfer', 'breach', 'record_exemption')", name="ck_law_change_kind"),
        sa.Index("ix_law_change_org_seen", "organisation_id", "seen_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    law_version: int
    law_published: date
    installed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    kind: str = Field(max_length=20)
    record_id: int | None = None
    label: str = Field(max_length=300)
    detail: dict = Field(default_factory=dict, sa_type=JSON)
    seen_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    seen_by: str | None = Field(default=None, max_length=200)
