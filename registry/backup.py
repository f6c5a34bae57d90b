"""Whole-database backup and restore: SQLite through its online backup API, PostgreSQL through pg_dump."""

import os
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

from sqlalchemy import MetaData, func, inspect, select
from sqlalchemy.engine import Engine

from registry import migrations

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"


class BackupError(RuntimeError):
    """A backup or restore that was refused or failed; nothing was changed."""


def backup(engine: Engine, output: Path) -> str:
    """Write a consistent copy of the whole database to `output` while the app keeps running.

    The copy goes to a temporary file beside `output` and is renamed at the end, so a failed backup never
    leaves a truncated file under the name given. Returns the format written.
    """
    output = Path(output)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{output.name}.", dir=output.parent or ".")
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        kind = _sqlite_backup(engine, tmp) if engine.dialect.name == "sqlite" else _pg_dump(engine, tmp)
        tmp.replace(output)
    finally:
        tmp.unlink(missing_ok=True)
    return kind


def _sqlite_backup(engine: Engine, target: Path) -> str:
    # The backup API copies page by page under SQLite's own locking: a consistent snapshot even while
    # other processes write (it restarts when they change a page it already copied).
    src = sqlite3.connect(engine.url.database)
    dst = sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst)
        # A single self-contained file: fold any write-ahead log into it.
        dst.execute("PRAGMA journal_mode=DELETE")
    finally:
        dst.close()
        src.close()
    return "sqlite"


def _libpq_url(engine: Engine) -> str:
    """The URL as pg_dump and psql read it: no SQLAlchemy driver suffix, and no password (see _run)."""
    return engine.url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"`{name}` is not on PATH: install the PostgreSQL client tools (Debian: postgresql-client)")
    return path


def _run(args: list[str], engine: Engine) -> None:
    # The password goes through the environment: a command line is visible to every local user.
    env = dict(os.environ)
    if engine.url.password:
        env["PGPASSWORD"] = str(engine.url.password)
    done = subprocess.run(args, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} failed: {done.stderr.strip() or done.stdout.strip()}")


def _pg_dump(engine: Engine, target: Path) -> str:
    # Custom format: compressed, and pg_restore can check it and restore it in one transaction.
    # pg_dump reads one snapshot, so the copy is consistent while the app runs.
    _run([_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--file={target}", _libpq_url(engine)], engine)
    return "postgresql"


def backup_kind(path: Path) -> str:
    """'sqlite' or 'postgresql' from the file's first bytes; BackupError when it is neither."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path} is not a file")
    with path.open("rb") as fh:
        head = fh.read(16)
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_DUMP_MAGIC):
        return "postgresql"
    raise BackupError(f"{path} is not a backup made by `flask --app app backup` (neither an SQLite file nor a pg_dump archive)")


def record_count(engine: Engine) -> int:
    """Rows in every table but the migration history: what a restore would overwrite."""
    meta = MetaData()
    meta.reflect(engine)
    with engine.connect() as conn:
        return sum(
            conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in meta.sorted_tables
            if t.name != migrations.VERSION_TABLE
        )


def restore(engine: Engine, source: Path, force: bool = False) -> str | None:
    """Replace the database by the backup in `source`; refuse when the database holds records unless
    `force`. Returns the schema revision the restored database is at (it may be behind the code)."""
    kind = backup_kind(source)
    if kind != engine.dialect.name:
        raise BackupError(
            f"{source} is a {kind} backup and this database is {engine.dialect.name}: "
            "move registers between the two with export-json / import-json"
        )
    if kind == "sqlite":
        _check_sqlite_backup(Path(source))
    else:
        _check_pg_archive(Path(source))
    count = record_count(engine)
    if count and not force:
        raise BackupError(
            f"the database is not empty ({count} record{'s' if count > 1 else ''}): restore into an empty database, "
            "or add --force to replace everything in it"
        )
    engine.dispose()
    if kind == "sqlite":
        _sqlite_restore(engine, Path(source))
    else:
        _pg_restore(engine, Path(source))
    with engine.connect() as conn:
        return migrations.current_revision(conn)


def _check_sqlite_backup(path: Path) -> None:
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            ok = con.execute("PRAGMA quick_check").fetchone()[0]
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a readable SQLite backup: {exc}") from None
    if ok != "ok":
        raise BackupError(f"{path} is damaged (SQLite quick_check: {ok})")
    if migrations.VERSION_TABLE not in tables:
        raise BackupError(f"{path} is an SQLite database but not a register backup (no migration history)")


def _sqlite_restore(engine: Engine, source: Path) -> None:
    # The backup API writes the whole source over the destination in one locked step: all or nothing.
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(engine.url.database, timeout=30)
    try:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=WAL")
    finally:
        dst.close()
        src.close()


def _check_pg_archive(path: Path) -> None:
    listing = subprocess.run([_tool("pg_restore"), "--list", str(path)], capture_output=True, text=True)
    if listing.returncode != 0:
        raise BackupError(f"{path} is not a readable pg_dump archive: {listing.stderr.strip()}")
    if f"TABLE public {migrations.VERSION_TABLE} " not in listing.stdout:
        raise BackupError(f"{path} is a pg_dump archive but not a register backup (no migration history)")


def _pg_restore(engine: Engine, source: Path) -> None:
    # The archive is turned into SQL first (so a damaged archive fails before anything is touched), then one
    # psql transaction drops the tables there (the app built an empty schema at start-up, or --force was
    # given) and loads the SQL: if anything fails, the database stays as it was.
    quote = engine.dialect.identifier_preparer.quote
    drops = "".join(f"DROP TABLE IF EXISTS {quote(t)} CASCADE;" for t in inspect(engine).get_table_names())
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "restore.sql"
        _run([_tool("pg_restore"), "--no-owner", "--no-privileges", f"--file={script}", str(source)], engine)
        psql = [_tool("psql"), "-X", "-q", "--single-transaction", "-v", "ON_ERROR_STOP=1"]
        _run([*psql, "-c", drops or "SELECT 1", "-f", str(script), f"--dbname={_libpq_url(engine)}"], engine)
