"""Technical and organisational security measures (Art. 32), under the CNIL and SCC Annex II headings."""

from pydantic import field_validator
from sqlmodel import Field

from registry.models import checks
from registry.models.base import OrgScoped
from registry.models.checks import Storable


class SecurityMeasureBase(Storable):
    heading: str = Field(max_length=40)
    title: str = Field(min_length=1, max_length=200)
    description: str | None = None

    @field_validator("heading")
    @classmethod
    def _heading(cls, v):
        return checks.vocab(v, "measure_headings")


class SecurityMeasure(SecurityMeasureBase, OrgScoped, table=True):
    __tablename__ = "security_measure"


class SecurityMeasureCreate(SecurityMeasureBase):
    pass
