"""Flags kept between requests, per record, so that a page costs a lookup and a write recomputes what it touched."""

import threading
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import or_, select
from sqlmodel import Session

from registry import clock, reference
from registry.domain.flags import Flag
from registry.models import (
    Activity,
    ActivityClientLink,
    ActivitySubProcessorLink,
    AuditEntry,
    AuditHead,
    ClientController,
    DataRequest,
    Organisation,
    RetentionRule,
    SubProcessor,
    Transfer,
)
from registry.models.audit import GENESIS
from registry.services import flags as rules
from registry.services.requests import flags_for_requests

FlagsFunction = Callable[..., dict[int, list[Flag]]]

# Which records' flags each rule function computes, named as the audit trail names them (table names).
RECORD_TYPE = {
    rules.flags_for_activities: "activity",
    rules.flags_for_subprocessors: "subprocessor",
    rules.flags_for_transfers: "transfer",
    rules.flags_for_clients: "client_controller",
    rules.flags_for_retention: "retention_rule",
    flags_for_requests: "data_request",
}
MODEL = {
    rules.flags_for_activities: Activity,
    rules.flags_for_subprocessors: SubProcessor,
    rules.flags_for_transfers: Transfer,
    rules.flags_for_clients: ClientController,
    rules.flags_for_retention: RetentionRule,
    flags_for_requests: DataRequest,
}
# Audited records no flag reads: writing them keeps every cached flag.
NO_FLAG_READS = frozenset({
    "membership", "user_account", "api_token", "breach", "breach_notice", "subprocessor_change", "change_notice",
    "change_objection", "contract_document",
})
EVERY = None  # in a `Touched` set's place: every record of that type


class Touched:
    """The records whose flags a run of audit entries may have changed, by record type (table name)."""

    def __init__(self):
        self.ids: dict[str, set[int] | None] = defaultdict(set)
        self.everything = False

    def add(self, record_type: str, ids: Iterable[int | None]) -> None:
        if self.ids[record_type] is not EVERY:
            self.ids[record_type].update(i for i in ids if i is not None)

    def all_of(self, record_type: str) -> None:
        self.ids[record_type] = EVERY


def _linked(session: Session, column, key, ids: set[int]) -> set[int]:
    return set(session.scalars(select(column).where(key.in_(ids)).distinct())) if ids else set()


def touched_by(session: Session, entries: list) -> Touched:
    """Whose flags the written records feed (registry.services.flags reads them), from each entry's type, id and
    before/after snapshots, plus the current links. A record deleted with its links (cascades leave no entry)
    marks every record of the types that read it.
    """
    out = Touched()
    sp_users, client_users = set(), set()  # records whose activities' (and their sub-processors') flags read them
    for e in entries:
        before, after = e.before or {}, e.after or {}
        both = (before, after)
        kind, deleted = e.record_type, e.action == "delete"
        if kind in NO_FLAG_READS:
            continue
        if kind == "activity":
            out.add("activity", [e.record_id])
            out.add("subprocessor", [i for s in both for i in s.get("subprocessors", [])])
            if deleted:  # its transfers went with it, and a sub-processor's coverage may rest on them
                out.all_of("subprocessor")
        elif kind == "subprocessor":
            out.add("subprocessor", [e.record_id])
            sp_users.add(e.record_id)
            if deleted or before.get("parent_id") != after.get("parent_id"):
                out.all_of("subprocessor")  # the levels of the hops below it in the chain moved with it
            if deleted:
                out.all_of("activity")
        elif kind == "transfer":
            sps = {s.get("subprocessor_id") for s in both} - {None}
            out.add("transfer", [e.record_id])
            out.add("activity", [s.get("activity_id") for s in both])
            out.add("subprocessor", sps)
            sp_users |= sps
        elif kind == "client_controller":
            out.add("client_controller", [e.record_id])
            client_users.add(e.record_id)
            if deleted:
                out.all_of("activity")
                out.all_of("subprocessor")
                out.all_of("data_request")  # its requests lost their client (SET NULL, no entry of their own)
        elif kind == "retention_rule":
            out.add("retention_rule", [e.record_id])
            out.add("activity", [s.get("activity_id") for s in both])
        elif kind == "data_request":  # a request's flags read only the request (and the day, the organisation)
            out.add("data_request", [e.record_id])
        elif kind == "security_measure":
            if deleted:  # its links to activities went with it: their count of measures changed
                out.all_of("activity")
        else:  # the organisation itself (its identity is in every activity's flags), or a type unknown here
            out.everything = True
    out.add("activity", _linked(session, ActivitySubProcessorLink.activity_id, ActivitySubProcessorLink.subprocessor_id,
                                sp_users))
    client_activities = _linked(session, ActivityClientLink.activity_id, ActivityClientLink.client_id, client_users)
    out.add("activity", client_activities)
    # A client's promised breach delay reaches the sub-processors of its activities (Art. 28(4)).
    out.add("subprocessor", _linked(session, ActivitySubProcessorLink.subprocessor_id,
                                    ActivitySubProcessorLink.activity_id, client_activities))
    return out


