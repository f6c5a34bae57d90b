"""A backup restored into a new database gives back every record of every table, and nothing else."""

import pytest
from click.testing import CliRunner
from flask.cli import FlaskGroup
from sqlalchemy import MetaData, select
from sqlmodel import Session

from registry import audit, migrations
from registry.models import Organisation


def _all_rows(engine) -> dict[str, list[tuple]]:
    """Every row of every table, in primary-key order (the audit chain, once it exists, included)."""
    meta = MetaData()
    meta.reflect(engine)
    with engine.connect() as conn:
        return {
            t.name: [tuple(r) for r in conn.execute(select(t).order_by(*t.primary_key.columns))]
            for t in meta.sorted_tables
        }


@pytest.fixture
def seeded(app, demo):
    """The app on a database holding the five demo organisations, their accounts and audit trail."""
    return app


def test_restored_backup_holds_every_record_of_every_table(seeded, runner, tmp_path, other_database_url, make_app):
    file = tmp_path / "registry.backup"
    made = runner.invoke(args=["backup", "-o", str(file)])
    assert made.exit_code == 0, made.output

    # As `flask --app app restore FILE` does it: the command line loads the app on the new database.
    loaded = []
    cli = FlaskGroup(create_app=lambda: loaded.append(make_app(other_database_url)) or loaded[-1], load_dotenv=False)
    restored = CliRunner().invoke(cli, ["restore", str(file)])
    assert restored.exit_code == 0, restored.output
    target = loaded[0]

    source_rows = _all_rows(seeded.extensions["registry.engine"])
    target_engine = target.extensions["registry.engine"]
    assert _all_rows(target_engine) == source_rows
    assert len(source_rows["organisation"]) == 5 and len(source_rows["activity"]) > 0
    # The audit trail came back whole: its hash chain verifies on the restored database.
    with Session(target_engine) as s:
        chain = audit.verify(s)
    assert chain.ok and chain.entries == len(source_rows["audit_entry"]) > 0
    # The restored database takes new records (PostgreSQL sequences came back with the tables).
    with Session(target_engine) as s:
        s.add(Organisation(slug="after-restore", legal_name="After restore", country="FR"))
        s.commit()
    assert migrations.state(target_engine).is_current


def test_restore_refuses_a_database_that_holds_records_unless_forced(seeded, runner, tmp_path):
    file = tmp_path / "registry.backup"
    assert runner.invoke(args=["backup", "-o", str(file)]).exit_code == 0
    with Session(seeded.extensions["registry.engine"]) as s:
        s.add(Organisation(slug="written-after", legal_name="Written after the backup", country="FR"))
        s.commit()

    refused = runner.invoke(args=["restore", str(file)])
    assert refused.exit_code == 1
    assert "not empty" in refused.output and "--force" in refused.output
    with Session(seeded.extensions["registry.engine"]) as s:
        assert s.execute(select(Organisation).where(Organisation.slug == "written-after")).first() is not None

    forced = runner.invoke(args=["restore", "--force", str(file)])
    assert forced.exit_code == 0, forced.output
    with Session(seeded.extensions["registry.engine"]) as s:
        assert s.execute(select(Organisation).where(Organisation.slug == "written-after")).first() is None
        assert len(s.execute(select(Organisation)).all()) == 5


@pytest.mark.parametrize("content", [b"slug,name\npilotim,PILOTIM\n", b"SQLite format 3\x00" + b"\x00" * 100, b""])
def test_restore_refuses_a_file_that_is_not_a_backup_and_changes_nothing(seeded, runner, tmp_path, content):
    before = _all_rows(seeded.extensions["registry.engine"])
    file = tmp_path / "not-a-backup"
    file.write_bytes(content)
    refused = runner.invoke(args=["restore", "--force", str(file)])
    assert refused.exit_code == 1
    assert "restore refused, nothing changed" in refused.output
    assert _all_rows(seeded.extensions["registry.engine"]) == before


def test_backup_to_an_unwritable_place_leaves_no_file(app, runner, tmp_path):
    target = tmp_path / "missing-dir" / "registry.backup"
    result = runner.invoke(args=["backup", "-o", str(target)])
    assert result.exit_code == 1
    assert "backup failed" in result.output and "missing-dir" in result.output
    assert not target.parent.exists()
