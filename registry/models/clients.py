"""Client controllers for whom the organisation acts as processor, with their contract's Art. 28 terms as data."""

from datetime import date

from pydantic import field_validator, model_validator
from sqlmodel import Field

from registry.models import checks
from registry.models.base import OrgScoped
from registry.models.checks import Storable

AUTHORISATIONS = ("specific", "general", "none_stated")
AUDIT_COSTS = ("controller", "processor", "shared")
ASSISTANCE = ("full", "forward_only")
END_FATES = ("controller_choice", "return_or_delete", "return", "delete")
DELAY_UNITS = ("days", "weeks", "months", "years")


class ClientControllerBase(Storable):
    legal_name: str = Field(min_length=1, max_length=200)
    address: str | None = Field(default=None, max_length=500)
    country: str | None = Field(default=None, max_length=2)
    contact_name: str | None = Field(default=None, max_length=200)
    contact_email: str | None = Field(default=None, max_length=254)
    dpo_name: str | None = Field(default=None, max_length=200)
    dpo_email: str | None = Field(default=None, max_length=254)
    representative: str | None = Field(default=None, max_length=500)
    contract_reference: str | None = Field(default=None, max_length=200)
    contract_start: date | None = None
    contract_end: date | None = None
    language: str = Field(default="fr", max_length=2)
    # Art. 28(2): prior written authorisation of sub-processors and the right to object.
    subprocessor_authorisation: str = Field(default="none_stated", max_length=20)
    subprocessor_changes_notified: bool | None = None
    objection_right: bool | None = None
    objection_period_days: int | None = Field(default=None, ge=0, le=3650)
    objection_channel: str | None = Field(default=None, max_length=300)
    # Art. 33(2): how fast the processor tells the controller of a breach.
    breach_notice_hours: int | None = Field(default=None, ge=0, le=8760)
    breach_notice_undue_delay: bool = False
    # Art. 28(3)(a)-(h) and 28(4), as stated by the contract (None: the contract is silent).
    instructions_documented: bool | None = None
    confidentiality: bool | None = None
    security_measures: bool | None = None
    flow_down: bool | None = None
    assistance_rights: str | None = Field(default=None, max_length=20)
    assistance_compliance: bool | None = None
    information_available: bool | None = None
    infringing_instruction_notice: bool | None = None
    audits_per_year: int | None = Field(default=None, ge=0, le=365)
    audit_notice_days: int | None = Field(default=None, ge=0, le=3650)
    audit_cost: str | None = Field(default=None, max_length=20)
    audit_inspections: bool | None = None
    end_fate: str | None = Field(default=None, max_length=20)
    end_destruction_certified: bool | None = None
    end_delay_value: int | None = Field(default=None, ge=0, le=3650)
    end_delay_unit: str | None = Field(default=None, max_length=10)
    notes: str | None = None

    _country = field_validator("country")(checks.country)
    _emails = field_validator("contact_email", "dpo_email")(checks.email)

    @field_validator("language")
    @classmethod
    def _lang(cls, v):
        return checks.one_of(v, ("fr", "en"), "language")

    @field_validator("subprocessor_authorisation")
    @classmethod
    def _auth(cls, v):
        return checks.one_of(v, AUTHORISATIONS, "authorisation")

    @field_validator("audit_cost")
    @classmethod
    def _cost(cls, v):
        return checks.one_of(v, AUDIT_COSTS, "audit cost bearer")

    @field_validator("assistance_rights")
    @classmethod
    def _assist(cls, v):
        return checks.one_of(v, ASSISTANCE, "assistance level")

    @field_validator("end_fate")
    @classmethod
    def _fate(cls, v):
        return checks.one_of(v, END_FATES, "end-of-contract fate")

    @field_validator("end_delay_unit")
    @classmethod
    def _delay_unit(cls, v):
        return checks.one_of(v, DELAY_UNITS, "unit")

    @model_validator(mode="after")
    def _dates(self):
        if (self.end_delay_value is None) != (self.end_delay_unit is None):
            raise ValueError("end_delay_value: give both the number and the unit of the end-of-contract delay")
        if self.contract_start and self.contract_end and self.contract_end < self.contract_start:
            raise ValueError("contract_end: the contract cannot end before it starts")
        return self


class ClientController(ClientControllerBase, OrgScoped, table=True):
    __tablename__ = "client_controller"


class ClientControllerCreate(ClientControllerBase):
    pass
