"""Writes of technical and organisational security measures (Art. 32, described per Art. 30(1)(g))."""

from sqlalchemy import select
from sqlmodel import Session

from registry.models import Activity, ActivityMeasureLink, Organisation, SecurityMeasure, SecurityMeasureCreate
from registry.services.crud import Changes, create_record, delete_record, update_record


def create_measure(session: Session, org: Organisation, data: dict, actor: str) -> tuple[SecurityMeasure, Changes]:
    """Describe a security measure (Art. 32(1), Art. 30(1)(g))."""
    return create_record(session, org, SecurityMeasure, SecurityMeasureCreate, data, actor)


def update_measure(session: Session, org: Organisation, obj: SecurityMeasure, data: dict, actor: str) -> Changes:
    """Change a security measure's description (Art. 32)."""
    return update_record(session, org, obj, SecurityMeasureCreate, data, actor)


def delete_measure(session: Session, org: Organisation, obj: SecurityMeasure, actor: str) -> Changes:
    """Delete a measure no activity relies on (see `measure_users`)."""
    return delete_record(session, org, obj, actor)


def measure_users(session: Session, org: Organisation, obj: SecurityMeasure) -> dict[str, list]:
    """Activities whose Art. 30(1)(g) description relies on this measure."""
    activities = session.scalars(
        select(Activity)
        .join(ActivityMeasureLink, ActivityMeasureLink.activity_id == Activity.id)
        .where(Activity.organisation_id == org.id, ActivityMeasureLink.measure_id == obj.id, Activity.status != "retired")
        .order_by(Activity.reference)
    ).all()
    return {"activities": list(activities)}
