"""Flags kept between requests, per record, so that a page costs a lookup and a write recomputes what it touched."""

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from datetime import date

from sqlalchemy import select
from sqlmodel import Session

from registry import clock
from registry.domain.flags import Flag
from registry.models import AuditHead, Organisation

FlagsFunction = Callable[..., dict[int, list[Flag]]]


class FlagCache:
    """Flags kept between requests while the register does not change, so a list page costs a lookup.

    The rules are pure functions of the database's rows and of the day. Every write to the register appends to
    the audit chain inside its own transaction (registry.audit.record), so the chain head's position numbers the
    states of the database: flags computed at one position, on one day, hold until the next write anywhere.
    The position is read before the records, so a write committed in between can only make an entry newer than
    its key (dropped one request early), never older. One cache per application (one database); at most
    `max_orgs` organisations and, per organisation, about `max_records` records are kept.
    """

    def __init__(self, max_orgs: int = 64, max_records: int = 100_000):
        self.max_orgs, self.max_records = max_orgs, max_records
        self._orgs: OrderedDict[int, tuple[tuple, dict]] = OrderedDict()
        self._lock = threading.Lock()
        self.computed = 0  # records whose flags were computed rather than found: for tests and the benchmark

    def flags(self, session: Session, org: Organisation, compute: FlagsFunction, records: Sequence,
              on: date | None = None) -> dict[int, list[Flag]]:
        """`compute(session, org, records, on)` for the records not already known in this state of the register."""
        by_id = {r.id: r for r in records}
        return self._lookup(session, org, compute, list(by_id), lambda ids: [by_id[i] for i in ids], on)

    def flags_by_id(self, session: Session, org: Organisation, compute: FlagsFunction, model, ids: Sequence[int],
                    on: date | None = None) -> dict[int, list[Flag]]:
        """The same for records named by id: only those not already known are loaded, a batch at a time."""

        def load(missing: list[int]):
            for start in range(0, len(missing), LOAD_BATCH):
                yield from session.scalars(select(model).where(model.id.in_(missing[start:start + LOAD_BATCH]))).all()

        return self._lookup(session, org, compute, list(ids), load, on)

    def _lookup(self, session, org, compute, ids: list[int], load, on: date | None) -> dict[int, list[Flag]]:
        on = on or clock.today(org.timezone)
        key = (session.scalar(select(AuditHead.seq).where(AuditHead.id == 1)) or 0, on)
        with self._lock:
            state = self._orgs.get(org.id)
            if state is None or state[0] != key:
                state = (key, {})
                self._orgs[org.id] = state
            self._orgs.move_to_end(org.id)
            while len(self._orgs) > self.max_orgs:
                self._orgs.popitem(last=False)
            known = state[1].setdefault(compute, {})
            hits = {i: known[i] for i in ids if i in known}
        missing = [i for i in ids if i not in hits]
        fresh: dict[int, list[Flag]] = {}
        if missing:
            records = list(load(missing))
            for start in range(0, len(records), LOAD_BATCH):
                batch = records[start:start + LOAD_BATCH]
                found = compute(session, org, batch, on)
                fresh.update({r.id: found.get(r.id, []) for r in batch})
        with self._lock:
            self.computed += len(fresh)
            if sum(len(k) for k in state[1].values()) + len(fresh) > self.max_records:
                state[1].clear()
            state[1].setdefault(compute, {}).update(fresh)
        return hits | fresh


# Records whose flags are computed together: the rules' queries take their ids in one IN list each.
LOAD_BATCH = 500
