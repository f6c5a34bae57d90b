"""Shell commands: `flask --app app <command>` (orgs, seed-demo, export-json, import-json, serve-demo)."""

import click
from flask import Flask
from flask.cli import with_appcontext

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
        click.echo(f"{r.slug:<20} {r.acts_as:<11} {r.activities:>4} {r.clients:>4} {r.subprocessors:>4}  {r.legal_name}")


def init_cli(app: Flask) -> None:
    from registry.pdf.cli import export_pdf

    app.cli.add_command(orgs_command)
    app.cli.add_command(export_pdf)
