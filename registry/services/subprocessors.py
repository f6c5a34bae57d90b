"""Writes of sub-processors (Art. 28(2), 28(4)) and of the places where they process data (Chapter V)."""

from sqlalchemy import select
from sqlmodel import Session

from registry import audit, clock
from registry.domain.subprocessors import would_cycle
from registry.models import (
    Activity,
    ActivitySubProcessorLink,
    Organisation,
    ProcessingLocation,
    SubProcessor,
    SubProcessorCreate,
    Transfer,
)
from registry.services.crud import (
    Changes,
    Invalid,
    apply,
    check_owned,
    check_version,
    delete_record,
    record_update,
    validate,
)
from registry.services.flags import chain_parents


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


def _check_parent(session: Session, org: Organisation, obj_id: int | None, parent_id: int | None) -> None:
    """The hop above is a sub-processor of the same organisation, and the chain never loops (Art. 28(4))."""
    check_owned(session, org, SubProcessor, parent_id, "parent_id")
    if parent_id is not None and would_cycle(chain_parents(session, org), obj_id, parent_id):
        raise Invalid({"parent_id": ["A sub-processor cannot be engaged by itself or by one of its own sub-processors."]})


def create_subprocessor(session: Session, org: Organisation, data: dict, actor: str) -> tuple[SubProcessor, Changes]:
    """Engage a sub-processor, at any level of the chain, with where it processes data: not only its seat
    (Art. 28(2), 28(4), Art. 44; EDPB Opinion 22/2024)."""
    valid = validate(SubProcessorCreate, data)
    _check_parent(session, org, None, valid.parent_id)
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
    _check_parent(session, org, obj.id, valid.parent_id)
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
    """Active activities that rely on the sub-processor (Art. 30(2)), transfers to it (Art. 30(1)(e)) and the
    sub-processors it engages itself (the hops below it in the chain)."""
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
    below = session.scalars(
        select(SubProcessor).where(SubProcessor.organisation_id == org.id, SubProcessor.parent_id == obj.id)
        .order_by(SubProcessor.legal_name, SubProcessor.id)
    ).all()
    return {"activities": list(activities), "transfers": list(transfers), "below": list(below)}
