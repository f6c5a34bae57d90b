"""Fixtures for the operations tests: a second empty database on the same backend as `database_url`."""

import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

PG_ADMIN_URL = os.environ.get("REGISTRY_TEST_PG_ADMIN", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


@pytest.fixture
def other_database_url(database_url, tmp_path):
    """An empty database beside the test's own, on the same backend (a restore target)."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'other.db'}"
        return
    name = f"registry_test_{uuid.uuid4().hex[:12]}_other"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    yield PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def make_app():
    """create_app on a given database URL; every engine it opened is disposed at the end."""
    from registry import create_app

    made = []

    def _make(url: str):
        app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "test-secret"})
        made.append(app)
        return app

    yield _make
    for app in made:
        app.extensions["registry.engine"].dispose()


def pytest_collection_modifyitems(items):
    """The migrations tests build, downgrade and stamp schemas themselves: they start from an empty database."""
    migrations_tests = Path(__file__).parent / "test_migrations.py"
    for item in items:
        if item.path == migrations_tests:
            item.add_marker(pytest.mark.empty_database)
