"""Data-subject requests (Arts. 15-22) received by an organisation, with the measure taken per activity concerned.

The requester's personal data are kept to what proves the answer: a name and a contact, and whether and how the
identity was checked (never a copy of an identity document). Closed requests are purged after the organisation's
retention period (`Organisation.request_retention_years`).
"""

from datetime import date

from pydantic import field_validator, model_validator
from sqlalchemy import JSON, UniqueConstraint
from sqlmodel import Field, Relationship, SQLModel

from registry.models import checks
from registry.models.base import OrgScoped
from registry.models.checks import Storable

# The same codes as registry.domain.requests (models may not import the domain layer).
RIGHTS = ("access", "rectification", "erasure", "restriction", "portability", "objection", "automated_decision")
CHANNELS = ("email", "letter", "web_form", "phone", "in_person", "other")
STATUSES = ("open", "answered", "refused", "withdrawn")
CLOSED = ("answered", "refused", "withdrawn")
REFUSAL_GROUNDS = ("manifestly_unfounded", "excessive", "art23_restriction", "not_identifiable")
MEASURES = ("erased", "rectified", "exported", "copy_sent", "restricted", "processing_stopped", "nothing_held", "none")
VERIFICATION_METHODS = ("known_account", "email_reply", "id_document_seen", "in_person", "other")
# The fields that identify the requester: left out of exports unless asked (--with-personal-data).
PERSONAL_FIELDS = ("requester_name", "requester_contact")


class RequestActivityBase(Storable):
    activity_id: int
    measure: str | None = Field(default=None, max_length=20)
    measure_note: str | None = Field(default=None, max_length=500)

    _blank = field_validator("measure", "measure_note", mode="before")(checks.blank_to_none)

    @field_validator("measure")
    @classmethod
    def _measure(cls, v):
        return checks.one_of(v, MEASURES, "measure")


class RequestActivity(SQLModel, table=True):
    """An activity a request concerns, and what was done in it (erased, rectified, exported...)."""

    __tablename__ = "data_request_activity"
    request_id: int = Field(foreign_key="data_request.id", primary_key=True, ondelete="CASCADE")
    activity_id: int = Field(foreign_key="activity.id", primary_key=True, ondelete="CASCADE", index=True)
    measure: str | None = Field(default=None, max_length=20)
    measure_note: str | None = Field(default=None, max_length=500)
    request: "DataRequest" = Relationship(back_populates="activity_links")


class DataRequestBase(Storable):
    reference: str = Field(min_length=1, max_length=40)
    received_on: date  # in the organisation's time zone: the clock runs from this day (Art. 12(3))
    channel: str = Field(default="email", max_length=20)
    requester_name: str | None = Field(default=None, max_length=200)
    requester_contact: str | None = Field(default=None, max_length=300)
    # The requester's category of data subjects (vocabulary data_subjects: customer, employee...): not personal
    # data, kept in every export; it suggests the activities concerned.
    requester_category: str | None = Field(default=None, max_length=40)
    identity_verified_on: date | None = None
    identity_method: str | None = Field(default=None, max_length=20)
    identity_note: str | None = Field(default=None, max_length=500)
    rights: list[str] = Field(default_factory=list, sa_type=JSON)
    details: str | None = None  # what is asked, without more personal data than needed
    status: str = Field(default="open", max_length=12)
    answered_on: date | None = None  # the answer, refusal or withdrawal: closure starts the retention period
    answer_summary: str | None = None
    extended: bool = False
    extension_decided_on: date | None = None
    extension_reasons: str | None = None
    refusal_ground: str | None = Field(default=None, max_length=24)
    refusal_details: str | None = None
    # Processor relay (Art. 28(3)(e)): received on behalf of a client controller, forwarded, the client's answer.
    client_id: int | None = Field(default=None, foreign_key="client_controller.id", index=True, ondelete="SET NULL")
    forwarded_on: date | None = None
    client_answered_on: date | None = None
    client_answer: str | None = None
    assistance: str | None = None  # what the processor did to help (export, erasure...)
    notes: str | None = None

    @field_validator("channel")
    @classmethod
    def _channel(cls, v):
        return checks.one_of(v, CHANNELS, "channel")

    @field_validator("requester_category")
    @classmethod
    def _category(cls, v):
        return checks.vocab(v, "data_subjects")

    @field_validator("status")
    @classmethod
    def _status(cls, v):
        return checks.one_of(v, STATUSES, "status")

    @field_validator("identity_method")
    @classmethod
    def _method(cls, v):
        return checks.one_of(v, VERIFICATION_METHODS, "verification method")

    @field_validator("refusal_ground")
    @classmethod
    def _ground(cls, v):
        return checks.one_of(v, REFUSAL_GROUNDS, "refusal ground")

    @field_validator("rights")
    @classmethod
    def _rights(cls, v):
        return list(dict.fromkeys(checks.one_of(r, RIGHTS, "right") for r in v))

    @property
    def is_open(self) -> bool:
        return self.status == "open"


class DataRequest(DataRequestBase, OrgScoped, table=True):
    __tablename__ = "data_request"
    __table_args__ = (UniqueConstraint("organisation_id", "reference", name="uq_data_request_org_reference"),)
    activity_links: list[RequestActivity] = Relationship(
        back_populates="request", cascade_delete=True,
        sa_relationship_kwargs={"order_by": "RequestActivity.activity_id", "lazy": "selectin"},
    )


class DataRequestCreate(DataRequestBase):
    """Validated input for a request: codes, dates in order, and the activities concerned with their measures."""

    activities: list[RequestActivityBase] = []

    _blank = field_validator(
        "identity_method", "refusal_ground", "requester_name", "requester_contact", "requester_category",
        mode="before"
    )(checks.blank_to_none)

    @model_validator(mode="after")
    def _shape(self):
        if self.status in CLOSED and self.answered_on is None:
            raise ValueError("answered_on: give the date the request was answered, refused or withdrawn")
        if self.status == "refused" and self.refusal_ground is None:
            raise ValueError("refusal_ground: a refusal states its ground (Art. 12(4))")
        if self.answered_on and self.answered_on < self.received_on:
            raise ValueError("answered_on: the answer cannot come before the request was received")
        if self.extension_decided_on and not self.extended:
            raise ValueError("extended: tick the extension whose decision date is given")
        for name in ("forwarded_on", "client_answered_on"):
            if getattr(self, name) and self.client_id is None:
                raise ValueError(f"{name}: only a request received on behalf of a client is forwarded")
        if self.client_answered_on and self.forwarded_on and self.client_answered_on < self.forwarded_on:
            raise ValueError("client_answered_on: the client cannot answer before the request was forwarded")
        ids = [a.activity_id for a in self.activities]
        if len(ids) != len(set(ids)):
            raise ValueError("activities: each activity once")
        return self

    def table_values(self) -> dict:
        return self.model_dump(exclude={"activities"})
