"""The deep check: every record of the register against the trail's last after-image of it.

An entry records a record's full values after each change, so the trail says what every record must hold now.
A row edited, added or deleted in the database without an entry differs from it. Child rows are checked
through their parent's image: processing locations and links in the sub-processor's or activity's, notices
and objections in the change's, the uploaded file through its recorded SHA-256.
"""

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload
from sqlmodel import Session, SQLModel

from registry.audit import canonical, snapshot
from registry.models import (
    Activity,
    AuditEntry,
    Breach,
    BreachNotice,
    ClientController,
    ContractDocument,
    Membership,
    Organisation,
    RetentionRule,
    SecurityMeasure,
    SubProcessor,
    SubProcessorChange,
    Transfer,
    User,
)

# The tables that hold register data, by the name the trail gives them (their table name).
CHECKED: tuple[type[SQLModel], ...] = (
    Organisation, Activity, ClientController, SubProcessor, Transfer, RetentionRule, SecurityMeasure, Breach,
    BreachNotice, SubProcessorChange, ContractDocument,
)
MEMBERSHIP = "membership"  # who may read and change an organisation's register: checked too


@dataclass(frozen=True)
class Difference:
    record_type: str
    record_id: int
    field: str | None  # None: the whole record (present without an entry, or gone without one)
    stored: object = None
    trail: object = None
    seq: int | None = None  # the entry whose after-image disagrees
    organisation_id: int | None = None

    @property
    def reason(self) -> str:
        if self.field is not None:
            return f"field {self.field}: stored {_short(self.stored)}, trail {_short(self.trail)} (entry {self.seq})"
        if self.seq is None:
            return "present in the database, but the trail never recorded it"
        return f"absent from the database, but the trail's last entry ({self.seq}) does not delete it"


@dataclass(frozen=True)
class DeepResult:
    records: int
    tables: int
    differences: list[Difference]

    @property
    def ok(self) -> bool:
        return not self.differences


def _short(value: object, limit: int = 80) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _json(value: object) -> object:
    """The value as the trail's JSON column gives it back (tuples as lists, dates as text)."""
    return json.loads(canonical({"v": value}))["v"]


def _image(record: SQLModel) -> dict:
    out = snapshot(record)
    if isinstance(record, SubProcessorChange):
        out["notices"] = [snapshot(n) for n in record.notices]
        out["objections"] = [snapshot(o) for o in record.objections]
    if isinstance(record, ContractDocument):
        # The file is not in the trail, its SHA-256 is: a replaced file shows as a changed hash.
        out["sha256"] = hashlib.sha256(record.content or b"").hexdigest()
    return out


def _rows(session: Session, model: type[SQLModel]) -> Iterator[tuple[tuple, dict]]:
    if model is ContractDocument:
        query = select(model).order_by(model.id).execution_options(yield_per=20)
    else:
        query = select(model).options(selectinload("*")).order_by(model.id)
    for record in session.execute(query).scalars():
        yield (model.__tablename__, None, record.id), _image(record)
        if model is ContractDocument:
            session.expunge(record)  # let the file's bytes go


def _memberships(session: Session) -> Iterator[tuple[tuple, dict]]:
    rows = session.execute(select(Membership.organisation_id, Membership.user_id, Membership.role, User.email)
                           .join(User, User.id == Membership.user_id).order_by(Membership.organisation_id, User.id))
    for org_id, user_id, role, email in rows:
        yield (MEMBERSHIP, org_id, user_id), {"email": email, "role": role}


def _last_images(session: Session) -> dict[tuple, tuple[int, str, dict | None]]:
    """(record type, organisation for memberships, id) -> (seq, action, after-image) of its last entry."""
    types = [m.__tablename__ for m in CHECKED] + [MEMBERSHIP]
    rows = session.execute(
        select(AuditEntry.seq, AuditEntry.record_type, AuditEntry.organisation_id, AuditEntry.record_id,
               AuditEntry.action, AuditEntry.after)
        .where(AuditEntry.record_type.in_(types), AuditEntry.record_id.is_not(None)).order_by(AuditEntry.seq)
    ).yield_per(1000)
    last = {}
    for seq, record_type, org_id, record_id, action, after in rows:
        last[(record_type, org_id if record_type == MEMBERSHIP else None, record_id)] = (seq, action, after)
    return last


def check(session: Session) -> DeepResult:
    """Compare every record of every register table with the trail; list each difference (Art. 5(2))."""
    expected = _last_images(session)
    differences: list[Difference] = []
    seen: set[tuple] = set()
    count = 0
    sources = [_rows(session, model) for model in CHECKED] + [_memberships(session)]
    for source in sources:
        for key, current in source:
            count += 1
            seen.add(key)
            record_type, org_id, record_id = key
            last = expected.get(key)
            if last is None or last[1] == "delete" or last[2] is None:
                differences.append(Difference(record_type, record_id, None, organisation_id=org_id))
                continue
            seq, _action, after = last
            fields = ("role",) if record_type == MEMBERSHIP else sorted(set(after) & set(current))
            for name in fields:
                stored, trail = _json(current.get(name)), after.get(name)
                if stored != trail:
                    differences.append(Difference(record_type, record_id, name, stored, trail, seq, org_id))
    for key, (seq, action, _after) in expected.items():
        if key not in seen and action != "delete":
            differences.append(Difference(key[0], key[2], None, seq=seq, organisation_id=key[1]))
    return DeepResult(count, len(sources), differences)
