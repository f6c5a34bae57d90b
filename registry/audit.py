"""Tamper-evident audit trail: who changed what and when, each entry chained to the previous by SHA-256.

Appends are serialised by updating the single `audit_head` row first (a row lock on PostgreSQL, the write
lock on SQLite), so two writers can never chain to the same predecessor. `verify` recomputes every hash:
an entry altered, deleted or inserted behind the application's back breaks the chain at that point.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel

from registry.models import AuditEntry, AuditHead
from registry.models.audit import GENESIS
from registry.models.base import utcnow


def plain(value):
    """A JSON-safe form of a column value (dates as ISO 8601)."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


LINKS = ("activities", "clients", "subprocessors", "measures")
WRITTEN_ORGANISATIONS = "registry.written_organisations"  # key of `session.info`: organisations given an entry


def snapshot(record: SQLModel) -> dict:
    """Every column value of a record, JSON-safe, with its links: what the audit keeps as "before" and "after"."""
    out = {name: plain(getattr(record, name)) for name in type(record).model_fields}
    if hasattr(record, "locations"):
        out["locations"] = [{k: plain(getattr(loc, k)) for k in ("country", "site", "kind")} for loc in record.locations]
    for link in LINKS:
        if hasattr(record, link) and link not in out:
            out[link] = sorted(r.id for r in getattr(record, link))
    return out


def changes(before: dict | None, after: dict | None) -> dict[str, tuple]:
    """`{field: (old, new)}` for the fields that differ."""
    before, after = before or {}, after or {}
    return {k: (before.get(k), after.get(k)) for k in sorted(set(before) | set(after)) if before.get(k) != after.get(k)}


def canonical(data: dict) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def entry_hash(entry: AuditEntry) -> str:
    body = {
        "seq": entry.seq,
        "at": entry.at.isoformat(),
        "actor": entry.actor,
        "organisation_id": entry.organisation_id,
        "organisation_slug": entry.organisation_slug,
        "record_type": entry.record_type,
        "record_id": entry.record_id,
        "action": entry.action,
        "before": entry.before,
        "after": entry.after,
        "prev_hash": entry.prev_hash,
    }
    return hashlib.sha256(canonical(body)).hexdigest()


def _lock_head(session: Session) -> tuple[int, str]:
    row = session.execute(
        update(AuditHead).where(AuditHead.id == 1).values(seq=AuditHead.seq + 1).returning(AuditHead.seq, AuditHead.hash)
    ).first()
    if row is None:
        try:
            with session.begin_nested():
                session.add(AuditHead(id=1, seq=0, hash=GENESIS))
        except IntegrityError:
            pass  # two first writers at once: the other one created it, and its row lock now orders us
        return _lock_head(session)
    return row[0], row[1]


def record(
    session: Session,
    actor: str,
    action: str,
    record: SQLModel | None = None,
    *,
    record_type: str | None = None,
    record_id: int | None = None,
    organisation_id: int | None = None,
    organisation_slug: str | None = None,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEntry:
    """Append one entry (create, update or delete) in the caller's transaction; flush only."""
    if record is not None:
        record_type = record_type or type(record).__tablename__
        record_id = record_id if record_id is not None else getattr(record, "id", None)
        organisation_id = organisation_id if organisation_id is not None else getattr(record, "organisation_id", None)
    seq, prev = _lock_head(session)
    entry = AuditEntry(
        seq=seq,
        at=utcnow(),
        actor=actor,
        organisation_id=organisation_id,
        organisation_slug=organisation_slug,
        record_type=record_type or "unknown",
        record_id=record_id,
        action=action,
        before=before,
        after=after,
        prev_hash=prev,
        hash="",
    )
    entry.hash = entry_hash(entry)
    if organisation_id is not None:
        # Read after the commit by the web layer, which then brings the organisation's cached flags up to date.
        session.info.setdefault(WRITTEN_ORGANISATIONS, set()).add(organisation_id)
    session.add(entry)
    session.execute(update(AuditHead).where(AuditHead.id == 1).values(hash=entry.hash))
    session.flush()
    return entry


@dataclass(frozen=True)
class Verification:
    ok: bool
    entries: int
    head_seq: int
    head_hash: str
    broken_at: int | None = None
    reason: str | None = None


def verify(session: Session) -> Verification:
    """Recompute the chain from the first entry; report the first position where it breaks."""
    expected_seq, prev, count = 1, GENESIS, 0
    for entry in session.execute(select(AuditEntry).order_by(AuditEntry.seq)).scalars().yield_per(1000):
        if entry.seq != expected_seq:
            why = "an entry is missing before this one" if entry.seq > expected_seq else "unexpected position"
            return Verification(False, count, expected_seq - 1, prev, entry.seq, why)
        if entry.prev_hash != prev:
            return Verification(False, count, expected_seq - 1, prev, entry.seq, "does not chain to the previous entry")
        if entry_hash(entry) != entry.hash:
            return Verification(False, count, expected_seq - 1, prev, entry.seq, "content altered (hash mismatch)")
        prev, expected_seq, count = entry.hash, expected_seq + 1, count + 1
    head = session.get(AuditHead, 1)
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)
    if count > head_seq:
        return Verification(False, count, head_seq, head_hash, head_seq + 1,
                            "entry beyond the chain head, not written by the application")
    if count < head_seq:
        return Verification(False, count, count, prev, count + 1, "entries removed from the end of the chain")
    if head_hash != prev:
        return Verification(False, count, count, prev, count, "the chain head does not match the last entry")
    return Verification(True, count, head_seq, head_hash)


def history(session: Session, record_type: str, record_id: int) -> list[AuditEntry]:
    """The entries of one record, oldest first (a record page's History tab)."""
    return list(
        session.execute(
            select(AuditEntry)
            .where(AuditEntry.record_type == record_type, AuditEntry.record_id == record_id)
            .order_by(AuditEntry.seq)
        ).scalars()
    )


def organisation_trail(session: Session, organisation_id: int) -> list[dict]:
    """An organisation's audit trail as plain data, for its JSON export."""
    rows = session.execute(
        select(AuditEntry).where(AuditEntry.organisation_id == organisation_id).order_by(AuditEntry.seq)
    ).scalars()
    return [{name: plain(getattr(e, name)) for name in AuditEntry.model_fields if name != "id"} for e in rows]
