"""The organisation whose register is kept: its identity, DPO and roles (Art. 30(1)(a), 30(2)(a))."""

import sqlalchemy as sa
from pydantic import field_validator
from sqlmodel import Field

from registry.models import checks
from registry.models.base import ActsAs, Stamped
from registry.models.checks import Storable


class OrganisationBase(Storable):
    slug: str = Field(max_length=64, unique=True, index=True)
    legal_name: str = Field(min_length=1, max_length=200)
    trade_name: str | None = Field(default=None, max_length=200)
    registration: str | None = Field(default=None, max_length=100)
    address: str | None = Field(default=None, max_length=500)
    country: str = Field(max_length=2)
    contact_email: str | None = Field(default=None, max_length=254)
    contact_phone: str | None = Field(default=None, max_length=50)
    dpo_name: str | None = Field(default=None, max_length=200)
    dpo_company: str | None = Field(default=None, max_length=200)
    dpo_email: str | None = Field(default=None, max_length=254)
    dpo_phone: str | None = Field(default=None, max_length=50)
    representative: str | None = Field(default=None, max_length=500)
    acts_as: str = Field(default="both", max_length=20)
    timezone: str = Field(default="Europe/Paris", max_length=64)
    notes: str | None = None
    # Art. 28(2): an unauthenticated page of the current sub-processors and a feed of changes, off unless an admin
    # turns it on (it shows only name, service, locations and safeguard).
    public_subprocessors: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    # Art. 5(1)(e): closed data-subject requests are kept this many years after closure as proof, then purged
    # (the CNIL's recommendation of five years is the default).
    request_retention_years: int = Field(default=5, ge=1, le=30, sa_column_kwargs={"server_default": "5"})
    # The public page also shows the hops below the first level (who engages each): off unless an admin turns it on.
    public_subprocessor_chain: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    # A hop of the sub-processor chain not confirmed by its processor for longer than this is flagged.
    chain_confirmation_months: int = Field(default=12, ge=1, le=120, sa_column_kwargs={"server_default": "12"})
    # Activities and sub-processors not reviewed for this long are reminded to the DPOs ("mark as reviewed").
    review_months: int = Field(default=12, ge=1, le=120, sa_column_kwargs={"server_default": "12"})

    _slug = field_validator("slug")(checks.slug)
    _country = field_validator("country")(checks.country)
    _emails = field_validator("contact_email", "dpo_email")(checks.email)

    @field_validator("acts_as")
    @classmethod
    def _acts_as(cls, v):
        return checks.one_of(v, [a.value for a in ActsAs], "role")

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v):
        if v not in checks.time_zones():
            raise ValueError(f"{v!r} is not an IANA time zone")
        return v


class Organisation(OrganisationBase, Stamped, table=True):
    __tablename__ = "organisation"
    id: int | None = Field(default=None, primary_key=True)


class OrganisationCreate(OrganisationBase):
    pass
