"""Tamper-evident audit trail: who changed what and when, each entry chained to the previous by HMAC-SHA256.

Each entry's MAC covers its content and the previous entry's MAC, keyed with a key kept outside the database
(`registry.audit.keys`): someone who can write the database but not read the key file cannot recompute it.
After every commit that added entries, the chain's head (position and MAC) is appended to a file outside the
database (`registry.audit.head`), so cutting entries off the end or rewinding the head is found too.

Appends are serialised by updating the single `audit_head` row first (a row lock on PostgreSQL, the write
lock on SQLite), so two writers can never chain to the same predecessor. `verify` recomputes every MAC:
an entry altered, deleted or inserted behind the application's back breaks the chain at that point.
Entries written before the trail was keyed carry a plain SHA-256; they can only come first, and `verify`
counts them apart.
"""

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import date, datetime
from types import SimpleNamespace

from sqlalchemy import event, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, SQLModel

from registry.audit import head as head_file
from registry.audit import keys
from registry.models import AuditEntry, AuditHead
from registry.models.audit import GENESIS
from registry.models.base import utcnow

log = logging.getLogger(__name__)
_APPENDED = "registry.audit.appended"  # key of `session.info`: this transaction added entries
_TO_EXPORT = "registry.audit.to_export"  # the head read just before the commit, appended to the file after it


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


def _body(entry: AuditEntry) -> bytes:
    return canonical({
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
    })


def entry_hash(entry: AuditEntry) -> str:
    """The plain SHA-256 of an entry, as written before the trail was keyed (anyone can recompute it)."""
    return hashlib.sha256(_body(entry)).hexdigest()


def entry_mac(key: bytes, entry: AuditEntry) -> str:
    """The entry's HMAC-SHA256 under the trail's key: what `hash` holds for every entry written since."""
    return keys.mac(key, _body(entry))


def _plain_entries(session: Session) -> int | None:
    """How many entries the trail holds while none is keyed yet (0 when empty); None once one is keyed."""
    head = session.get(AuditHead, 1)
    if head is None or head.seq == 0:
        return 0
    last = session.execute(select(AuditEntry).where(AuditEntry.seq == head.seq)).scalars().first()
    return head.seq if last is not None and entry_hash(last) == last.hash else None


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
    key = keys.files_of(session).key(plain_entries=lambda: _plain_entries(session)).secret
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
    entry.hash = entry_mac(key, entry)
    session.info[_APPENDED] = True
    if organisation_id is not None:
        # Read after the commit by the web layer, which then brings the organisation's cached flags up to date.
        session.info.setdefault(WRITTEN_ORGANISATIONS, set()).add(organisation_id)
    session.add(entry)
    session.execute(update(AuditHead).where(AuditHead.id == 1).values(hash=entry.hash))
    session.flush()
    return entry


def record_many(session: Session, actor: str, items: list[tuple[str, SQLModel, dict | None, dict | None]],
                organisation_slug: str | None = None) -> None:
    """Append one entry per (action, record, before, after), chained in that order, in the caller's transaction.

    The same entries as calling `record` for each, with the head locked and moved once and the entries inserted
    in one flush: an import of a thousand records writes its trail in a few statements, not thousands.
    """
    if not items:
        return
    key = keys.files_of(session).key(plain_entries=lambda: _plain_entries(session)).secret
    first, prev = _lock_head(session)
    if len(items) > 1:
        session.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=AuditHead.seq + len(items) - 1))
    written = session.info.setdefault(WRITTEN_ORGANISATIONS, set())
    rows = []
    at = utcnow()
    for seq, (action, rec, before, after) in enumerate(items, start=first):
        # Plain rows, not AuditEntry objects: the MAC reads the same fields, and the rows go in one executemany.
        row = {"seq": seq, "at": at, "actor": actor, "organisation_id": getattr(rec, "organisation_id", None),
               "organisation_slug": organisation_slug, "record_type": type(rec).__tablename__,
               "record_id": getattr(rec, "id", None), "action": action, "before": before, "after": after, "prev_hash": prev}
        row["hash"] = prev = entry_mac(key, SimpleNamespace(**row))
        if row["organisation_id"] is not None:
            written.add(row["organisation_id"])
        rows.append(row)
    session.info[_APPENDED] = True
    session.execute(AuditEntry.__table__.insert(), rows)
    session.execute(update(AuditHead).where(AuditHead.id == 1).values(hash=prev))


@dataclass(frozen=True)
class Verification:
    ok: bool
    entries: int
    head_seq: int
    head_hash: str
    broken_at: int | None = None
    reason: str | None = None
    unkeyed: int = 0  # entries 1..unkeyed carry a plain SHA-256 (written before the trail was keyed)


