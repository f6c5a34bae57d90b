"""Operations commands: `flask --app app db upgrade|current|check|stamp`, `backup`, `restore`."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from registry import backup as backups
from registry import migrations
from registry.db import engine

db_group = AppGroup("db", help="Schema migrations (Alembic): upgrade the database, show or check its revision.")


def _url() -> str:
    return engine().url.render_as_string(hide_password=True)


@db_group.command("upgrade")
@click.argument("revision", default="head")
def upgrade_command(revision: str) -> None:
    """Apply the migrations up to REVISION (default: head), in one transaction. Back up first."""
    before, after = migrations.upgrade(engine(), revision)
    built = current_app.extensions.get("registry.schema_built")
    if built and before == after:
        click.echo(f"{_url()} was empty: built its schema at {built} (when this command started).")
    elif before == after:
        click.echo(f"{_url()} is already at {after}: nothing to do.")
    else:
        click.echo(f"Upgraded {_url()} from {before or 'an empty schema'} to {after}.")
    # This process loaded the app before upgrading: let later commands in it use the database.
    current_app.extensions.pop("registry.schema_problem", None)


@db_group.command("current")
def current_command() -> None:
    """Print the revision the database is at and the one this code needs."""
    st = migrations.state(engine())
    click.echo(f"database: {st.current or 'none'}\ncode:     {st.head}")
    problem = st.problem()
    if problem:
        click.echo(problem)


@db_group.command("check")
def check_command() -> None:
    """Exit 1 when the database is not at head or its tables differ from the models."""
    st = migrations.state(engine())
    if not st.is_current:
        raise click.ClickException(st.problem() or f"the database is at {st.current}, the code needs {st.head}")
    with engine().connect() as conn:
        diffs = migrations.differences(conn)
    if diffs:
        lines = "\n".join(f"  {d}" for d in diffs)
        raise click.ClickException(
            f"the tables differ from the models:\n{lines}\n"
            'a model changed without a migration: run `python -m registry.migrations revision -m "what changed"`'
        )
    click.echo(f"{_url()} is at {st.head} and matches the models.")


@db_group.command("stamp")
@click.argument("revision")
def stamp_command(revision: str) -> None:
    """Record REVISION as applied without running it (for a database made before migrations existed)."""
    migrations.stamp(engine(), revision)
    click.echo(f"{_url()} is now marked at {revision}; nothing else was changed.")


@click.command("backup")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path), help="File to write.")
@with_appcontext
def backup_command(output: Path) -> None:
    """Write a consistent copy of the whole database while the app runs (SQLite file, or pg_dump archive)."""
    try:
        kind = backups.backup(engine(), output)
    except (backups.BackupError, OSError) as exc:
        raise click.ClickException(f"backup failed, {output} not written: {exc}") from None
    click.echo(f"Wrote {output} ({kind} backup of {_url()}, {output.stat().st_size} bytes).")


@click.command("restore")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that already holds records.")
@with_appcontext
def restore_command(file: Path, force: bool) -> None:
    """Replace the database by a backup made with `backup`; an empty database only, unless --force."""
    try:
        revision = backups.restore(engine(), file, force=force)
    except backups.BackupError as exc:
        raise click.ClickException(f"restore refused, nothing changed: {exc}") from None
    click.echo(f"Restored {file} into {_url()} (schema revision {revision}); its accounts are those of the backup.")
    if revision != migrations.head():
        click.echo(f"This code needs revision {migrations.head()}: run `{migrations.UPGRADE_COMMAND}` before starting.")


COMMANDS = (db_group, backup_command, restore_command)
