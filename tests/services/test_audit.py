"""The audit trail: every change traced, chained by SHA-256, and any tampering found by audit-verify."""

from sqlalchemy import select, text

from registry import audit, clock
from registry.models import AuditEntry, SubProcessor


def entries(session):
    return list(session.execute(select(AuditEntry).order_by(AuditEntry.seq)).scalars())


def test_seeding_records_one_chained_entry_per_created_record(demo):
    session = demo
    trail = entries(session)
    assert len(trail) > 40
    assert trail[0].prev_hash == "0" * 64
    assert all(b.prev_hash == a.hash for a, b in zip(trail, trail[1:], strict=False))
    openai = next(e for e in trail if e.record_type == "subprocessor" and e.after["legal_name"] == "OpenAI, L.L.C.")
    assert (openai.actor, openai.action, openai.organisation_slug) == ("seed-demo", "create", "pilotim")
    assert openai.after["locations"] == [{"country": "US", "site": None, "kind": "access"}]
    assert audit.verify(session).ok


def test_update_entry_keeps_full_values_before_and_after(demo):
    session = demo
    sp = session.execute(select(SubProcessor).where(SubProcessor.legal_name == "Gandi")).scalars().first()
    before = audit.snapshot(sp)
    sp.dpa_reference = "DPA-2026-01"
    entry = audit.record(session, "dpo@test.example.com", "update", sp, before=before, after=audit.snapshot(sp))
    session.commit()
    assert audit.changes(entry.before, entry.after) == {"dpa_reference": (None, "DPA-2026-01")}
    assert [e.action for e in audit.history(session, "subprocessor", sp.id)] == ["create", "update"]
    assert audit.verify(session).ok


def tamper(session, sql, **params):
    session.execute(text(sql), params)
    session.commit()
    session.expire_all()


def test_verify_finds_an_altered_entry(demo):
    session = demo
    tamper(session, "UPDATE audit_entry SET actor = 'someone-else' WHERE seq = 7")
    result = audit.verify(session)
    assert not result.ok and result.broken_at == 7 and "altered" in result.reason


def test_verify_finds_a_deleted_entry(demo):
    session = demo
    tamper(session, "DELETE FROM audit_entry WHERE seq = 12")
    result = audit.verify(session)
    assert not result.ok and result.broken_at == 13


def test_verify_finds_an_entry_inserted_directly(demo):
    session = demo
    last = entries(session)[-1]
    forged = AuditEntry(seq=last.seq + 1, at=last.at, actor="intruder", record_type="subprocessor", record_id=1,
                        action="delete", prev_hash=last.hash, hash="")
    forged.hash = audit.entry_hash(forged)  # a well-formed entry, but its hash is not keyed (nor the head moved)
    session.add(forged)
    session.commit()
    result = audit.verify(session)
    assert not result.ok and result.broken_at == last.seq + 1 and "without the audit key" in result.reason


def test_verify_finds_entries_removed_from_the_end(demo):
    session = demo
    last = entries(session)[-1]
    seq = last.seq
    tamper(session, "DELETE FROM audit_entry WHERE seq = :seq", seq=seq)
    result = audit.verify(session)
    assert not result.ok and result.broken_at == seq and "removed" in result.reason


def test_audit_verify_command_prints_ok_with_the_head_or_the_break(runner, demo):
    session = demo
    ok = runner.invoke(args=["audit-verify"])
    head = entries(session)[-1]
    assert ok.exit_code == 0 and ok.output.strip().endswith(f"head {head.seq} {head.hash}")
    tamper(session, "UPDATE audit_entry SET after = NULL WHERE seq = 3")
    broken = runner.invoke(args=["audit-verify"])
    assert broken.exit_code == 1 and "BROKEN at entry 3" in broken.output


def test_audit_export_lists_only_the_organisations_entries(runner, demo):
    import json

    out = json.loads(runner.invoke(args=["audit-export", "--org", "art-zone"]).output)
    assert out["entries"] and {e["organisation_slug"] for e in out["entries"]} == {"art-zone"}


def test_recording_a_breach_writes_an_audit_entry(demo):
    from datetime import UTC, datetime

    from registry.models import BreachCreate
    from registry.services import breaches
    from registry.services.organisations import get_by_slug

    session = demo
    org = get_by_slug(session, "defi-informatique")
    data = BreachCreate(reference="B-1", title="Incident OVH", occurred_at=datetime(2026, 11, 20, 8, tzinfo=UTC),
                        aware_at=datetime(2026, 11, 20, 9, tzinfo=UTC), availability=True)
    with clock.frozen(datetime(2026, 11, 20, 10, tzinfo=UTC)):  # after the awareness, whatever the run's instant
        breach = breaches.record_breach(session, org, data, actor="dpo@test.example.com")
    session.commit()
    (entry,) = audit.history(session, "breach", breach.id)
    assert (entry.actor, entry.action, entry.after["reference"]) == ("dpo@test.example.com", "create", "B-1")
    assert audit.verify(session).ok
