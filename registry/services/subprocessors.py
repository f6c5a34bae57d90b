"""Writes of sub-processors (Art. 28(2), 28(4)) and of the places where they process data (Chapter V)."""

from sqlalchemy import select
from sqlmodel import Session

from registry import audit, clock
from registry.models import (
    Activity,
    ActivitySubProcessorLink,
    Organisation,
    ProcessingLocation,
    SubProcessor,
    SubProcessorCreate,
    Transfer,
)
from registry.services.crud import Changes, apply, check_version, delete_record, record_update, validate


def _locations(valid: SubProcessorCreate) -> list[tuple]:
    return [(loc.country, loc.kind, loc.site) for loc in valid.locations]


def _set_locations(obj: SubProcessor, valid: SubProcessorCreate) -> Changes:
    old = [(loc.country, loc.kind, loc.site) for loc in obj.locations]
    new = _locations(valid)
    if old == new:
        return {}
    obj.locations = [ProcessingLocation(country=c, kind=k, site=s) for c, k, s in new]
    return {"locations": (old, new)}


def _fields(valid: SubProcessorCreate) -> dict:
    return {k: getattr(valid, k) for k in SubProcessorCreate.model_fields if k != "locations"}


def create_subprocessor(session: Session, org: Organisation, data: dict, actor: str) -> tuple[SubProcessor, Changes]:
    """Engage a sub-processor with where it processes data: not only its seat (Art. 28(2), Art. 44)."""
    valid = validate(SubProcessorCreate, data)
    obj = SubProcessor(organisation_id=org.id, legal_name=valid.legal_name)
    changes = apply(obj, _fields(valid))
    changes.update(_set_locations(obj, valid))
    session.add(obj)
    session.flush()
    audit.record(session, actor, "create", obj, after=audit.snapshot(obj))
    return obj, {k: (None, new) for k, (_old, new) in changes.items()}


def update_subprocessor(session: Session, org: Organisation, obj: SubProcessor, data: dict, actor: str) -> Changes:
    """Change a sub-processor's record and processing locations (Art. 28(2): changes are tracked)."""
    check_version(obj, data.pop("version", None))
    valid = validate(SubProcessorCreate, data)
    before = audit.snapshot(obj)
    changes = apply(obj, _fields(valid))
    changes.update(_set_locations(obj, valid))
    record_update(session, obj, before, changes, actor)
    return changes


def retire_subprocessor(session: Session, org: Organisation, obj: SubProcessor, actor: str) -> Changes:
    """Stop using a sub-processor while keeping its history (Art. 28(2): replacements are reported)."""
    values = {"status": "retired", "retired_on": obj.retired_on or clock.today(org.timezone)}
    if obj.active_from and values["retired_on"] < obj.active_from:
        values["retired_on"] = obj.active_from
    before = audit.snapshot(obj)
    changes = apply(obj, values)
    record_update(session, obj, before, changes, actor)
    return changes


def delete_subprocessor(session: Session, org: Organisation, obj: SubProcessor, actor: str) -> Changes:
    """Delete a sub-processor nothing depends on (see `subprocessor_users`)."""
    return delete_record(session, org, obj, actor)


def subprocessor_users(session: Session, org: Organisation, obj: SubProcessor) -> dict[str, list]:
    """Active activities that rely on the sub-processor (Art. 30(2)) and transfers it makes (Art. 30(1)(e))."""
    activities = session.scalars(
        select(Activity)
        .join(ActivitySubProcessorLink, ActivitySubProcessorLink.activity_id == Activity.id)
        .where(
            Activity.organisation_id == org.id,
            ActivitySubProcessorLink.subprocessor_id == obj.id,
            Activity.status == "active",
        )
        .order_by(Activity.reference)
    ).all()
    transfers = session.scalars(
        select(Transfer)
        .where(Transfer.organisation_id == org.id, Transfer.subprocessor_id == obj.id)
        .order_by(Transfer.id)
    ).all()
    return {"activities": list(activities), "transfers": list(transfers)}