@dataclass
class _State:
    """One organisation's cached flags, valid as of the audit chain position `seq` (with its `hash`) on `day`."""

    day: date
    seq: int
    hash: str
    law: tuple = ()  # which law files the flags were judged by (reference.fingerprint): an update drops them
    known: dict = field(default_factory=dict)  # compute -> {record id: (record version, flags)}
    dropped: dict = field(default_factory=dict)  # compute -> ids whose known flags a write dropped, for `refresh`


class FlagCache:
    """Flags kept per record between requests, so that a list page costs a lookup.

    The rules are pure functions of the database's rows and of the day, and every write to the register appends
    to the audit chain inside its own transaction (registry.audit.record), naming the record with its before and
    after values. So the cache remembers the chain position its flags are valid at; when the head has moved, it
    reads the organisation's new entries and drops only the flags of the records they may change (`touched_by`):
    the next page recomputes one row after one edit, not the whole register. A new day, a type of entry it does
    not know, or a chain that no longer continues the one it saw (a restored backup) drops the organisation's
    flags. A flag computed from a record read before the head is kept with that record's version and found only
    for the same version, so a write racing a request cannot leave an older flag behind. One cache per application
    (one database); at most `max_orgs` organisations and, per organisation, about `max_records` records are kept.
    """

    def __init__(self, max_orgs: int = 64, max_records: int = 100_000):
        self.max_orgs, self.max_records = max_orgs, max_records
        self._orgs: OrderedDict[int, _State] = OrderedDict()
        self._lock = threading.Lock()
        self.computed = 0  # records whose flags were computed rather than found: for tests and the benchmark

    def flags(self, session: Session, org: Organisation, compute: FlagsFunction, records: Sequence,
              on: date | None = None) -> dict[int, list[Flag]]:
        """`compute(session, org, records, on)` for the records whose flags are not known in their current version."""
        by_id = {r.id: r for r in records}
        versions = {r.id: getattr(r, "version", None) for r in records}
        return self._lookup(session, org, compute, list(by_id), lambda ids: [by_id[i] for i in ids], on, versions)

    def flags_by_id(self, session: Session, org: Organisation, compute: FlagsFunction, model, ids: Sequence[int],
                    on: date | None = None) -> dict[int, list[Flag]]:
        """The same for records named by id: only those not already known are loaded, a batch at a time."""

        def load(missing: list[int]):
            for start in range(0, len(missing), LOAD_BATCH):
                yield from session.scalars(select(model).where(model.id.in_(missing[start:start + LOAD_BATCH]))).all()

        return self._lookup(session, org, compute, list(ids), load, on, None)

    def _lookup(self, session, org, compute, ids: list[int], load, on: date | None, versions) -> dict[int, list[Flag]]:
        on = on or clock.today(org.timezone)
        with self._lock:
            state = self._current(session, org, on)
            seq = state.seq
            known = state.known.setdefault(compute, {})
            hits = {i: known[i][1] for i in ids if i in known and (versions is None or known[i][0] == versions[i])}
        missing = [i for i in ids if i not in hits]
        fresh: dict[int, tuple] = {}
        if missing:
            records = list(load(missing))
            for start in range(0, len(records), LOAD_BATCH):
                batch = records[start:start + LOAD_BATCH]
                found = compute(session, org, batch, on)
                fresh.update({r.id: (getattr(r, "version", None), found.get(r.id, [])) for r in batch})
        with self._lock:
            self.computed += len(fresh)
            # Kept only if no write was taken in meanwhile: those flags may predate it.
            if self._orgs.get(org.id) is state and state.seq == seq:
                if sum(len(k) for k in state.known.values()) + len(fresh) > self.max_records:
                    state.known.clear()
                state.known.setdefault(compute, {}).update(fresh)
        return hits | {i: flags for i, (_version, flags) in fresh.items()}

    def _current(self, session: Session, org: Organisation, on: date) -> _State:
        """The organisation's state brought up to the chain head (called under the lock)."""
        state = self._orgs.get(org.id)
        law = reference.fingerprint()
        for _attempt in range(3):
            head = session.execute(select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1)).first()
            seq, hash_ = head if head else (0, GENESIS)
            if (state is None or state.day != on or state.law != law or seq < state.seq
                    or (seq == state.seq and hash_ != state.hash)):
                state = _State(on, seq, hash_, law)
                break
            if seq == state.seq:
                break
            if not self._catch_up(session, org, state, seq):
                state = _State(on, seq, hash_, law)
                break
            state.seq, state.hash = seq, hash_
        else:
            state = _State(on, seq, hash_, law)  # the head kept moving: start afresh rather than chase it
        self._orgs[org.id] = state
        self._orgs.move_to_end(org.id)
        while len(self._orgs) > self.max_orgs:
            self._orgs.popitem(last=False)
        return state

    def _catch_up(self, session: Session, org: Organisation, state: _State, head: int) -> bool:
        """Drop the flags the organisation's entries after `state.seq` up to `head` may change; False when the chain
        does not continue from the entry the state was taken at, or an entry may change any flag."""
        rows = session.execute(
            select(AuditEntry.seq, AuditEntry.hash, AuditEntry.record_type, AuditEntry.record_id, AuditEntry.action,
                   AuditEntry.before, AuditEntry.after)
            .where(or_(AuditEntry.seq == state.seq,
                       (AuditEntry.seq > state.seq) & (AuditEntry.seq <= head) & (AuditEntry.organisation_id == org.id)))
            .order_by(AuditEntry.seq)
        ).all()
        if state.seq and (not rows or rows[0].seq != state.seq or rows[0].hash != state.hash):
            return False
        touched = touched_by(session, [r for r in rows if r.seq > state.seq])
        if touched.everything:
            return False
        for compute, known in state.known.items():
            record_type = RECORD_TYPE.get(compute)
            ids = touched.ids.get(record_type, set()) if record_type else EVERY
            gone = set(known) if ids is EVERY else {i for i in ids if known.pop(i, None) is not None}
            if ids is EVERY:
                known.clear()
            if gone and record_type:
                state.dropped.setdefault(compute, set()).update(gone)
        return True

    def refresh(self, session: Session, org: Organisation, on: date | None = None) -> int:
        """After a write: compute again the flags it dropped (a few records, unless it changed every one), so that
        the next page finds them instead of computing them while its reader waits. Returns how many were computed."""
        on = on or clock.today(org.timezone)
        with self._lock:
            state = self._current(session, org, on)
            dropped, state.dropped = state.dropped, {}
        before = self.computed
        for compute, ids in dropped.items():
            if len(ids) <= REFRESH_LIMIT:
                self.flags_by_id(session, org, compute, MODEL[compute], sorted(ids), on)
        return self.computed - before


# Records whose flags are computed together: the rules' queries take their ids in one IN list each.
LOAD_BATCH = 500
# A write that changed more records' flags than this (the organisation's identity reaches every activity) leaves
# them to be computed by the pages that show them.
REFRESH_LIMIT = 500
