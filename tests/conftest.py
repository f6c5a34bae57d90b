"""Fixtures: one fresh database per test, on SQLite and, when reachable, on PostgreSQL."""

import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

PG_ADMIN_URL = os.environ.get("REGISTRY_TEST_PG_ADMIN", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def _pg_available() -> bool:
    try:
        eng = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with eng.connect():
            pass
        eng.dispose()
        return True
    except Exception:
        return False


@pytest.fixture(scope="session")
def pg_database():
    """A PostgreSQL database for this test run, created here and dropped at the end."""
    if not _pg_available():
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is not reachable at 127.0.0.1:5432: the PostgreSQL half of the suite must run in CI")
        pytest.skip("PostgreSQL is not reachable at 127.0.0.1:5432")
    name = f"registry_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    yield url
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """The URL of an empty database: an SQLite file in tmp_path, or the run's PostgreSQL database emptied."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'registry.db'}"
    url = request.getfixturevalue("pg_database")
    eng = create_engine(url)
    with eng.begin() as c:
        c.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    eng.dispose()
    return url


@pytest.fixture
def app(database_url, tmp_path):
    from registry import create_app

    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "test-secret",
            "WTF_CSRF_ENABLED": True,
            "REGISTRY_BOOTSTRAP_ADMIN": False,
        }
    )
    app.instance_path = str(tmp_path / "instance")
    yield app
    app.extensions["registry.engine"].dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def session(app):
    """A database session on the test's database, outside any request."""
    from sqlmodel import Session

    with Session(app.extensions["registry.engine"], expire_on_commit=False) as s:
        yield s


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    """Log in through the real login form (flaskr's AuthActions), as a member with a role in organisations."""

    def __init__(self, client, session):
        self.client = client
        self.session = session

    def user(self, email: str, role: str | None = None, orgs=(), password: str = "correct horse battery"):
        from registry.services import users as accounts
        from registry.services.organisations import get_by_slug

        user = accounts.find_user(self.session, email) or accounts.create_user(self.session, email, password)
        for slug in orgs:
            accounts.grant(self.session, user, get_by_slug(self.session, slug), role)
        self.session.commit()
        return user

    def login(self, email: str, password: str = "correct horse battery"):
        import re

        page = self.client.get("/login").get_data(as_text=True)
        token = re.search(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        return self.client.post("/login", data={"email": email, "password": password, "csrf_token": token})

    def as_role(self, role: str, orgs=("pilotim",), email: str | None = None):
        email = email or f"{role}@test.example.com"
        self.user(email, role, orgs)
        response = self.login(email)
        assert response.status_code == 302, response.get_data(as_text=True)
        return email

    def logout(self):
        import re

        page = self.client.get("/").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        return self.client.post("/logout", data={"csrf_token": token})


@pytest.fixture
def auth(client, session):
    return AuthActions(client, session)


@pytest.fixture(scope="session")
def demo_templates(tmp_path_factory):
    """The demo register seeded once per run and backend, cloned into each test that asks for it."""
    made: dict[str, str] = {}

    def template(backend: str, url: str) -> str:
        if backend not in made:
            from sqlmodel import Session

            from registry import create_app
            from registry.services.demo import seed_demo

            if backend == "sqlite":
                target = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}"
            else:
                target = url.rsplit("/", 1)[0] + "/" + url.rsplit("/", 1)[1] + "_demo"
                _pg_admin(f'CREATE DATABASE "{target.rsplit("/", 1)[1]}"')
            app = create_app({"TESTING": True, "DATABASE_URL": target, "REGISTRY_BOOTSTRAP_ADMIN": False})
            with Session(app.extensions["registry.engine"]) as session:
                seed_demo(session)
                session.commit()
            app.extensions["registry.engine"].dispose()
            made[backend] = target
        return made[backend]

    yield template
    for backend, target in made.items():
        if backend == "postgresql":
            _pg_admin(f'DROP DATABASE IF EXISTS "{target.rsplit("/", 1)[1]}" WITH (FORCE)')


def _pg_admin(sql: str) -> None:
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(sql))
    admin.dispose()


@pytest.fixture
def demo(app, database_url, demo_templates, session):
    """The five demo organisations (and demo accounts) in the test's database, cloned from a seeded template."""
    import shutil

    backend = "sqlite" if database_url.startswith("sqlite") else "postgresql"
    template = demo_templates(backend, database_url)
    session.close()
    app.extensions["registry.engine"].dispose()
    if backend == "sqlite":
        path = database_url.removeprefix("sqlite:///")
        for suffix in ("-wal", "-shm"):
            Path(path + suffix).unlink(missing_ok=True)
        shutil.copyfile(template.removeprefix("sqlite:///"), path)
    else:
        name, source = database_url.rsplit("/", 1)[1], template.rsplit("/", 1)[1]
        _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        _pg_admin(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
    return session


class Clock:
    """The time the audit trail and the change services read, moved forward by the test."""

    def __init__(self):
        from registry.models.base import utcnow

        self.now = utcnow()

    def __call__(self):
        return self.now

    def at_noon(self, day):
        from datetime import UTC, datetime, time

        self.now = datetime.combine(day, time(12), UTC)


@pytest.fixture
def clock(monkeypatch):
    """A clock set to today's noon (no test straddles midnight), read by the audit trail and the change services."""
    from registry import audit
    from registry.services import changes

    c = Clock()
    c.at_noon(c.now.date())
    monkeypatch.setattr(audit, "utcnow", c)
    monkeypatch.setattr(changes, "utcnow", c)
    return c
