"""Shell commands for data-subject requests: `flask --app app requests purge [--org SLUG]` (storage limitation)."""

import click
from flask.cli import AppGroup
from sqlalchemy import select

from registry.cli.common import org_or_fail, run_action, terminal_safe
from registry.db import get_session
from registry.models import Organisation
from registry.services import requests as svc

requests_cli = AppGroup("requests", help="Data-subject requests (Arts. 12, 15-22): purge of expired closed requests.")


@requests_cli.command("purge")
@click.option("--org", "slug", default=None, help="Organisation slug (default: every organisation).")
def purge_command(slug: str | None) -> None:
    """Delete closed requests kept longer than the organisation's retention period (default 5 years after closure).

    Open requests are never deleted. Each deletion is audited without the requester's name or contact.
    """
    session = get_session()
    orgs = [org_or_fail(slug)] if slug else list(session.scalars(select(Organisation).order_by(Organisation.slug)))
    for org in orgs:
        removed = run_action(lambda org=org: svc.purge_requests(session, org, "cli:requests purge"))
        years = org.request_retention_years
        if removed:
            click.echo(f"{org.slug}: {len(removed)} closed request(s) older than {years} years deleted: "
                       + ", ".join(terminal_safe(r) for r in removed))
        else:
            click.echo(f"{org.slug}: no closed request older than {years} years.")


COMMANDS = (requests_cli,)
