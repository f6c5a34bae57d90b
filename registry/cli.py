"""Shell commands: `flask --app app <command>` (orgs, seed-demo, export-json, import-json, serve-demo)."""

import click
from flask import Flask
from flask.cli import with_appcontext

from registry.breaches_cli import breaches_cli
from registry.cli_common import terminal_safe
from registry.db import get_session
from registry.ops_cli import init_ops_cli, refuse_demo_in_production


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
@with_appcontext
def export_json_command(slug: str, output: str | None) -> None:
    """Write an organisation's register, breach register and sub-processor changes as JSON (schema 2, ISO codes, stable order)."""
    from registry.services.exchange import dumps, export_organisation
    from registry.services.organisations import get_by_slug

    org = get_by_slug(get_session(), slug)
    if org is None:
        raise click.ClickException(f"no organisation with the slug {slug!r} (see `flask --app app orgs`)")
    text = dumps(export_organisation(get_session(), org))
    if output:
        with open(output, "w", encoding="utf-8") as fh:
            fh.write(text)
        click.echo(f"Wrote {output}", err=True)
    else:
        click.echo(text, nl=False)


@click.command("import-json")
@click.argument("file", type=click.File("r", encoding="utf-8"))
@click.option("--slug", help="Import under this slug instead of the one in the file.")
@with_appcontext
def import_json_command(file, slug: str | None) -> None:
    """Load a register exported by export-json into a new organisation: all of it, or nothing."""
    from registry.services.exchange import ImportRefused, import_file

    session = get_session()
    try:
        org = import_file(session, file.read(), slug)
        session.commit()
    except ImportRefused as exc:
        session.rollback()
        raise click.ClickException(f"refused, nothing written: {exc}") from None
    click.echo(f"Imported {org.slug} ({org.legal_name}).")


@click.command("serve-demo")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
@with_appcontext
def serve_demo_command(host: str, port: int) -> None:
    """Seed the demo organisations if needed, then serve the app on the embedded database."""
    from flask import current_app

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

    # Flask refuses app.run() inside a `flask` command; Werkzeug's server is what `flask run` uses too.
    run_simple(host, port, current_app._get_current_object(), use_reloader=False, use_debugger=False, threaded=True)


def init_cli(app: Flask) -> None:
    from registry import changes_cli, cli_accounts
    from registry.pdf.cli import export_pdf

    for command in (orgs_command, seed_demo_command, export_json_command, import_json_command, serve_demo_command,
                    *cli_accounts.COMMANDS, *changes_cli.COMMANDS):
        app.cli.add_command(command)
    app.cli.add_command(breaches_cli)
    from registry.contracts.cli import check_contract_command

    app.cli.add_command(check_contract_command)
    app.cli.add_command(export_pdf)
    init_ops_cli(app)
