"""Processing activities of the register (Art. 30(1) as controller, 30(2) as processor) and their links."""

from datetime import date

from pydantic import field_validator
from sqlalchemy import JSON, UniqueConstraint
from sqlmodel import Field, Relationship, SQLModel

from registry.models import checks
from registry.models.base import OrgScoped
from registry.models.checks import Storable
from registry.models.clients import ClientController
from registry.models.measures import SecurityMeasure
from registry.models.retention import RetentionRule
from registry.models.subprocessors import SubProcessor

ROLES = ("controller", "processor")
STATUSES = ("draft", "active", "retired")
DPIA = ("not_assessed", "not_needed", "needed", "done")


class ActivityClientLink(SQLModel, table=True):
    __tablename__ = "activity_client"
    activity_id: int = Field(foreign_key="activity.id", primary_key=True, ondelete="CASCADE")
    client_id: int = Field(foreign_key="client_controller.id", primary_key=True, ondelete="CASCADE", index=True)


class ActivitySubProcessorLink(SQLModel, table=True):
    __tablename__ = "activity_subprocessor"
    activity_id: int = Field(foreign_key="activity.id", primary_key=True, ondelete="CASCADE")
    subprocessor_id: int = Field(foreign_key="subprocessor.id", primary_key=True, ondelete="CASCADE", index=True)


class ActivityMeasureLink(SQLModel, table=True):
    __tablename__ = "activity_measure"
    activity_id: int = Field(foreign_key="activity.id", primary_key=True, ondelete="CASCADE")
    measure_id: int = Field(foreign_key="security_measure.id", primary_key=True, ondelete="CASCADE", index=True)


class Purpose(Storable):
    """One purpose with its own Art. 6 legal basis (and Art. 9(2) condition where special data are used)."""

    purpose: str
    legal_basis: str | None = None
    art9_condition: str | None = None

    @field_validator("purpose")
    @classmethod
    def _purpose(cls, v):
        if not v.strip():
            raise ValueError("describe the purpose")
        return v

    @field_validator("legal_basis")
    @classmethod
    def _basis(cls, v):
        return checks.vocab(v, "legal_bases")

    @field_validator("art9_condition")
    @classmethod
    def _art9(cls, v):
        return checks.vocab(v, "art9_conditions")


def _category(vocabulary: str):
    class Category(Storable):
        code: str
        detail: str | None = None

        @field_validator("code")
        @classmethod
        def _code(cls, v):
            return checks.vocab(v, vocabulary)

    return Category


DataCategory = _category("data_categories")
DataSubject = _category("data_subjects")
Recipient = _category("recipients")


class ActivityBase(Storable):
    reference: str = Field(min_length=1, max_length=40)
    name: str = Field(min_length=1, max_length=200)
    role: str = Field(max_length=20)
    description: str | None = None
    purposes: list[dict] = Field(default_factory=list, sa_type=JSON)
    data_subjects: list[dict] = Field(default_factory=list, sa_type=JSON)
    data_categories: list[dict] = Field(default_factory=list, sa_type=JSON)
    recipients: list[dict] = Field(default_factory=list, sa_type=JSON)
    joint_controller: str | None = Field(default=None, max_length=500)
    systems: str | None = Field(default=None, max_length=500)
    dpia: str = Field(default="not_assessed", max_length=20)
    dpia_date: date | None = None
    status: str = Field(default="draft", max_length=20)

    @field_validator("role")
    @classmethod
    def _role(cls, v):
        return checks.one_of(v, ROLES, "role")

    @field_validator("status")
    @classmethod
    def _status(cls, v):
        return checks.one_of(v, STATUSES, "status")

    @field_validator("dpia")
    @classmethod
    def _dpia(cls, v):
        return checks.one_of(v, DPIA, "DPIA state")


class Activity(ActivityBase, OrgScoped, table=True):
    __tablename__ = "activity"
    __table_args__ = (UniqueConstraint("organisation_id", "reference", name="uq_activity_org_reference"),)
    # The day a DPO last marked it reviewed (None: never; the reminders then count from its creation).
    reviewed_on: date | None = None

    clients: list[ClientController] = Relationship(
        link_model=ActivityClientLink, sa_relationship_kwargs={"order_by": "ClientController.id"}
    )
    subprocessors: list[SubProcessor] = Relationship(
        link_model=ActivitySubProcessorLink, sa_relationship_kwargs={"order_by": "SubProcessor.id"}
    )
    measures: list[SecurityMeasure] = Relationship(
        link_model=ActivityMeasureLink, sa_relationship_kwargs={"order_by": "SecurityMeasure.id"}
    )
    retention_rules: list[RetentionRule] = Relationship(
        back_populates="activity", sa_relationship_kwargs={"order_by": "RetentionRule.id"}
    )


class ActivityCreate(ActivityBase):
    """Validated input for an activity: JSON lists are checked item by item against the vocabularies."""

    purposes: list[Purpose] = []
    data_subjects: list[DataSubject] = []
    data_categories: list[DataCategory] = []
    recipients: list[Recipient] = []

    def table_values(self) -> dict:
        return self.model_dump()
