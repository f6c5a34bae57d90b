"""The schema comes from the migrations, matches the models, and the app refuses a database that is behind."""

import shutil

import pytest
from alembic import command
from click.testing import CliRunner
from flask.cli import FlaskGroup
from sqlalchemy import func, inspect, select, text
from sqlmodel import Session

from registry import migrations
from registry.db import create_schema, make_engine
from registry.models import Activity, Organisation
from registry.services.demo import seed_demo

# A later revision that rebuilds the organisation table the way SQLite batch mode does (copy, drop, rename):
# with foreign keys on, that drop would cascade-delete every activity of every organisation.
REVISION_NEXT = '''"""rebuild organisation"""
import sqlalchemy as sa
from alembic import op

revision = "9999"
down_revision = "{head}"
branch_labels = None
depends_on = None


def _recreate():
    return "always" if op.get_bind().dialect.name == "sqlite" else "auto"


def upgrade():
    with op.batch_alter_table("organisation", recreate=_recreate()) as batch:
        batch.add_column(sa.Column("extra", sa.String(10), nullable=True))


def downgrade():
    with op.batch_alter_table("organisation", recreate=_recreate()) as batch:
        batch.drop_column("extra")
'''


@pytest.fixture
def engine(database_url):
    eng = make_engine(database_url)
    yield eng
    eng.dispose()


def test_schema_built_by_the_migrations_matches_the_models(engine):
    before, after = migrations.upgrade(engine)
    assert (before, after) == (None, migrations.head())
    with engine.connect() as conn:
        diffs = migrations.differences(conn)
    assert diffs == [], (
        f"the models differ from the migrations: {diffs}\n"
        'write the missing revision with `.venv/bin/python -m registry.migrations revision -m "what changed"`'
    )


def test_every_migration_downgrades_back_to_an_empty_database(engine):
    migrations.upgrade(engine)
    with migrations.locked(engine) as conn:
        command.downgrade(migrations.config(conn), "base")
    assert set(inspect(engine).get_table_names()) <= {migrations.VERSION_TABLE}


def test_app_builds_an_empty_database_to_head_on_start(database_url, make_app):
    app = make_app(database_url)
    st = migrations.state(app.extensions["registry.engine"])
    assert st.current == migrations.head() and st.problem() is None


def _seed(url: str) -> int:
    eng = make_engine(url)
    with Session(eng) as s:
        seed_demo(s)
        s.commit()
        n = s.execute(select(func.count()).select_from(Activity)).scalar_one()
    eng.dispose()
    return n


def test_database_behind_refuses_to_start_until_db_upgrade_then_keeps_its_records(
    database_url, make_app, tmp_path, monkeypatch
):
    make_app(database_url)
    activities = _seed(database_url)
    scripts = tmp_path / "migrations"
    shutil.copytree(migrations.HERE, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    head = migrations.head()
    (scripts / "versions" / "9999_rebuild_organisation.py").write_text(REVISION_NEXT.replace("{head}", head))
    monkeypatch.setattr(migrations, "HERE", scripts)

    behind = rf"at revision {head} but this code needs 9999.*flask --app app db upgrade"
    with pytest.raises(migrations.SchemaNotCurrent, match=behind):
        make_app(database_url)

    cli = FlaskGroup(create_app=lambda: make_app(database_url), load_dotenv=False)
    refused = CliRunner().invoke(cli, ["orgs"])
    assert refused.exit_code == 1 and "flask --app app db upgrade" in refused.output
    done = CliRunner().invoke(cli, ["db", "upgrade"])
    assert done.exit_code == 0, done.output
    assert f"from {head} to 9999" in done.output

    app = make_app(database_url)
    with Session(app.extensions["registry.engine"]) as s:
        assert s.execute(select(func.count()).select_from(Activity)).scalar_one() == activities
        assert s.execute(select(func.count()).select_from(Organisation)).scalar_one() == 5


def test_database_at_an_unknown_revision_refuses_to_start(database_url, make_app):
    app = make_app(database_url)
    with app.extensions["registry.engine"].begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'ffff'"))
    with pytest.raises(migrations.SchemaNotCurrent, match="revision ffff, which this code does not know"):
        make_app(database_url)


def test_database_made_before_migrations_is_refused_with_the_stamp_command(database_url, make_app):
    eng = make_engine(database_url)
    create_schema(eng)
    eng.dispose()
    with pytest.raises(migrations.SchemaNotCurrent, match=r"no migration history.*flask --app app db stamp 0001"):
        make_app(database_url)


def test_db_upgrade_on_an_empty_database_says_it_built_the_schema(database_url, make_app):
    cli = FlaskGroup(create_app=lambda: make_app(database_url), load_dotenv=False)
    result = CliRunner().invoke(cli, ["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert f"was empty: built its schema at {migrations.head()}" in result.output
    again = CliRunner().invoke(cli, ["db", "upgrade"])
    assert f"already at {migrations.head()}: nothing to do" in again.output


def test_revision_command_writes_only_what_the_models_add(tmp_path, monkeypatch):
    from registry.migrations.__main__ import main

    # On a copy of the migrations, so that the test never writes into the source tree.
    scripts = tmp_path / "migrations"
    shutil.copytree(migrations.HERE, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(migrations, "HERE", scripts)
    last = sorted((scripts / "versions").glob("0*.py"))[-1]
    last.unlink()  # as if the last revision had not been written yet
    before = set((scripts / "versions").glob("0*.py"))

    main(["revision", "-m", "rewritten"])
    (written,) = set((scripts / "versions").glob("0*.py")) - before
    assert written.name == last.name.split("_")[0] + "_rewritten.py"
    main(["revision", "-m", "nothing changed"])
    assert not list((scripts / "versions").glob("*nothing_changed*"))
