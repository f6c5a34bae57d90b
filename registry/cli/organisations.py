"""Shell commands for organisations: `orgs`, `seed-demo`, `serve-demo`, `export-json`, `import-json`."""

import click
from flask import current_app
from flask.cli import with_appcontext

from registry.cli.common import org_or_fail, run_action, terminal_safe
from registry.config import is_production
from registry.db import get_session


@click.command("orgs")
@with_appcontext
def orgs_command() -> None:
    """List the organisations: slug, name, role and counts of activities, clients, sub-processors."""
    from registry.services.organisations import organisation_summaries

    rows = organisation_summaries(get_session())
    if not rows:
        click.echo("No organisation. Run `flask --app app seed-demo` or `flask --app app import-json FILE`.")
        return
    click.echo(f"{'SLUG':<20} {'ROLE':<11} {'ACT':>4} {'CLI':>4} {'SUB':>4}  NAME")
    for r in rows:
        click.echo(f"{r.slug:<20} {r.acts_as:<11} {r.activities:>4} {r.clients:>4} {r.subprocessors:>4}  "
                   f"{terminal_safe(r.legal_name)}")


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Create the five demo organisations from the source contracts (running it again creates nothing)."""
    from registry.services.demo import seed_demo

    refuse_demo_in_production()
    session = get_session()
    created = seed_demo(session)
    session.commit()
    click.echo(f"Created: {', '.join(created)}" if created else "The demo organisations already exist: nothing created.")


@click.command("export-json")
@click.option("--org", "slug", required=True, help="Slug of the organisation to export.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="File to write (default: stdout).")
@click.option("--with-personal-data", is_flag=True,
              help="Include data-subject requesters' names and contacts (left out by default: Art. 5(1)(c)).")
@with_appcontext
def export_json_command(slug: str, output: str | None, with_personal_data: bool) -> None:
    """Write an organisation's register, breach register, sub-processor changes and data-subject requests as JSON
    (schema 3, ISO codes, stable order); requesters' names and contacts only with --with-personal-data."""
    from registry.services.exchange import dumps, export_organisation

    text = dumps(export_organisation(get_session(), org_or_fail(slug), with_personal_data))
    if output:
        with open(output, "w", encoding="utf-8") as fh:
            fh.write(text)
        click.echo(f"Wrote {output}", err=True)
    else:
        click.echo(text, nl=False)


@click.command("import-json")
@click.argument("file", type=click.File("rb"))
@click.option("--slug", help="Import under this slug instead of the one in the file.")
@with_appcontext
def import_json_command(file, slug: str | None) -> None:
    """Load a register exported by export-json into a new organisation: all of it, or nothing."""
    from registry.services.exchange import import_file

    org = run_action(lambda: import_file(get_session(), file.read(), slug))
    click.echo(f"Imported {org.slug} ({org.legal_name}).")


@click.command("serve-demo")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
@with_appcontext
def serve_demo_command(host: str, port: int) -> None:
    """Seed the demo organisations if needed, then serve the app on the embedded database, with a task-queue
    worker (two threads) in the same process for the exports."""
    from registry.services.demo import DEMO_ACCOUNTS, seed_demo

    refuse_demo_in_production()
    session = get_session()
    created = seed_demo(session)
    session.commit()
    if created:
        click.echo(f"Demo organisations created: {', '.join(created)}")
    click.echo(f"Database: {current_app.config['DATABASE_URL']}")
    click.echo(f"Open http://{host}:{port}/login in a browser and log in as (Ctrl+C to stop):")
    for email, password, _name, role in DEMO_ACCOUNTS:
        click.echo(f"  {role:<8} {email} / {password}")
    # The demo server speaks plain HTTP on this machine only: a Secure cookie would never come back.
    current_app.config.update(SESSION_COOKIE_SECURE=False, REMEMBER_COOKIE_SECURE=False)
    from werkzeug.serving import run_simple

    from registry.jobs.queue import describe, start_consumer

    start_consumer(current_app._get_current_object(), workers=2)
    click.echo(f"Background jobs: 2 worker threads on {describe()}")

    # Flask refuses app.run() inside a `flask` command; Werkzeug's server is what `flask run` uses too.
    run_simple(host, port, current_app._get_current_object(), use_reloader=False, use_debugger=False, threaded=True)


def refuse_demo_in_production() -> None:
    """The demo organisations are made-up registers: they must never mix with a real one."""
    if is_production(current_app.config):
        raise click.ClickException(
            "REGISTRY_ENV=production: the demo organisations are never loaded into a production database"
        )


COMMANDS = (orgs_command, seed_demo_command, export_json_command, import_json_command, serve_demo_command)
