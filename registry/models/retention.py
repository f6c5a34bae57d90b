"""Retention rules as data: what they cover, the duration's kind, value, unit, starting event and end action."""

from datetime import date
from typing import Optional

from pydantic import field_validator, model_validator
from sqlmodel import Field, Relationship

from registry.models import checks
from registry.models.base import OrgScoped
from registry.models.checks import Storable

KINDS = ("fixed", "from_event", "until_date", "versions", "indeterminate")
UNITS = ("days", "weeks", "months", "years")
BOUNDS = ("exact", "minimum", "maximum")
END_ACTIONS = ("delete", "anonymise", "archive")


class RetentionRuleBase(Storable):
    activity_id: int | None = Field(default=None, foreign_key="activity.id", index=True, ondelete="CASCADE")
    data_category: str | None = Field(default=None, max_length=40)
    covers_backups: bool = False
    subject: str | None = Field(default=None, max_length=300)
    kind: str = Field(max_length=20)
    bound: str = Field(default="exact", max_length=10)
    value: int | None = Field(default=None, ge=1, le=100000)
    unit: str | None = Field(default=None, max_length=10)
    event: str | None = Field(default=None, max_length=40)
    event_detail: str | None = Field(default=None, max_length=300)
    until: date | None = None
    criteria: str | None = None
    legal_reference: str | None = Field(default=None, max_length=300)
    end_action: str | None = Field(default=None, max_length=20)
    notes: str | None = None

    @field_validator("data_category")
    @classmethod
    def _cat(cls, v):
        return checks.vocab(v, "data_categories")

    @field_validator("kind")
    @classmethod
    def _kind(cls, v):
        return checks.one_of(v, KINDS, "retention kind")

    @field_validator("bound")
    @classmethod
    def _bound(cls, v):
        return checks.one_of(v, BOUNDS, "bound")

    @field_validator("unit")
    @classmethod
    def _unit(cls, v):
        return checks.one_of(v, UNITS, "unit")

    @field_validator("event")
    @classmethod
    def _event(cls, v):
        return checks.vocab(v, "retention_events")

    @field_validator("end_action")
    @classmethod
    def _end(cls, v):
        return checks.one_of(v, END_ACTIONS, "end action")

    @model_validator(mode="after")
    def _shape(self):
        if self.kind in ("fixed", "from_event") and (self.value is None or self.unit is None):
            raise ValueError("value: a duration needs a number and a unit")
        if self.kind == "versions" and self.value is None:
            raise ValueError("value: give the number of versions kept")
        if self.kind == "until_date" and self.until is None:
            raise ValueError("until: give the date the data are kept until")
        if self.activity_id is None and not self.covers_backups:
            raise ValueError("activity_id: a retention rule covers an activity's data or the backups")
        return self


class RetentionRule(RetentionRuleBase, OrgScoped, table=True):
    __tablename__ = "retention_rule"
    activity: Optional["Activity"] = Relationship(back_populates="retention_rules")  # noqa: F821, UP045


class RetentionRuleCreate(RetentionRuleBase):
    pass
