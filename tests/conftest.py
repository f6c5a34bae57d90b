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
    """The application's one clock (registry.clock) as a test moves it: `now` reads or sets it, ticking."""

    @property
    def now(self):
        from registry import clock

        return clock.now()

    @now.setter
    def now(self, at) -> None:
        from registry import clock

        clock.set_now(at)

    def at_noon(self, day) -> None:
        """Noon in Paris, the demo organisations' time zone: the same date there and in UTC."""
        from datetime import datetime, time
        from zoneinfo import ZoneInfo

        self.now = datetime.combine(day, time(12), ZoneInfo("Europe/Paris"))


@pytest.fixture
def clock():
    """The clock set to noon today in Paris (no test straddles midnight), then moved by the test; `_test_clock`
    puts it back afterwards."""
    from registry import clock as app_clock

    c = Clock()
    c.at_noon(app_clock.today("Europe/Paris"))
    return c


def _test_now():
    """REGISTRY_TEST_NOW, an ISO datetime with its offset (e.g. 2026-03-31T23:30:00+00:00), or None."""
    from datetime import datetime

    raw = os.environ.get("REGISTRY_TEST_NOW", "").strip()
    if not raw:
        return None
    at = datetime.fromisoformat(raw)
    if at.utcoffset() is None:
        raise pytest.UsageError(f"REGISTRY_TEST_NOW={raw!r}: give the UTC offset, e.g. 2026-03-31T23:30:00+00:00")
    return at


@pytest.fixture(autouse=True)
def _test_clock():
    """Every test starts at REGISTRY_TEST_NOW (ticking from there) when it is set, else on real time; the demo
    register, seeded inside the first test that asks for it, is thus made at that instant too."""
    from registry import clock

    at = _test_now()
    if at is not None:
        clock.set_now(at)
    yield
    clock.reset()