def verify(session: Session) -> Verification:
    """Recompute the chain from the first entry; report the first position where it breaks.

    An entry must carry the HMAC of its content under the trail's key. A plain SHA-256 is accepted only for
    the entries written before keying, as many as the key file counts, and never after a keyed one: a forger
    without the key can compute that hash, not the HMAC. Without a key file (a trail from before keying that
    nothing has written to since), every entry is checked by its plain hash and counted as unkeyed.
    """
    key = keys.files_of(session).key()
    allowed_plain = key.plain_entries if key is not None else None
    expected_seq, prev, count, unkeyed = 1, GENESIS, 0, 0
    for entry in session.execute(select(AuditEntry).order_by(AuditEntry.seq)).scalars().yield_per(1000):
        def broken(why: str) -> Verification:
            return Verification(False, count, expected_seq - 1, prev, entry.seq, why, unkeyed)  # noqa: B023

        if entry.seq != expected_seq:
            return broken("an entry is missing before this one" if entry.seq > expected_seq else "unexpected position")
        if entry.prev_hash != prev:
            return broken("does not chain to the previous entry")
        if key is not None and keys.same(entry_mac(key.secret, entry), entry.hash):
            pass
        elif entry_hash(entry) == entry.hash:
            if unkeyed != count or (allowed_plain is not None and unkeyed >= allowed_plain):
                return broken("carries a plain SHA-256 where a keyed entry is due: written without the audit key "
                              "(forged)")
            unkeyed += 1
        elif key is None:
            return broken(f"keyed entry, but the audit key file {keys.files_of(session).key_file()} is missing")
        else:
            return broken("content altered, or written without the audit key (HMAC mismatch)")
        prev, expected_seq, count = entry.hash, expected_seq + 1, count + 1
    head = session.get(AuditHead, 1)
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)
    if count > head_seq:
        return Verification(False, count, head_seq, head_hash, head_seq + 1,
                            "entry beyond the chain head, not written by the application", unkeyed)
    if count < head_seq:
        return Verification(False, count, count, prev, count + 1, "entries removed from the end of the chain", unkeyed)
    if head_hash != prev:
        return Verification(False, count, count, prev, count, "the chain head does not match the last entry", unkeyed)
    return Verification(True, count, head_seq, head_hash, unkeyed=unkeyed)


@dataclass(frozen=True)
class HeadProblem:
    seq: int
    line: int
    at: str
    reason: str


def check_against(session: Session, heads: list[head_file.ExportedHead]) -> list[HeadProblem]:
    """Every head exported to the file must still be in the chain, with the same MAC.

    An exported position past the chain's end means entries were cut off (and the head rewound); a different
    MAC at an exported position means the chain was rewritten at or before it. Entries written after the
    last export are protected by their MACs only.
    """
    last = session.execute(select(AuditEntry.seq).order_by(AuditEntry.seq.desc()).limit(1)).scalar() or 0
    wanted = sorted({h.seq for h in heads})
    stored: dict[int, str] = {}
    for i in range(0, len(wanted), 500):
        rows = session.execute(select(AuditEntry.seq, AuditEntry.hash).where(AuditEntry.seq.in_(wanted[i:i + 500])))
        stored.update((seq, mac) for seq, mac in rows)
    problems = []
    for h in heads:
        if h.seq == 0:
            continue
        if h.seq > last:
            reason = f"exported head {h.seq} is past the end of the chain ({last}): entries were removed from the end"
        elif h.seq not in stored:
            reason = f"entry {h.seq} of an exported head is missing from the chain"
        elif not keys.same(stored[h.seq], h.mac):
            reason = f"entry {h.seq} differs from the head exported then: the chain was rewritten at or before it"
        else:
            continue
        problems.append(HeadProblem(h.seq, h.line, h.at, reason))
    return problems


def export_head(session: Session) -> tuple[int, str]:
    """Append the database's current head to the head file (the periodic export; the app also does it after
    each commit that added entries). Callers verify the chain first, so that a tampered head is never exported."""
    head = session.get(AuditHead, 1)
    seq, mac = (head.seq, head.hash) if head else (0, GENESIS)
    path = keys.files_of(session).head_file()
    if path is None:
        raise keys.AuditKeyError("no head file is configured for this database: set REGISTRY_AUDIT_HEAD_FILE")
    head_file.append(path, seq, mac, utcnow())
    return seq, mac


@event.listens_for(OrmSession, "before_commit")
def _read_head_before_commit(session: OrmSession) -> None:
    # The head as this transaction leaves it: read while its row lock (or SQLite's write lock) is still held.
    if session.info.pop(_APPENDED, False):
        row = session.execute(select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1)).first()
        if row is not None:
            session.info[_TO_EXPORT] = (row[0], row[1])


@event.listens_for(OrmSession, "after_commit")
def _export_head_after_commit(session: OrmSession) -> None:
    pending = session.info.pop(_TO_EXPORT, None)
    if pending is None:
        return
    try:
        path = keys.files_of(session).head_file()
        if path is not None:
            head_file.append(path, pending[0], pending[1], utcnow())
    except (OSError, keys.AuditKeyError) as exc:
        # The write is committed and must not be reported as failed; the periodic export catches up.
        log.error("audit head %s not exported after commit: %s", pending[0], exc)


@event.listens_for(OrmSession, "after_rollback")
def _forget_head_after_rollback(session: OrmSession) -> None:
    session.info.pop(_APPENDED, None)
    session.info.pop(_TO_EXPORT, None)


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
