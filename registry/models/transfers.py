"""Transfers of personal data outside the EEA and the Chapter V mechanism relied on (Arts. 44-49)."""

from datetime import date

from pydantic import field_validator, model_validator
from sqlmodel import Field

from registry import reference
from registry.models import checks
from registry.models.base import OrgScoped
from registry.models.checks import Storable

PARTY_ROLES = ("controller", "processor")
# Whether the importer is itself subject to the GDPR under Art. 3(2) (offering to, or monitoring, people in the
# Union): it stays a transfer (EDPB Guidelines 05/2021), but the DPO records it.
ART3_2_STATUSES = ("not_assessed", "targeting", "monitoring", "not_subject")


class TransferBase(Storable):
    activity_id: int | None = Field(default=None, foreign_key="activity.id", index=True, ondelete="CASCADE")
    subprocessor_id: int | None = Field(default=None, foreign_key="subprocessor.id", index=True, ondelete="CASCADE")
    recipient: str = Field(min_length=1, max_length=200)
    destination_country: str | None = Field(default=None, max_length=2)
    destination_organisation: str | None = Field(default=None, max_length=40)
    exporter_role: str = Field(default="controller", max_length=20)
    importer_role: str = Field(default="processor", max_length=20)
    mechanism: str | None = Field(default=None, max_length=20)
    scc_module: int | None = Field(default=None, ge=1, le=4)
    dpf_checked_on: date | None = None
    derogation_ground: str | None = Field(default=None, max_length=20)
    tia_date: date | None = None
    # What a DPF transfer falls back on if the decision falls (appeal C-703/25 P pending): SCC module and its TIA.
    fallback_scc_module: int | None = Field(default=None, ge=1, le=4)
    fallback_tia_date: date | None = None
    importer_art3_2: str | None = Field(default=None, max_length=20)
    document_reference: str | None = Field(default=None, max_length=300)
    notes: str | None = None

    _country = field_validator("destination_country")(checks.country)

    @field_validator("destination_organisation")
    @classmethod
    def _org(cls, v):
        return checks.one_of(v, reference.international_organisations(), "international organisation")

    @field_validator("exporter_role", "importer_role")
    @classmethod
    def _roles(cls, v):
        return checks.one_of(v, PARTY_ROLES, "role")

    @field_validator("mechanism")
    @classmethod
    def _mech(cls, v):
        return checks.vocab(v, "transfer_mechanisms")

    @field_validator("importer_art3_2")
    @classmethod
    def _art3_2(cls, v):
        return checks.one_of(v, ART3_2_STATUSES, "Art. 3(2) status")

    @field_validator("derogation_ground")
    @classmethod
    def _ground(cls, v):
        return checks.vocab(v, "art49_grounds")

    @model_validator(mode="after")
    def _destination(self):
        if self.activity_id is None and self.subprocessor_id is None:
            raise ValueError("activity_id: a transfer is made from an activity or by a sub-processor; name one")
        if bool(self.destination_country) == bool(self.destination_organisation):
            raise ValueError("destination_country: give either a destination country or an international organisation")
        return self


class Transfer(TransferBase, OrgScoped, table=True):
    __tablename__ = "transfer"


class TransferCreate(TransferBase):
    pass
