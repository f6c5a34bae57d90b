"""Planned sub-processor changes (Art. 28(2)): the change, the notice to each affected client, its objections."""

from datetime import date

from pydantic import field_validator, model_validator
from sqlalchemy import JSON, UniqueConstraint
from sqlmodel import Field, Relationship

from registry.models import checks
from registry.models.base import OrgScoped
from registry.models.checks import Storable
from registry.models.subprocessors import ProcessingLocationCreate

KINDS = ("add", "replace", "remove", "change_locations")
STATUSES = ("planned", "notified", "effective", "cancelled")
OUTCOMES = ("pending", "withdrawn", "upheld", "overruled")


class SubProcessorChangeBase(Storable):
    kind: str = Field(max_length=20)
    subprocessor_id: int = Field(foreign_key="subprocessor.id", index=True, ondelete="CASCADE")
    replaces_id: int | None = Field(default=None, foreign_key="subprocessor.id", ondelete="SET NULL")
    # change_locations: the complete new list, as ProcessingLocationCreate dicts.
    new_locations: list[dict] = Field(default_factory=list, sa_type=JSON)
    # The activities that will use the sub-processor once the change takes effect (add, replace).
    activity_ids: list[int] = Field(default_factory=list, sa_type=JSON)
    notice_date: date
    reason: str | None = Field(default=None, max_length=2000)

    @field_validator("kind")
    @classmethod
    def _kind(cls, v):
        return checks.one_of(v, KINDS, "kind of change")


class SubProcessorChange(SubProcessorChangeBase, OrgScoped, table=True):
    __tablename__ = "subprocessor_change"
    status: str = Field(default="planned", max_length=20)
    earliest_effective: date | None = None
    effective_on: date | None = None
    default_objection_days: int = Field(default=30)
    dpo_decision: str | None = None

    notices: list["ChangeNotice"] = Relationship(
        back_populates="change", cascade_delete=True,
        sa_relationship_kwargs={"order_by": "ChangeNotice.client_id", "lazy": "selectin"},
    )
    objections: list["ChangeObjection"] = Relationship(
        back_populates="change", cascade_delete=True,
        sa_relationship_kwargs={"order_by": "ChangeObjection.id", "lazy": "selectin"},
    )


class SubProcessorChangeState(Storable):
    """What an exported change records beyond its input, checked when a file is imported: its state, its computed
    dates and the DPO's decision."""

    status: str = "planned"
    earliest_effective: date | None = None
    effective_on: date | None = None
    dpo_decision: str | None = None

    @field_validator("status")
    @classmethod
    def _status(cls, v):
        return checks.one_of(v, STATUSES, "status")


class SubProcessorChangeCreate(SubProcessorChangeBase):
    new_locations: list[ProcessingLocationCreate] = []
    default_objection_days: int = Field(default=30, ge=0, le=365)

    @model_validator(mode="after")
    def _shape(self):
        if self.kind == "replace" and self.replaces_id is None:
            raise ValueError("replaces_id: name the sub-processor being replaced")
        if self.kind != "replace" and self.replaces_id is not None:
            raise ValueError("replaces_id: only a replacement names a replaced sub-processor")
        if self.kind == "replace" and self.replaces_id == self.subprocessor_id:
            raise ValueError("replaces_id: a sub-processor cannot replace itself")
        if self.kind == "change_locations" and not self.new_locations:
            raise ValueError("new_locations: give the new processing locations")
        if self.kind != "change_locations" and self.new_locations:
            raise ValueError("new_locations: only a change of locations gives new locations")
        if self.kind == "add" and not self.activity_ids:
            raise ValueError("activity_ids: name the activities that will use the new sub-processor")
        return self

    def table_values(self) -> dict:
        values = self.model_dump()
        values["activity_ids"] = sorted(set(self.activity_ids))
        return values


class ChangeNoticeBase(Storable):
    client_id: int = Field(foreign_key="client_controller.id", index=True, ondelete="CASCADE")
    language: str = Field(default="fr", max_length=2)
    sent_on: date | None = None
    # Art. 28(2): the client's written authorisation, where its contract requires one for this change.
    consent_on: date | None = None
    # Art. 28(2): the day the client said it took note of the change (through its link, or told the DPO).
    acknowledged_on: date | None = None

    @field_validator("language")
    @classmethod
    def _lang(cls, v):
        return checks.one_of(v, ("fr", "en"), "language")


class ChangeNoticeState(Storable):
    """What an exported notice records beyond its input, checked when a file is imported: its window and deadline."""

    period_days: int = Field(default=0, ge=0, le=3650)
    period_recorded: bool = True
    deadline: date | None = None


class ChangeNotice(ChangeNoticeBase, table=True):
    """The notice owed to one affected client: its language, when it was sent and its own deadline."""

    __tablename__ = "change_notice"
    __table_args__ = (UniqueConstraint("change_id", "client_id", name="uq_change_notice_client"),)
    id: int | None = Field(default=None, primary_key=True)
    change_id: int = Field(foreign_key="subprocessor_change.id", index=True, ondelete="CASCADE")
    period_days: int = 0
    period_recorded: bool = True
    deadline: date | None = None
    change: SubProcessorChange | None = Relationship(back_populates="notices")


class ChangeObjectionBase(Storable):
    client_id: int = Field(foreign_key="client_controller.id", index=True, ondelete="CASCADE")
    received_on: date
    grounds: str | None = Field(default=None, max_length=4000)
    outcome: str = Field(default="pending", max_length=20)
    decision: str | None = Field(default=None, max_length=4000)
    decided_on: date | None = None

    @field_validator("outcome")
    @classmethod
    def _outcome(cls, v):
        return checks.one_of(v, OUTCOMES, "outcome")

    @model_validator(mode="after")
    def _decided(self):
        if self.outcome != "pending" and not (self.decision or "").strip():
            raise ValueError("decision: record the DPO's decision with the outcome")
        return self


class ChangeObjection(ChangeObjectionBase, table=True):
    __tablename__ = "change_objection"
    id: int | None = Field(default=None, primary_key=True)
    change_id: int = Field(foreign_key="subprocessor_change.id", index=True, ondelete="CASCADE")
    change: SubProcessorChange | None = Relationship(back_populates="objections")


class ChangeObjectionCreate(ChangeObjectionBase):
    pass
