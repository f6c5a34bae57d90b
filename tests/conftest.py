"""Fixtures: one fresh database per test, on SQLite and, when reachable, on PostgreSQL.

A test's database is a copy of a template built once per run and backend: the schema migrated to head or,
for a test that asks for `demo`, the demo register seeded on it. The copy is a file copy on SQLite and
CREATE DATABASE ... TEMPLATE on PostgreSQL, which refuses a template anyone is connected to: whatever
opens a template disposes its engine before the template is copied. A test marked `empty_database` (the
migrations tests) gets an empty database instead.
"""

import itertools
import os
import shutil
import uuid
from concurrent.futures import Future, ThreadPoolExecutor

import pytest
from sqlalchemy import create_engine, text

PG_ADMIN_URL = os.environ.get("REGISTRY_TEST_PG_ADMIN", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def _pg_url(name: str) -> str:
    return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def _pg_available() -> bool:
    try:
        eng = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with eng.connect():
            pass
        eng.dispose()
        return True
    except Exception:
        return False


class PgServer:
    """This run's databases on the PostgreSQL server: named after the run, and all dropped at its end.

    Copying a template and dropping a database is work for the server, not for this process: while the tests
    run, one thread keeps a spare copy of each template ready and other threads drop the used databases. The
    two never wait for each other: PostgreSQL's DROP DATABASE waits for a checkpoint (seconds on a busy
    server), so a spare made behind a drop kept the next test waiting; drops made together share a checkpoint.
    """

    DROPPERS = 4  # drops in flight while the tests run
    LAST_DROPS = 12  # at the end, the databases left are dropped this many at a time

    def __init__(self):
        self.prefix = f"registry_test_{uuid.uuid4().hex[:12]}"
        self.admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT", pool_size=self.DROPPERS + 2,
                                   max_overflow=self.LAST_DROPS)
        self.live: set[str] = set()
        self.numbers = itertools.count(1)
        self.maker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pg-copies")
        self.dropper = ThreadPoolExecutor(max_workers=self.DROPPERS, thread_name_prefix="pg-drops")
        self.spares: dict[str | None, Future] = {}

    def create(self, suffix: str | None = None, template: str | None = None) -> str:
        """A new database (empty, or a copy of the database `template`); returns its name."""
        name = f"{self.prefix}_{suffix or next(self.numbers)}"
        self._run(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        self.live.add(name)
        return name

    def take(self, template: str | None) -> str:
        """A fresh database for one test: the spare copy of `template`, and another spare is started."""
        spare = self.spares.pop(template, None)
        name = spare.result() if spare else self.create(template=template)
        self.spares[template] = self.maker.submit(self.create, template=template)
        return name

    def give_back(self, name: str) -> None:
        self.dropper.submit(self.drop, name)

    def drop(self, name: str) -> None:
        self._run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.live.discard(name)

    def close(self) -> None:
        self.maker.shutdown(wait=True)
        self.dropper.shutdown(wait=False, cancel_futures=True)  # the drops not started yet are made below
        with ThreadPoolExecutor(max_workers=self.LAST_DROPS, thread_name_prefix="pg-last-drops") as last:
            list(last.map(self.drop, list(self.live)))
        self.dropper.shutdown(wait=True)
        self.admin.dispose()

    def _run(self, sql: str) -> None:
        with self.admin.connect() as c:
            c.execute(text(sql))


@pytest.fixture(scope="session", autouse=True)
def _audit_files(tmp_path_factory):
    """One audit key for the whole run, so that a test's database copied from a template verifies with the key
    that seeded it; heads of apps that name no head file go to a run-wide file, never to the repository's
    instance folder (the `app` fixture gives each test its own head file)."""
    folder = tmp_path_factory.mktemp("audit")
    saved = {name: os.environ.get(name) for name in ("REGISTRY_AUDIT_KEY_FILE", "REGISTRY_AUDIT_HEAD_FILE")}
    os.environ["REGISTRY_AUDIT_KEY_FILE"] = str(folder / "audit.key")
    os.environ["REGISTRY_AUDIT_HEAD_FILE"] = str(folder / "audit-head.log")
    yield folder
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(scope="session")
def pg_server():
    """The PostgreSQL server this run makes its databases on, or a skip (a failure in CI) when unreachable."""
    if not _pg_available():
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is not reachable at 127.0.0.1:5432: the PostgreSQL half of the suite must run in CI")
        pytest.skip("PostgreSQL is not reachable at 127.0.0.1:5432")
    server = PgServer()
    yield server
    server.close()


class Templates:
    """The databases built once per run on one backend, that tests' databases are copied from.

    templates["migrated"] is an empty database brought to head by create_app; templates["demo"] is a copy
    of it with the demo register seeded. `copy(kind, source_url)` makes the database and returns its URL.
    """

    def __init__(self, copy):
        self._copy = copy
        self._made: dict[str, str] = {}

    def __getitem__(self, kind: str) -> str:
        if kind not in self._made:
            from registry import create_app

            url = self._copy(kind, self["migrated"] if kind == "demo" else None)
            app = create_app({"TESTING": True, "DATABASE_URL": url, "REGISTRY_BOOTSTRAP_ADMIN": False})
            if kind == "demo":
                from sqlmodel import Session

                from registry.services.demo import seed_demo

                with Session(app.extensions["registry.engine"]) as session:
                    seed_demo(session)
                    session.commit()
            app.extensions["registry.engine"].dispose()
            self._made[kind] = url
        return self._made[kind]


@pytest.fixture(scope="session")
def sqlite_templates(tmp_path_factory):
    folder = tmp_path_factory.mktemp("templates")

    def copy(kind, source):
        path = folder / f"{kind}.db"
        if source:
            shutil.copyfile(source.removeprefix("sqlite:///"), path)
        return f"sqlite:///{path}"

    return Templates(copy)


@pytest.fixture(scope="session")
def pg_templates(pg_server):
    return Templates(lambda kind, source: _pg_url(pg_server.create(kind, source and source.rsplit("/", 1)[1])))


@pytest.fixture
def demo_wanted():
    """Asked for by `demo` only: tells `database_url` to copy the seeded demo template rather than the bare one."""


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """The URL of the test's own database, at head (with the demo seeded if the test asks for `demo`).

    An SQLite file in tmp_path, or a PostgreSQL database of its own dropped after the test. Marked
    `empty_database`, the test gets an empty database, with no schema at all.
    """
    if request.node.get_closest_marker("empty_database"):
        kind = None
    else:
        kind = "demo" if "demo_wanted" in request.fixturenames else "migrated"
    if request.param == "sqlite":
        path = tmp_path / "registry.db"
        if kind:
            shutil.copyfile(request.getfixturevalue("sqlite_templates")[kind].removeprefix("sqlite:///"), path)
        yield f"sqlite:///{path}"
        return
    server = request.getfixturevalue("pg_server")
    template = request.getfixturevalue("pg_templates")[kind].rsplit("/", 1)[1] if kind else None
    name = server.take(template)
    yield _pg_url(name)
    server.give_back(name)


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
            "REGISTRY_AUDIT_HEAD_FILE": str(tmp_path / "instance" / "audit-head.log"),
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


@pytest.fixture
def demo(demo_wanted, session):
    """The five demo organisations (and demo accounts): `database_url` copied them in from the seeded template."""
    return session


class Clock:
    """The application's one clock (registry.clock) as a test moves it: `now` reads or sets it, ticking.

    `travel(at)` sets it and, with a test database, moves the open login sessions with it (opened and last used at
    the new instant): the test's signed-in user logged in "just now", so the session lifetimes (8 h idle, 30 days
    absolute, none in the future) do not end a session that the test moved across months. Setting `now` leaves
    the sessions as they are, so a test can age them.
    """

    def __init__(self, database_url: str | None = None):
        self.database_url = database_url

    @property
    def now(self):
        from registry import clock

        return clock.now()

    @now.setter
    def now(self, at) -> None:
        from registry import clock

        clock.set_now(at)

    def travel(self, at) -> None:
        """Set the clock to `at`, the signed-in sessions opened at that instant."""
        from registry import clock

        self.now = at
        if self.database_url:
            from sqlalchemy import update

            from registry.models import LoginSession

            engine = create_engine(self.database_url)
            try:
                with engine.begin() as conn:
                    conn.execute(update(LoginSession).where(LoginSession.revoked_at.is_(None))
                                 .values(created_at=clock.now(), last_seen_at=clock.now()))
            finally:
                engine.dispose()

    def at_noon(self, day) -> None:
        """Noon in Paris, the demo organisations' time zone: the same date there and in UTC."""
        from datetime import datetime, time
        from zoneinfo import ZoneInfo

        self.now = datetime.combine(day, time(12), ZoneInfo("Europe/Paris"))

    def travel_to_noon(self, day) -> None:
        """`at_noon`, the signed-in sessions moved with it (as `travel` does)."""
        from datetime import datetime, time
        from zoneinfo import ZoneInfo

        self.travel(datetime.combine(day, time(12), ZoneInfo("Europe/Paris")))


@pytest.fixture
def clock(request):
    """The clock set to noon today in Paris (no test straddles midnight), then moved by the test; `_test_clock`
    puts it back afterwards.

    A user signed in by an earlier fixture signed in at that noon too: from 22:00 UTC (or a frozen 23:30 UTC) noon
    in Paris is up to 14 hours ahead, past the 8-hour idle limit that would otherwise end the test's session."""
    from registry import clock as app_clock

    url = request.getfixturevalue("database_url") if "database_url" in request.fixturenames else None
    c = Clock(url)
    c.travel_to_noon(app_clock.today("Europe/Paris"))
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


@pytest.fixture(scope="session", autouse=True)
def _queue_of_the_run(tmp_path_factory):
    """Apps built by the tests send their jobs to a queue file of this run, never to the checkout's instance/."""
    os.environ.setdefault("REGISTRY_QUEUE_FILE", str(tmp_path_factory.mktemp("queue") / "queue.db"))


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


@pytest.fixture
def scores_with_a_weak_item(monkeypatch):
    """The contract checker's shipped corpus scores with one item (28(3)(f)) measured below 80 %, so a contract page
    has an item "to verify" whatever today's figures (the browser tests' server runs in this process)."""
    from dataclasses import replace

    from registry.domain.contracts import reliability
    from registry.reference.checker_scores import checker_scores
    from registry.views import contract_display

    shipped = checker_scores()
    low = replace(shipped.items["art28_3_f"], accepted=shipped.items["art28_3_f"].total // 2)
    scores = replace(shipped, items={**shipped.items, "art28_3_f": low})
    monkeypatch.setattr(reliability, "checker_scores", lambda: scores)
    monkeypatch.setattr(contract_display, "checker_scores", lambda: scores)
    return scores


class SmtpServer:
    """A real SMTP server on 127.0.0.1 (aiosmtpd, in a thread of the test): what it received, and what it answers.

    `messages` are the `email.message.EmailMessage`s received, `envelopes` their (MAIL FROM, RCPT TO) pairs;
    `answer_with("550 5.1.1 No such mailbox")` makes it answer DATA so (every time, or `times` times).
    """

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.url = f"smtp://{host}:{port}"
        self.messages: list = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self._answers: list[str] = []
        self._always: str | None = None

    def answer_with(self, answer: str, times: int | None = None) -> None:
        if times is None:
            self._always, self._answers = answer, []
        else:
            self._always, self._answers = None, [answer] * times

    async def handle_DATA(self, server, session, envelope):
        import email
        from email import policy

        if self._answers:
            return self._answers.pop(0)
        if self._always:
            return self._always
        self.messages.append(email.message_from_bytes(envelope.original_content or envelope.content,
                                                      policy=policy.default))
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 2.0.0 Ok: queued as test"


@pytest.fixture
def smtp_server():
    """aiosmtpd listening on a free port of 127.0.0.1 for this test; set REGISTRY_SMTP_URL to its `url`."""
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = SmtpServer("127.0.0.1", port)
    controller = Controller(server, hostname="127.0.0.1", port=port)
    controller.start()
    yield server
    controller.stop()
