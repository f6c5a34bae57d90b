"""Fixtures for the operations tests: a second empty database on the same backend as `database_url`."""

import os
from pathlib import Path

import pytest

PG_ADMIN_URL = os.environ.get("REGISTRY_TEST_PG_ADMIN", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


@pytest.fixture
def other_database_url(database_url, tmp_path, request):
    """An empty database beside the test's own, on the same backend (a restore target)."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'other.db'}"
        return
    server = request.getfixturevalue("pg_server")  # tests/conftest.py: it drops the database in the background
    name = server.create()
    yield PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    server.give_back(name)


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
