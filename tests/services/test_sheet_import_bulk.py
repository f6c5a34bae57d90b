"""A large CNIL workbook imports in a few statements whatever its size, with its audit trail intact and its progress told."""

from sqlalchemy import event, func, select

from benchmarks.sheets import workbook
from registry import audit
from registry.i18n import translator
from registry.models import Activity, AuditEntry, Organisation, RetentionRule, Transfer
from registry.services.sheet_import import import_workbook


def _org(session, slug):
    org = Organisation(slug=slug, legal_name=slug.title(), country="FR")
    session.add(org)
    session.commit()
    return org


def _import_counting(app, session, org, content, progress=None):
    statements = []
    engine = app.extensions["registry.engine"]

    def count(*_args):
        statements.append(1)

    event.listen(engine, "before_cursor_execute", count)
    try:
        report = import_workbook(session, org, content, [translator("fr"), translator("en")], progress=progress)
        session.commit()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return report, len(statements)


def test_statements_do_not_grow_with_the_number_of_fiches(app, session):
    small, small_count = _import_counting(app, session, _org(session, "small"), workbook(5))
    large, large_count = _import_counting(app, session, _org(session, "large"), workbook(60))
    more = len(large.created) - len(small.created)
    assert more > 200
    if session.get_bind().dialect.name == "postgresql":
        # Inserts are batched: twelve times the fiches costs a few more batches, not a statement per record.
        assert large_count <= small_count + 12, (small_count, large_count)
    else:
        # SQLite cannot return a batch's ids in order, so each record is one INSERT (in-process, no round trip);
        # still no SELECT per record and no statement per audit entry.
        assert large_count <= small_count + more, (small_count, large_count, more)


def test_bulk_import_keeps_one_audit_entry_per_record_and_a_chain_that_verifies(app, session):
    org = _org(session, "bulk")
    seen = []
    report, _ = _import_counting(app, session, org, workbook(30), progress=lambda done, total: seen.append((done, total)))
    assert seen[0] == (1, 30) and seen[-1] == (30, 30) and len(seen) == 30
    activities = session.scalars(select(Activity).where(Activity.organisation_id == org.id)).all()
    assert len(activities) == 30 and all(len(a.measures) == 1 for a in activities)
    rules = session.scalar(select(func.count()).select_from(RetentionRule).where(RetentionRule.organisation_id == org.id))
    transfers = session.scalar(select(func.count()).select_from(Transfer).where(Transfer.organisation_id == org.id))
    assert (rules, transfers) == (60, 30)
    entries = session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.organisation_id == org.id,
                                                                              AuditEntry.action == "create"))
    assert entries == len(report.created) == 30 + 60 + 30 + 1
    created = session.scalar(select(AuditEntry).where(AuditEntry.record_type == "activity",
                                                      AuditEntry.record_id == activities[0].id))
    assert created.after["reference"] == activities[0].reference and created.after["measures"] == [activities[0].measures[0].id]
    assert audit.verify(session).ok


def test_reimporting_a_large_workbook_changes_nothing_and_writes_no_entry(app, session):
    org = _org(session, "again")
    content = workbook(20)
    _import_counting(app, session, org, content)
    before = session.scalar(select(func.count()).select_from(AuditEntry))
    report, _ = _import_counting(app, session, org, content)
    assert report.created == [] and report.updated == []
    assert session.scalar(select(func.count()).select_from(AuditEntry)) == before
    assert audit.verify(session).ok


def test_import_sheet_draws_its_progress_on_stderr(runner, session, tmp_path):
    _org(session, "shell")
    path = tmp_path / "registre.xlsx"
    path.write_bytes(workbook(4))
    result = runner.invoke(args=["import-sheet", str(path), "--org", "shell"])
    assert result.exit_code == 0, result.output
    # Off a terminal click draws the bar once, by its label; on one it moves with each fiche.
    assert "activities" in result.stderr and "Imported (cnil layout): " in result.stdout
