"""Generic writes of register records: validate through the non-table model, apply, report {field: (old, new)}."""

from collections.abc import Iterable
from datetime import datetime

from pydantic import BaseModel, ValidationError
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, SQLModel

from registry import audit
from registry.domain.refusals import Refused
from registry.models import Organisation
from registry.models.base import utcnow

Changes = dict[str, tuple[object, object]]


class Invalid(Refused):
    """Input refused: messages by field name ("" when no single field is at fault)."""


class StaleRecord(Refused):
    """The record changed since the form was opened: saving would overwrite someone else's edit."""

    def __init__(self):
        super().__init__("Someone saved this record after you opened it. Reload it and redo your change.")


def validate(schema: type[BaseModel], data: dict) -> BaseModel:
    """`XCreate.model_validate` with pydantic's errors moved to the field they concern.

    The models' cross-field checks start their message with the field name ("contract_end: ..."),
    which is how they land next to that field rather than at the top of the form.
    """
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        raise Invalid(errors_by_field(exc)) from None


def new_record(model: type[SQLModel], values: dict) -> SQLModel:
    """A new table record with every field given (defaults filled in here): pydantic then never inspects a default
    factory, which cost a third of a large import's time (`list` and `utcnow` inspected once per field per record)."""
    for name, info in model.model_fields.items():
        if name not in values:
            values[name] = info.default_factory() if info.default_factory is not None else info.default
    return model(**values)


def errors_by_field(exc: ValidationError) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ())]
        msg = err.get("msg", "invalid")
        msg = msg.removeprefix("Value error, ")
        field = loc[0] if loc else ""
        if not field and ": " in msg:
            field, msg = msg.split(": ", 1)
        elif len(loc) > 1:
            # An item of a repeatable list: "purposes-0-legal_basis" is the form field's name.
            field = "-".join(loc)
        out.setdefault(field, []).append(msg)
    return out


def _plain(value):
    if isinstance(value, BaseModel):
        return value.model_dump()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def apply(obj: SQLModel, values: dict, fields: Iterable[str] | None = None) -> Changes:
    """Set the values on the record and return what actually changed."""
    changes: Changes = {}
    for name in fields if fields is not None else values:
        new = _plain(values[name])
        old = getattr(obj, name)
        if old != new:
            changes[name] = (old, new)
            setattr(obj, name, new)
    return changes


VERSION_MISSING = ("This form was sent without the version of the record it changes, so it could overwrite someone "
                   "else's edit: nothing was saved. Reload the record and redo your change.")
VERSION_INVALID = ("The version sent with this change is not a whole number: nothing was saved. Reload the record and redo "
                   "your change.")


def read_version(version: object, required: bool = False) -> int | None:
    """The version of the record the change was read at: a whole number, refused at the field `version` otherwise.

    None when none was given; `required` (every edit form) refuses that too, since without it an edit would
    overwrite unseen changes (Art. 5(1)(d)).
    """
    if version is None or (isinstance(version, str) and not version.strip()):
        if required:
            raise Invalid({"version": [VERSION_MISSING]})
        return None
    if isinstance(version, int) and not isinstance(version, bool):
        return version
    text = version.strip() if isinstance(version, str) else ""
    if text.isascii() and text.isdigit() and len(text) <= 18:
        return int(text)
    raise Invalid({"version": [VERSION_INVALID]})


def check_version(obj: SQLModel, version: str | int | None) -> None:
    """Refuse a change read at another version of the record than the stored one (none given: not checked)."""
    read = read_version(version)
    if read is not None and read != obj.version:
        raise StaleRecord()


def claim_version(session: Session, obj: SQLModel, now: datetime | None = None) -> None:
    """Take the next version of a record atomically, or raise StaleRecord (Art. 5(1)(d): no edit silently lost).

    Every update path calls this once, before flushing its changes. The check and the bump are one statement,
    `UPDATE ... SET version = version + 1 WHERE id = :id AND version = :read`: two requests that both read
    version N cannot both pass, because the database evaluates the condition under the row's write lock
    (PostgreSQL re-reads the row after the other transaction commits; SQLite has one writer at a time).
    Checking `obj.version` in Python and bumping it at flush, as before, let both pass and one edit vanish.
    The object then gets the new values as already stored, so the flush does not write the version again.
    """
    table = type(obj).__table__
    read = obj.version
    now = now or utcnow()
    with session.no_autoflush:  # claim before any pending change of this request reaches the row
        claimed = session.execute(
            table.update().where(table.c.id == obj.id, table.c.version == read)
            .values(version=table.c.version + 1, updated_at=now)
        ).rowcount
    if claimed != 1:
        raise StaleRecord()
    set_committed_value(obj, "version", read + 1)
    set_committed_value(obj, "updated_at", now)


def record_update(session: Session, obj: SQLModel, before: dict, changes: Changes, actor: str, **where) -> None:
    """Claim the next version, flush, and append the audit entry, only when something actually changed."""
    if changes:
        claim_version(session, obj)
    session.flush()
    if changes:
        audit.record(session, actor, "update", obj, before=before, after=audit.snapshot(obj), **where)


def create_record(
    session: Session, org: Organisation, model: type[SQLModel], schema: type[BaseModel], data: dict, actor: str
) -> tuple[SQLModel, Changes]:
    """Add a record to the organisation's register (Art. 30(3): the register is kept in writing)."""
    valid = validate(schema, data)
    obj = model(organisation_id=org.id)
    changes = apply(obj, {k: getattr(valid, k) for k in model.model_fields if k in type(valid).model_fields})
    session.add(obj)
    session.flush()
    audit.record(session, actor, "create", obj, after=audit.snapshot(obj))
    return obj, {k: (None, v) for k, (_, v) in changes.items()}


def update_record(
    session: Session, org: Organisation, obj: SQLModel, schema: type[BaseModel], data: dict, actor: str
) -> Changes:
    """Change a record of the register and report what changed (Art. 5(2) accountability)."""
    check_version(obj, data.pop("version", None))
    valid = validate(schema, data)
    before = audit.snapshot(obj)
    changes = apply(obj, {k: getattr(valid, k) for k in type(obj).model_fields if k in type(valid).model_fields})
    record_update(session, obj, before, changes, actor)
    return changes


def delete_record(session: Session, org: Organisation, obj: SQLModel, actor: str) -> Changes:
    """Remove a record nothing else depends on; callers check `before_delete` blockers first."""
    before = audit.snapshot(obj)
    audit.record(session, actor, "delete", obj, before=before)
    session.delete(obj)
    session.flush()
    return {name: (value, None) for name, value in before.items()}


def check_owned(session: Session, org: Organisation, model: type[SQLModel], record_id: int | None, field: str) -> None:
    """A link to another record must stay inside the organisation: an id from elsewhere is refused at its field."""
    if record_id is None:
        return
    other = session.get(model, record_id)
    if other is None or other.organisation_id != org.id:
        raise Invalid({field: ["Pick a record of this organisation."]})


def owned(session: Session, org: Organisation, model: type[SQLModel], ids: Iterable[int], field: str) -> list:
    """The records with these ids, all of this organisation, in one query."""
    from sqlalchemy import select

    wanted = {int(i) for i in ids}
    if not wanted:
        return []
    rows = session.scalars(select(model).where(model.organisation_id == org.id, model.id.in_(wanted))).all()
    if len(rows) != len(wanted):
        raise Invalid({field: ["Pick a record of this organisation."]})
    return sorted(rows, key=lambda r: r.id)
