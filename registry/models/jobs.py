"""Background jobs (exports) as records: what was asked, by whom, how far it got and where its file is."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import JSON
from sqlmodel import Field, SQLModel

from registry.models.base import UTCDateTime, utcnow

JOB_KINDS = ("register", "annexes", "subprocessors", "breaches", "requests", "import_sheet")
JOB_STATES = ("queued", "running", "done", "failed", "cancelled")


class Job(SQLModel, table=True):
    """One export asked for from the web or the shell; every web worker and task worker reads the same row."""

    __tablename__ = "job"
    __table_args__ = (
        sa.CheckConstraint("state IN ('queued', 'running', 'done', 'failed', 'cancelled')", name="ck_job_state"),
        sa.CheckConstraint("done_units >= 0 AND total_units >= 0", name="ck_job_units"),
        sa.Index("ix_job_state_org", "state", "organisation_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True, ondelete="CASCADE")
    # None for a job started from the shell; kept (as NULL) when the account is deleted.
    requested_by: int | None = Field(default=None, foreign_key="user_account.id", ondelete="SET NULL")
    kind: str = Field(max_length=20)
    params: dict = Field(default_factory=dict, sa_type=JSON)
    # SHA-256 of kind and parameters: an identical export already queued or running is reused.
    params_key: str = Field(max_length=64, index=True)
    state: str = Field(default="queued", max_length=10)
    done_units: int = Field(default=0)
    total_units: int = Field(default=0)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)
    started_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Written by the task while it runs (each unit and every few seconds): a running job whose heartbeat
    # is too old belongs to a worker that died.
    heartbeat_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Parts of a fanned-out job still waiting in the queue: while some wait behind other work, the job is not
    # judged lost for want of a heartbeat (each part beats while it runs).
    parts_waiting: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    # Relative to the shared exports folder; NULL until done, and again once the file has expired.
    result_path: str | None = Field(default=None, max_length=500)
    result_name: str | None = Field(default=None, max_length=200)
    result_bytes: int | None = None
    # A message key (registry.domain.jobs.ERRORS), translated when shown; the detail is for the log only.
    error_code: str | None = Field(default=None, max_length=40)
    error_detail: str | None = Field(default=None, max_length=2000)
