"""Database engine and the one session per request (opened lazily, closed at teardown)."""

import weakref
from pathlib import Path

import click
from flask import Flask, current_app, g
from flask.cli import ScriptInfo
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, create_engine

import registry.models  # noqa: F401  (registers every table on the metadata)
from registry import migrations
from registry.audit import keys as audit_keys


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        # Transactions: the sqlite3 driver's default is kept on purpose. It opens the transaction (BEGIN
        # DEFERRED) just before a request's first INSERT/UPDATE/DELETE, so its reads before that run on the
        # latest committed data and its first write waits for the writer lock on the busy timeout. What
        # produces "database is locked" at once under WAL (SQLITE_BUSY_SNAPSHOT) is a transaction that read,
        # then writes after another writer committed: SQLAlchemy's BEGIN-on-begin recipe would create exactly
        # that for every request that reads before writing (all edits; every API call writes the token's last
        # use), and BEGIN IMMEDIATE everywhere would serialise readers. A lost update is prevented by the
        # atomic version claim (services.crud.claim_version); tests/ops/test_concurrency_web.py holds both.
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            cur = dbapi_connection.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def create_schema(engine: Engine) -> None:
    """Tables straight from the models, with no migration history: for throwaway databases only."""
    SQLModel.metadata.create_all(engine)


def engine() -> Engine:
    return current_app.extensions["registry.engine"]


def get_session() -> Session:
    problem = current_app.extensions.get("registry.schema_problem")
    if problem:
        raise migrations.SchemaNotCurrent(problem)
    if "db_session" not in g:
        g.db_session = Session(engine(), expire_on_commit=False)
    return g.db_session


def _close_session(_exc=None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


def init_db(app: Flask) -> None:
    if app.config["DATABASE_URL"].startswith("sqlite:///"):
        Path(app.config["DATABASE_URL"].removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    eng = make_engine(app.config["DATABASE_URL"])
    app.extensions["registry.engine"] = eng
    _configure_audit_files(app, eng)
    app.teardown_appcontext(_close_session)
    _check_schema(app, eng)


def _configure_audit_files(app: Flask, eng: Engine) -> None:
    """The audit key and head file of this database: settings, else the instance folder.

    Resolved when first needed, not now: the instance folder may still be set after create_app (tests do).
    A weak reference, so that the engine's entry does not keep the application alive.
    """
    ref = weakref.ref(app)

    def path(setting: str, default_name: str) -> Path:
        current = ref()
        return Path(current.config.get(setting) or Path(current.instance_path) / default_name)

    audit_keys.configure(eng, key_file=lambda: path("REGISTRY_AUDIT_KEY_FILE", "audit.key"),
                         head_file=lambda: path("REGISTRY_AUDIT_HEAD_FILE", "audit-head.log"))


def under_flask_cli() -> bool:
    """True while the `flask` command line loads the app (a WSGI server such as gunicorn never does)."""
    ctx = click.get_current_context(silent=True)
    return ctx is not None and isinstance(ctx.obj, ScriptInfo)


def _check_schema(app: Flask, eng: Engine) -> None:
    """An empty database is built from the migrations; one at head starts; any other refuses to start.

    The `flask` command line is the one exception: its `db` commands must open a database that is behind
    in order to upgrade it, so there the app loads, and every request or command that asks for a session
    gets the same message instead.
    """
    st, built = migrations.bring_empty_to_head(eng)
    if built:
        app.extensions["registry.schema_built"] = st.current
    problem = st.problem()
    if problem is None:
        return
    message = f"Refusing to use {eng.url.render_as_string(hide_password=True)}: {problem}."
    if not under_flask_cli():
        raise migrations.SchemaNotCurrent(message)
    app.extensions["registry.schema_problem"] = message
    app.before_request(lambda: (message, 503, {"Content-Type": "text/plain; charset=utf-8"}))
