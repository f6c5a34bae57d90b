"""Several writer processes at once, through the services layer: no "database is locked", no broken audit chain."""

import multiprocessing
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlmodel import Session

from registry import audit
from registry.db import make_engine
from registry.models import Organisation
from registry.models.breaches import Breach, BreachBase, BreachCreate
from registry.services.breaches import record_breach, update_breach
from registry.services.crud import StaleRecord

WRITERS = 4
ACTIONS = 10  # per writer: each is one new breach and one edit of the breach they all edit


def _breach_data(reference: str, **changes) -> BreachCreate:
    return BreachCreate(reference=reference, title=f"Incident {reference}", aware_at=datetime(2026, 1, 5, 9, 0, tzinfo=UTC),
                        confidentiality=True, **changes)


def _writer(url: str, org_id: int, shared_id: int, worker: int, results) -> None:
    """One user's session: each action in its own transaction, committed once, as a view does."""
    eng = make_engine(url)
    errors, saved = [], 0
    actor = f"writer-{worker}@example.org"
    for i in range(ACTIONS):
        try:
            with Session(eng) as s:
                org = s.get(Organisation, org_id)
                record_breach(s, org, _breach_data(f"W{worker}-{i}"), actor=actor)  # audits itself
                s.commit()
            with Session(eng) as s:
                shared = s.get(Breach, shared_id)
                values = {name: getattr(shared, name) for name in BreachBase.model_fields}
                values["notes"] = f"edited by writer {worker}, action {i}"
                try:
                    assert update_breach(s, shared, BreachCreate(**values), actor=actor)  # audits itself
                    s.commit()
                    saved += 1
                except StaleRecord:  # another writer saved first: refused, as the web form refuses it
                    s.rollback()
        except Exception as exc:  # reported to the parent: any error is a failure of the test
            errors.append(f"writer {worker} action {i}: {exc!r}"[:500])
    eng.dispose()
    results.put((errors, saved))


def test_concurrent_writers_get_no_error_and_leave_a_complete_audit_trail(app, session):
    url = app.config["DATABASE_URL"]
    org = Organisation(slug="concurrent", legal_name="Concurrent writers", country="FR")
    session.add(org)
    session.flush()
    shared = record_breach(session, org, _breach_data("SHARED"))
    session.commit()
    entries_before = audit.verify(session).entries

    ctx = multiprocessing.get_context("fork")
    results = ctx.Queue()
    app.extensions["registry.engine"].dispose()  # no pooled connection crosses the fork
    procs = [ctx.Process(target=_writer, args=(url, org.id, shared.id, w, results)) for w in range(WRITERS)]
    for p in procs:
        p.start()
    outcomes = [results.get(timeout=300) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    assert [e for errors, _ in outcomes for e in errors] == []
    saved = sum(n for _, n in outcomes)
    assert saved >= 1

    with Session(make_engine(url)) as s:
        assert s.execute(select(func.count()).select_from(Breach)).scalar_one() == 1 + WRITERS * ACTIONS
        chain = audit.verify(s)
        assert chain.ok, chain.reason
        assert chain.entries == entries_before + WRITERS * ACTIONS + saved
        # No edit lost: every saved edit took its own version (the atomic claim of crud.claim_version).
        assert s.get(Breach, shared.id).version == 1 + saved
