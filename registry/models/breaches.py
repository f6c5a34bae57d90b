"""Personal data breaches of an organisation (Art. 33(5) register) and the notices sent for them (Arts. 33-34)."""

from datetime import datetime

from pydantic import field_validator, model_validator
from sqlalchemy import JSON, UniqueConstraint
from sqlmodel import Field, Relationship, SQLModel

from registry.models import checks
from registry.models.activities import Activity
from registry.models.base import OrgScoped, UTCDateTime
from registry.models.checks import Storable
from registry.models.clients import ClientController
from registry.models.organisations import Organisation
from registry.models.subprocessors import SubProcessor

# The same codes as registry.domain.breaches (models may not import the domain layer).
RISKS = ("unlikely", "risk", "high")
PHASES = ("initial", "follow_up", "final")
STATUSES = ("open", "contained", "closed")
EXEMPTIONS = ("art34_3_a", "art34_3_b", "art34_3_c")
RECIPIENTS = ("cnil", "client", "data_subjects")
CHANNELS = ("teleservice", "email", "letter", "phone", "website", "other")


def _with_zone(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        raise ValueError("give the time with its zone: a time without one is ambiguous")
    return value


class BreachActivityLink(SQLModel, table=True):
    __tablename__ = "breach_activity"
    breach_id: int = Field(foreign_key="breach.id", primary_key=True, ondelete="CASCADE")
    activity_id: int = Field(foreign_key="activity.id", primary_key=True, ondelete="CASCADE", index=True)


class BreachSubProcessorLink(SQLModel, table=True):
    __tablename__ = "breach_subprocessor"
    breach_id: int = Field(foreign_key="breach.id", primary_key=True, ondelete="CASCADE")
    subprocessor_id: int = Field(foreign_key="subprocessor.id", primary_key=True, ondelete="CASCADE", index=True)


class BreachClientLink(SQLModel, table=True):
    __tablename__ = "breach_client"
    breach_id: int = Field(foreign_key="breach.id", primary_key=True, ondelete="CASCADE")
    client_id: int = Field(foreign_key="client_controller.id", primary_key=True, ondelete="CASCADE", index=True)


class BreachBase(Storable):
    reference: str = Field(min_length=1, max_length=40)
    title: str = Field(min_length=1, max_length=200)
    facts: str | None = None  # what happened, how it was discovered (Art. 33(5) "facts")
    occurred_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    aware_at: datetime = Field(sa_type=UTCDateTime)
    contained_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Art. 33(3)(a): nature, as the CNIL sorts breaches (loss of confidentiality, integrity, availability).
    confidentiality: bool = False
    integrity: bool = False
    availability: bool = False
    data_categories: list[str] = Field(default_factory=list, sa_type=JSON)
    data_subjects: list[str] = Field(default_factory=list, sa_type=JSON)
    subjects_approx: int | None = Field(default=None, ge=0)
    records_approx: int | None = Field(default=None, ge=0)
    consequences: str | None = None  # Art. 33(3)(c)
    measures_taken: str | None = None  # Art. 33(3)(d)
    measures_proposed: str | None = None
    risk: str | None = Field(default=None, max_length=10)  # None: not yet assessed
    risk_reasoning: str | None = None
    phase: str = Field(default="initial", max_length=10)  # Art. 33(4)
    status: str = Field(default="open", max_length=10)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closure_note: str | None = None
    art34_exemption: str | None = Field(default=None, max_length=10)
    art34_exemption_details: str | None = None
    notes: str | None = None

    @field_validator("risk")
    @classmethod
    def _risk(cls, v):
        return checks.one_of(v, RISKS, "risk level")

    @field_validator("phase")
    @classmethod
    def _phase(cls, v):
        return checks.one_of(v, PHASES, "phase")

    @field_validator("status")
    @classmethod
    def _status(cls, v):
        return checks.one_of(v, STATUSES, "status")

    @field_validator("art34_exemption")
    @classmethod
    def _exemption(cls, v):
        return checks.one_of(v, EXEMPTIONS, "Art. 34(3) exemption")

    @property
    def natures(self) -> list[str]:
        return [n for n in ("confidentiality", "integrity", "availability") if getattr(self, n)]


class Breach(BreachBase, OrgScoped, table=True):
    __tablename__ = "breach"
    __table_args__ = (UniqueConstraint("organisation_id", "reference", name="uq_breach_org_reference"),)

    organisation: Organisation | None = Relationship()
    activities: list[Activity] = Relationship(
        link_model=BreachActivityLink, sa_relationship_kwargs={"order_by": "Activity.id"}
    )
    subprocessors: list[SubProcessor] = Relationship(
        link_model=BreachSubProcessorLink, sa_relationship_kwargs={"order_by": "SubProcessor.id"}
    )
    clients: list[ClientController] = Relationship(
        link_model=BreachClientLink, sa_relationship_kwargs={"order_by": "ClientController.id"}
    )
    notices: list["BreachNotice"] = Relationship(
        back_populates="breach",
        cascade_delete=True,
        sa_relationship_kwargs={"order_by": "BreachNotice.sent_at"},
    )


class BreachCreate(BreachBase):
    """Validated input for a breach: vocabulary codes, times with a zone, and the ids of what it affects."""

    activity_ids: list[int] = []
    subprocessor_ids: list[int] = []
    client_ids: list[int] = []

    _blank = field_validator("risk", "art34_exemption", mode="before")(checks.blank_to_none)

    @field_validator("data_categories")
    @classmethod
    def _categories(cls, v):
        return [checks.vocab(c, "data_categories") for c in v]

    @field_validator("data_subjects")
    @classmethod
    def _subjects(cls, v):
        return [checks.vocab(c, "data_subjects") for c in v]

    _aware = field_validator("occurred_at", "aware_at", "contained_at", "closed_at")(_with_zone)

    @model_validator(mode="after")
    def _unique_ids(self):
        for name in ("activity_ids", "subprocessor_ids", "client_ids"):
            setattr(self, name, list(dict.fromkeys(getattr(self, name))))
        return self

    def table_values(self) -> dict:
        return self.model_dump(exclude={"activity_ids", "subprocessor_ids", "client_ids"})


class BreachNoticeBase(Storable):
    recipient: str = Field(max_length=20)  # cnil | client | data_subjects
    client_id: int | None = Field(default=None, foreign_key="client_controller.id", index=True, ondelete="SET NULL")
    sent_at: datetime = Field(sa_type=UTCDateTime)
    recipient_name: str | None = Field(default=None, max_length=200)
    recipient_contact: str | None = Field(default=None, max_length=300)
    channel: str | None = Field(default=None, max_length=20)
    phase: str = Field(default="initial", max_length=10)
    reference: str | None = Field(default=None, max_length=100)  # e.g. the CNIL's notification number
    late_reason: str | None = None
    notes: str | None = None

    @field_validator("recipient")
    @classmethod
    def _recipient(cls, v):
        return checks.one_of(v, RECIPIENTS, "recipient")

    @field_validator("channel")
    @classmethod
    def _channel(cls, v):
        return checks.one_of(v, CHANNELS, "channel")

    @field_validator("phase")
    @classmethod
    def _phase(cls, v):
        return checks.one_of(v, PHASES, "phase")


class BreachNotice(BreachNoticeBase, OrgScoped, table=True):
    """One notice sent for a breach: to the CNIL, to a client controller, or to the data subjects."""

    __tablename__ = "breach_notice"
    breach_id: int = Field(foreign_key="breach.id", index=True, ondelete="CASCADE")
    breach: Breach | None = Relationship(back_populates="notices")


class BreachNoticeCreate(BreachNoticeBase):
    _blank = field_validator("channel", "late_reason", mode="before")(checks.blank_to_none)

    _aware = field_validator("sent_at")(_with_zone)

    @model_validator(mode="after")
    def _client(self):
        if (self.recipient == "client") != (self.client_id is not None):
            raise ValueError("client_id: name the client controller for a client notice, and only then")
        return self
