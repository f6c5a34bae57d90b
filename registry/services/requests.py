"""Writes of data-subject requests (Arts. 12, 15-22), their relay to a client controller (Art. 28(3)(e)) and purge.

The requester's name and contact never enter the audit trail (it is kept for good, the request is not): an audit
entry records that they were set or changed, not their value, so that a purged request leaves no personal data.
"""

from datetime import date

from sqlalchemy import select
from sqlmodel import Session

from registry import audit, clock
from registry.domain import requests as rules
from registry.domain.flags import Flag
from registry.models import Activity, ClientController, DataRequest, DataRequestCreate, Organisation, RequestActivity
from registry.models.requests import PERSONAL_FIELDS
from registry.reference.public_holidays import public_holidays
from registry.services.crud import Changes, Invalid, apply, check_owned, check_version, claim_version, owned, validate

WITHHELD = "(withheld)"  # what the audit trail keeps instead of a requester's name or contact


def snapshot(obj: DataRequest) -> dict:
    """The audit's picture of a request: its activities and measures, and the requester's data withheld."""
    out = audit.snapshot(obj)
    for name in PERSONAL_FIELDS:
        out[name] = WITHHELD if out.get(name) else None
    out["activities"] = [{"activity_id": a.activity_id, "measure": a.measure, "measure_note": a.measure_note}
                         for a in obj.activity_links]
    return out


def _check_reference(session: Session, org: Organisation, reference: str, own_id: int | None) -> None:
    clash = session.scalar(select(DataRequest.id).where(
        DataRequest.organisation_id == org.id, DataRequest.reference == reference.strip()))
    if clash is not None and clash != own_id:
        raise Invalid({"reference": ["Another request already uses this reference."]})


def _apply_activities(session: Session, org: Organisation, obj: DataRequest, valid: DataRequestCreate) -> Changes:
    wanted = {a.activity_id: a for a in valid.activities}
    owned(session, org, Activity, wanted, "activities")
    old = [(a.activity_id, a.measure, a.measure_note) for a in obj.activity_links]
    new = [(i, a.measure, a.measure_note) for i, a in sorted(wanted.items())]
    if old == new:
        return {}
    by_id = {a.activity_id: a for a in obj.activity_links}
    links = []
    for activity_id, measure, note in new:
        link = by_id.get(activity_id) or RequestActivity(activity_id=activity_id)
        link.measure, link.measure_note = measure, note
        links.append(link)
    obj.activity_links = links
    return {"activities": (old, new)}


def _validated(session: Session, org: Organisation, data: dict, own_id: int | None) -> DataRequestCreate:
    valid = validate(DataRequestCreate, data)
    _check_reference(session, org, valid.reference, own_id)
    check_owned(session, org, ClientController, valid.client_id, "client_id")
    return valid


def create_request(session: Session, org: Organisation, data: dict, actor: str) -> tuple[DataRequest, Changes]:
    """Record a data-subject request as received (Art. 12(3): the one-month clock starts on `received_on`)."""
    valid = _validated(session, org, data, None)
    obj = DataRequest(organisation_id=org.id, reference=valid.reference, received_on=valid.received_on)
    changes = apply(obj, valid.table_values())
    session.add(obj)
    changes.update(_apply_activities(session, org, obj, valid))
    session.flush()
    audit.record(session, actor, "create", obj, after=snapshot(obj))
    return obj, {k: (None, new) for k, (_old, new) in changes.items()}


def update_request(session: Session, org: Organisation, obj: DataRequest, data: dict, actor: str) -> Changes:
    """Change a request: its answer, extension (Art. 12(3)), refusal (Art. 12(4)-(5)) or the measures taken."""
    check_version(obj, data.pop("version", None))
    valid = _validated(session, org, data, obj.id)
    before = snapshot(obj)
    changes = apply(obj, valid.table_values())
    changes.update(_apply_activities(session, org, obj, valid))
    _record(session, obj, before, changes, actor)
    return changes


def _record(session: Session, obj: DataRequest, before: dict, changes: Changes, actor: str) -> None:
    if changes:
        claim_version(session, obj)
    session.flush()
    if changes:
        audit.record(session, actor, "update", obj, before=before, after=snapshot(obj))


def forward_request(session: Session, org: Organisation, obj: DataRequest, on: date, actor: str) -> Changes:
    """Record that a request received on a client's behalf was forwarded to that client (Art. 28(3)(e))."""
    if obj.client_id is None:
        raise Invalid({"forwarded_on": ["Only a request received on behalf of a client is forwarded."]})
    if on < obj.received_on:
        raise Invalid({"forwarded_on": ["The request cannot be forwarded before it was received."]})
    before = snapshot(obj)
    changes = apply(obj, {"forwarded_on": on})
    _record(session, obj, before, changes, actor)
    return changes


def delete_request(session: Session, org: Organisation, obj: DataRequest, actor: str) -> Changes:
    """Remove a request (entered by mistake, or past its retention period)."""
    before = snapshot(obj)
    audit.record(session, actor, "delete", obj, before=before)
    session.delete(obj)
    session.flush()
    return {name: (value, None) for name, value in before.items()}


def expired_requests(session: Session, org: Organisation, today: date) -> list[DataRequest]:
    """Closed requests past the organisation's retention period (Art. 5(1)(e)); open ones are never expired."""
    closed = session.scalars(select(DataRequest).where(
        DataRequest.organisation_id == org.id, DataRequest.status.in_(rules.CLOSED),
        DataRequest.answered_on.is_not(None)).order_by(DataRequest.answered_on, DataRequest.id)).all()
    years = org.request_retention_years or rules.DEFAULT_RETENTION_YEARS
    return [r for r in closed if rules.is_expired(r.status, r.answered_on, years, today)]


def purge_requests(session: Session, org: Organisation, actor: str, today: date | None = None) -> list[str]:
    """Delete the organisation's expired closed requests; returns their references (Art. 5(1)(e) storage limitation)."""
    today = today or clock.today(org.timezone)
    removed = []
    for obj in expired_requests(session, org, today):
        removed.append(obj.reference)
        delete_request(session, org, obj, actor)
    return removed


def holidays_of(org: Organisation) -> frozenset[date]:
    """The public holidays that move the organisation's deadlines (its country's, from the dated table)."""
    return public_holidays(org.country)


def deadline(org: Organisation, obj: DataRequest) -> rules.Deadline:
    """The Art. 12(3) deadline of a request, in the organisation's calendar."""
    return rules.answer_deadline(obj.received_on, holidays_of(org), obj.extended)


def request_facts(obj: DataRequest, today: date) -> rules.RequestFacts:
    return rules.RequestFacts(
        status=obj.status, received_on=obj.received_on, today=today, rights=tuple(obj.rights or ()),
        extended=obj.extended, extension_decided_on=obj.extension_decided_on, extension_reasons=obj.extension_reasons,
        refusal_ground=obj.refusal_ground, answered_on=obj.answered_on, identity_verified_on=obj.identity_verified_on,
        on_behalf_of_client=obj.client_id is not None, forwarded_on=obj.forwarded_on,
        client_answered_on=obj.client_answered_on,
        # The clients model has no term for forwarding data-subject requests: "not stated" until it has one.
        forward_delay_days=None,
    )


def flags_for_requests(session: Session, org: Organisation, rows: list[DataRequest], on: date | None = None
                       ) -> dict[int, list[Flag]]:
    today = on or clock.today(org.timezone)
    holidays = holidays_of(org)
    return {r.id: rules.request_flags(request_facts(r, today), holidays) for r in rows}
