"""Sub-processors engaged by the organisation (Art. 28(2), 28(4)) and where they process data."""

from datetime import date

import sqlalchemy as sa
from pydantic import field_validator, model_validator
from sqlalchemy import JSON
from sqlmodel import Field, Relationship

from registry.models import checks
from registry.models.base import OrgScoped
from registry.models.checks import Storable

STATUSES = ("planned", "active", "retired")
LOCATION_KINDS = ("storage", "access", "support")
# Where the register learnt of a hop of the chain (EDPB Opinion 22/2024: the controller must be able to check it).
SOURCE_KINDS = ("contract_annex", "processor_list", "email", "other")


class SubProcessorBase(Storable):
    # The hop above in the chain (Art. 28(4)): None for a sub-processor the organisation engages itself.
    # Named, so that a migration can add or drop it on SQLite (batch mode needs the constraint's name).
    parent_id: int | None = Field(default=None, index=True, sa_column_args=[
        sa.ForeignKey("subprocessor.id", name="fk_subprocessor_parent_id")])
    legal_name: str = Field(min_length=1, max_length=200)
    trade_name: str | None = Field(default=None, max_length=200)
    address: str | None = Field(default=None, max_length=500)
    country: str | None = Field(default=None, max_length=2)
    contact_email: str | None = Field(default=None, max_length=254)
    dpo_contact: str | None = Field(default=None, max_length=300)
    contact_name: str | None = Field(default=None, max_length=200)  # the contact person (Opinion 22/2024)
    contact_phone: str | None = Field(default=None, max_length=50)
    # The chain as last confirmed by the processor above, where that was read, and when the clients were told.
    confirmed_on: date | None = None
    source_kind: str | None = Field(default=None, max_length=20)
    source: str | None = Field(default=None, max_length=500)
    clients_informed_on: date | None = None
    service: str | None = Field(default=None, max_length=500)
    certifications: list[str] = Field(default_factory=list, sa_type=JSON)
    dpa_signed_on: date | None = None
    dpa_reference: str | None = Field(default=None, max_length=200)
    status: str = Field(default="active", max_length=20)
    # Its own contract's terms as values, to compare with what the clients were promised (Arts. 28(4), 33(2)).
    breach_notice_hours: int | None = Field(default=None, ge=0, le=8760)
    breach_notice_undue_delay: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    objection_period_days: int | None = Field(default=None, ge=0, le=3650)  # to its own sub-processors' changes
    audits_per_year: int | None = Field(default=None, ge=0, le=365)
    audit_notice_days: int | None = Field(default=None, ge=0, le=3650)
    active_from: date | None = None
    retired_on: date | None = None
    notes: str | None = None

    _country = field_validator("country")(checks.country)
    _email = field_validator("contact_email")(checks.email)

    @field_validator("status")
    @classmethod
    def _status(cls, v):
        return checks.one_of(v, STATUSES, "status")

    @field_validator("source_kind")
    @classmethod
    def _source_kind(cls, v):
        return checks.one_of(v, SOURCE_KINDS, "source kind")

    @model_validator(mode="after")
    def _dates(self):
        if self.active_from and self.retired_on and self.retired_on < self.active_from:
            raise ValueError("retired_on: a sub-processor cannot be retired before it became active")
        return self


class SubProcessor(SubProcessorBase, OrgScoped, table=True):
    __tablename__ = "subprocessor"
    # The day a DPO last marked it reviewed (None: never; the reminders then count from its creation).
    reviewed_on: date | None = None
    locations: list["ProcessingLocation"] = Relationship(
        back_populates="subprocessor",
        cascade_delete=True,
        sa_relationship_kwargs={"order_by": "ProcessingLocation.id", "lazy": "selectin"},
    )


class ProcessingLocationBase(Storable):
    country: str = Field(max_length=2)
    site: str | None = Field(default=None, max_length=200)
    kind: str = Field(default="storage", max_length=20)

    _country = field_validator("country")(checks.country)

    @field_validator("kind")
    @classmethod
    def _kind(cls, v):
        return checks.one_of(v, LOCATION_KINDS, "location kind")


class ProcessingLocation(ProcessingLocationBase, table=True):
    """A country where a sub-processor stores or accesses data: not only its seat (Google Ireland / US)."""

    __tablename__ = "processing_location"
    id: int | None = Field(default=None, primary_key=True)
    subprocessor_id: int = Field(foreign_key="subprocessor.id", index=True, ondelete="CASCADE")
    subprocessor: SubProcessor | None = Relationship(back_populates="locations")


class ProcessingLocationCreate(ProcessingLocationBase):
    pass


class SubProcessorCreate(SubProcessorBase):
    locations: list[ProcessingLocationCreate] = []


