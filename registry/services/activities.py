"""Writes of processing activities (Art. 30(1) and 30(2) records) and of their links to other records."""

from sqlalchemy import select
from sqlmodel import Session

from registry import audit
from registry.models import (
    Activity,
    ActivityCreate,
    ClientController,
    Organisation,
    RetentionRule,
    SecurityMeasure,
    SubProcessor,
    Transfer,
)
from registry.services.crud import Changes, Invalid, apply, check_version, delete_record, owned, record_update, validate

# Form field -> (linked model, relationship on Activity).
LINKS = {
    "subprocessor_ids": (SubProcessor, "subprocessors"),
    "client_ids": (ClientController, "clients"),
    "measure_ids": (SecurityMeasure, "measures"),
}


def _check_reference(session: Session, org: Organisation, reference: str | None, own_id: int | None) -> None:
    if not reference:
        return
    clash = session.scalar(
        select(Activity.id).where(Activity.organisation_id == org.id, Activity.reference == reference.strip())
    )
    if clash is not None and clash != own_id:
        raise Invalid({"reference": ["Another activity already uses this reference."]})


def _apply_links(session: Session, org: Organisation, obj: Activity, data: dict) -> Changes:
    changes: Changes = {}
    for field, (model, rel) in LINKS.items():
        if field not in data:
            continue
        new = owned(session, org, model, data[field] or [], field)
        old_ids = [r.id for r in getattr(obj, rel)]
        new_ids = [r.id for r in new]
        if sorted(old_ids) != new_ids:
            changes[rel] = (old_ids, new_ids)
            setattr(obj, rel, new)
    return changes


def create_activity(session: Session, org: Organisation, data: dict, actor: str) -> tuple[Activity, Changes]:
    """Record a processing activity with its purposes, bases, categories and links (Art. 30(1)(b)-(g), 30(2))."""
    valid = validate(ActivityCreate, data)
    _check_reference(session, org, valid.reference, None)
    obj = Activity(organisation_id=org.id, reference=valid.reference, name=valid.name, role=valid.role)
    changes = apply(obj, valid.table_values())
    changes.update(_apply_links(session, org, obj, data))
    session.add(obj)
    session.flush()
    audit.record(session, actor, "create", obj, after=audit.snapshot(obj))
    return obj, {k: (None, new) for k, (_old, new) in changes.items()}


def update_activity(session: Session, org: Organisation, obj: Activity, data: dict, actor: str) -> Changes:
    """Change an activity's record and links, reporting each changed field (Art. 30, Art. 5(2))."""
    check_version(obj, data.pop("version", None))
    valid = validate(ActivityCreate, data)
    _check_reference(session, org, valid.reference, obj.id)
    before = audit.snapshot(obj)
    changes = apply(obj, valid.table_values())
    changes.update(_apply_links(session, org, obj, data))
    record_update(session, obj, before, changes, actor)
    return changes


def retire_activity(session: Session, org: Organisation, obj: Activity, actor: str) -> Changes:
    """Mark an activity retired: it stays in the register's history instead of being deleted (Art. 30(4))."""
    before = audit.snapshot(obj)
    changes = apply(obj, {"status": "retired"})
    record_update(session, obj, before, changes, actor)
    return changes


def delete_activity(session: Session, org: Organisation, obj: Activity, actor: str) -> Changes:
    """Delete an activity nothing depends on (see `activity_users`)."""
    return delete_record(session, org, obj, actor)


def activity_users(session: Session, org: Organisation, obj: Activity) -> dict[str, list]:
    """What depends on an activity: its transfers (Art. 30(1)(e)) and retention rules (Art. 30(1)(f))."""
    transfers = session.scalars(
        select(Transfer).where(Transfer.organisation_id == org.id, Transfer.activity_id == obj.id).order_by(Transfer.id)
    ).all()
    rules = session.scalars(
        select(RetentionRule)
        .where(RetentionRule.organisation_id == org.id, RetentionRule.activity_id == obj.id)
        .order_by(RetentionRule.id)
    ).all()
    return {"transfers": list(transfers), "retention": list(rules)}
