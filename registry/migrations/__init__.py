"""Schema migrations (Alembic): the revisions here, the schema state of a database, upgrades under a lock."""

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import NullPool, create_engine, event, inspect, text
from sqlalchemy.engine import Connection, Engine
from sqlmodel import SQLModel

import registry.models  # noqa: F401  (registers every table on the metadata)

HERE = Path(__file__).parent
UPGRADE_COMMAND = "flask --app app db upgrade"
VERSION_TABLE = "alembic_version"
# Any constant shared by every process of the app: PostgreSQL serialises upgrades on this advisory lock.
_PG_LOCK_KEY = 0x67D9_0001


class SchemaNotCurrent(RuntimeError):
    """The database schema is not the one this code was written for: the app must not start on it."""


def config(connection: Connection | None = None) -> Config:
    """An Alembic configuration without alembic.ini: the script directory is this package."""
    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    cfg.set_main_option("file_template", "%%(rev)s_%%(slug)s")
    cfg.attributes["connection"] = connection
    return cfg


def scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(config())


def head() -> str:
    """The one head revision (several heads mean two branches added revisions: merge them first)."""
    heads = scripts().get_heads()
    if len(heads) != 1:
        raise SchemaNotCurrent(
            f"the migrations have {len(heads)} heads {heads}: merge them with `python -m registry.migrations merge`"
        )
    return heads[0]


@dataclass(frozen=True)
class SchemaState:
    """Where a database stands: its revision (None when never migrated) and whether it holds any table."""

    current: str | None
    head: str
    has_tables: bool

    @property
    def is_empty(self) -> bool:
        return self.current is None and not self.has_tables

    @property
    def is_current(self) -> bool:
        return self.current == self.head

    def problem(self) -> str | None:
        """Why the app must not start on this database, with the command that fixes it; None when it may."""
        if self.is_current or self.is_empty:
            return None
        if self.current is None:
            return (
                "the database has tables but no migration history (it was created before migrations): "
                "if it was made by this code before migrations existed, run "
                f"`flask --app app db stamp {scripts().get_base()}` then `{UPGRADE_COMMAND}`"
            )
        if not _known(self.current):
            return (
                f"the database schema is at revision {self.current}, which this code does not know "
                "(a newer version of the app upgraded it): run that version, or restore a backup"
            )
        return (
            f"the database schema is at revision {self.current} but this code needs {self.head}: "
            f"back it up (`flask --app app backup -o FILE`), then run `{UPGRADE_COMMAND}`"
        )


def _known(revision: str) -> bool:
    try:
        return scripts().get_revision(revision) is not None
    except CommandError:
        return False


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def state(engine: Engine) -> SchemaState:
    with engine.connect() as conn:
        tables = set(inspect(conn).get_table_names()) - {VERSION_TABLE}
        return SchemaState(current=current_revision(conn), head=head(), has_tables=bool(tables))


@contextmanager
def locked(engine: Engine) -> Iterator[Connection]:
    """One transaction that no other process can migrate alongside; committed when the block ends."""
    if engine.dialect.name == "sqlite":
        mig = _sqlite_migration_engine(engine)
        try:
            with mig.begin() as conn:  # BEGIN IMMEDIATE: other writers wait on the busy timeout
                yield conn
                bad = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if bad:
                    raise SchemaNotCurrent(f"the migration broke foreign keys, rolled back: {bad[:5]}")
        finally:
            mig.dispose()
        return
    with engine.begin() as conn:
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
        yield conn


def _sqlite_migration_engine(engine: Engine) -> Engine:
    """SQLite with the driver's own transaction handling off, so that the DDL of a whole upgrade is one
    transaction, and foreign keys off: batch mode drops and recreates tables, and with foreign keys on
    that drop would cascade-delete every dependent row."""
    mig = create_engine(engine.url, poolclass=NullPool, connect_args={"isolation_level": None, "timeout": 30})

    @event.listens_for(mig, "connect")
    def _pragmas(dbapi_connection, _record):
        cur = dbapi_connection.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA foreign_keys=OFF")
        cur.close()

    @event.listens_for(mig, "begin")
    def _begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return mig


def upgrade(engine: Engine, target: str = "head") -> tuple[str | None, str | None]:
    """Apply the revisions up to `target` in one locked transaction; returns (before, after)."""
    with locked(engine) as conn:
        before = current_revision(conn)
        command.upgrade(config(conn), target)
        return before, current_revision(conn)


def stamp(engine: Engine, revision: str) -> None:
    """Record `revision` as applied without running anything (adopting a database made before migrations)."""
    with locked(engine) as conn:
        command.stamp(config(conn), revision)


def bring_empty_to_head(engine: Engine) -> tuple[SchemaState, bool]:
    """Build the schema of an empty database from the migrations; any other database is left as it is.
    Returns the state after, and whether this call built the schema."""
    st = state(engine)
    if not st.is_empty:
        return st, False
    # Several workers may start together on an empty database: the lock makes the others wait,
    # and they then find the schema at head (alembic's upgrade to head is then a no-op).
    before, _ = upgrade(engine)
    return state(engine), before is None


def merge_heads() -> list[Path]:
    """Write a revision that joins the heads left by two branches that each added one."""
    made = command.merge(config(), "heads", message="merge heads")
    made = made if isinstance(made, list) else [made]
    return [Path(s.path) for s in made if s is not None]


def differences(connection: Connection) -> list:
    """What autogenerate would write for this database: empty when its schema matches the models."""
    ctx = MigrationContext.configure(connection, opts={"compare_type": True, "compare_server_default": True})
    return compare_metadata(ctx, SQLModel.metadata)


def new_revision(message: str) -> list[Path]:
    """Autogenerate the next revision from the models, diffed against a scratch SQLite database at head;
    writes nothing (returns []) when the migrations already match the models."""
    with tempfile.TemporaryDirectory() as tmp:
        scratch = create_engine(f"sqlite:///{Path(tmp) / 'scratch.db'}")
        try:
            upgrade(scratch)
            with scratch.connect() as conn:
                if not differences(conn):
                    return []
                rev_id = f"{len(list(scripts().walk_revisions())) + 1:04d}"
                made = command.revision(config(conn), message=message, autogenerate=True, rev_id=rev_id)
        finally:
            scratch.dispose()
    made = made if isinstance(made, list) else [made]
    return [Path(s.path) for s in made if s is not None]
