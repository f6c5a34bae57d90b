"""Writes of retention rules: duration kind, value, unit and the event the period runs from (Art. 5(1)(e))."""

from sqlmodel import Session

from registry.models import Activity, Organisation, RetentionRule, RetentionRuleCreate
from registry.services.crud import Changes, check_owned, create_record, delete_record, update_record


def create_rule(session: Session, org: Organisation, data: dict, actor: str) -> tuple[RetentionRule, Changes]:
    """Record how long data are kept and from when (Art. 30(1)(f), Art. 5(1)(e))."""
    check_owned(session, org, Activity, data.get("activity_id"), "activity_id")
    return create_record(session, org, RetentionRule, RetentionRuleCreate, data, actor)


def update_rule(session: Session, org: Organisation, obj: RetentionRule, data: dict, actor: str) -> Changes:
    """Change a retention rule (Art. 30(1)(f))."""
    check_owned(session, org, Activity, data.get("activity_id"), "activity_id")
    return update_record(session, org, obj, RetentionRuleCreate, data, actor)


def delete_rule(session: Session, org: Organisation, obj: RetentionRule, actor: str) -> Changes:
    """Remove a retention rule (nothing else depends on it)."""
    return delete_record(session, org, obj, actor)
