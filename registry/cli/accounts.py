"""Shell commands for accounts, API tokens and the audit trail: `flask --app app users|tokens|audit-verify ...`."""

import json

import click
from flask.cli import AppGroup, with_appcontext

from registry import audit
from registry.cli.common import org_or_fail, run_action
from registry.db import get_session
from registry.services import members
from registry.services import users as accounts

users_cli = AppGroup("users", help="Create accounts, set passwords, grant and revoke roles in organisations.")
tokens_cli = AppGroup("tokens", help="Personal access tokens for the JSON API.")


def _user(email: str):
    user = accounts.find_user(get_session(), email)
    if user is None:
        raise click.ClickException(f"no account {email!r}")
    return user


@users_cli.command("create")
@click.argument("email")
@click.option("--name", help="Full name.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True, help="At least 12 characters.")
@click.option("--superuser", is_flag=True, help="Administrator of every organisation.")
def create_user(email: str, name: str | None, password: str, superuser: bool) -> None:
    """Create an account."""

    def action():
        user = accounts.create_user(get_session(), email, password, name)
        user.is_superuser = superuser
        return user

    user = run_action(action)
    click.echo(f"Created {user.email}{' (superuser)' if superuser else ''}.")


@users_cli.command("set-password")
@click.argument("email")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True, help="At least 12 characters.")
def set_password(email: str, password: str) -> None:
    """Set a new password; every login session of the account is closed."""
    run_action(lambda: accounts.set_password(get_session(), _user(email), password))
    click.echo(f"Password of {email} changed; its sessions are closed.")


@users_cli.command("grant")
@click.argument("email")
@click.argument("slug")
@click.argument("role", type=click.Choice(["admin", "dpo", "auditor"]))
@click.option("--actor", default="cli", show_default=True, help="Who acts, for the audit trail.")
def grant(email: str, slug: str, role: str, actor: str) -> None:
    """Give EMAIL the ROLE (admin, dpo or auditor) in the organisation SLUG (audited)."""
    run_action(lambda: members.set_role(get_session(), org_or_fail(slug), _user(email), role, actor))
    click.echo(f"{email} is {role} in {slug}.")


@users_cli.command("revoke")
@click.argument("email")
@click.argument("slug")
@click.option("--actor", default="cli", show_default=True, help="Who acts, for the audit trail.")
def revoke(email: str, slug: str, actor: str) -> None:
    """Remove EMAIL from the organisation SLUG (audited; the last admin cannot be removed)."""
    removed = run_action(lambda: members.remove_member(get_session(), org_or_fail(slug), _user(email), actor))
    click.echo(f"{email} removed from {slug}." if removed else f"{email} had no role in {slug}.")


@users_cli.command("list")
def list_users() -> None:
    """Accounts and their roles."""
    from sqlalchemy import select

    from registry.models import User

    session = get_session()
    for user in session.execute(select(User).order_by(User.email)).scalars():
        roles = ", ".join(f"{org.slug}:{role}" for org, role in accounts.organisations_of(session, user))
        flag = " superuser" if user.is_superuser else ""
        click.echo(f"{user.email}{flag}{'' if user.is_active else ' (disabled)'}  {roles}")


@tokens_cli.command("create")
@click.argument("email")
@click.option("--name", required=True, help="What the token is for.")
def create_token(email: str, name: str) -> None:
    """Create a personal access token for EMAIL; the token is shown once."""
    token, clear = run_action(lambda: accounts.create_token(get_session(), _user(email), name))
    click.echo(clear)
    click.echo(f"Token {token.prefix}… created for {email}: keep it now, it cannot be shown again.", err=True)


@click.command("audit-verify")
@with_appcontext
def audit_verify() -> None:
    """Recompute the audit chain: prints OK and the head, or the first entry where it breaks (exit code 1)."""
    result = audit.verify(get_session())
    if result.ok:
        click.echo(f"OK {result.entries} entries, head {result.head_seq} {result.head_hash}")
        return
    click.echo(f"BROKEN at entry {result.broken_at}: {result.reason} "
               f"(last good: {result.head_seq} {result.head_hash})", err=True)
    raise SystemExit(1)


@click.command("audit-export")
@click.option("--org", "slug", required=True)
@click.option("-o", "--output", type=click.File("w", encoding="utf-8"), default="-")
@with_appcontext
def audit_export(slug: str, output) -> None:
    """Write an organisation's audit trail as JSON."""
    trail = audit.organisation_trail(get_session(), org_or_fail(slug).id)
    output.write(json.dumps({"organisation": slug, "entries": trail}, ensure_ascii=False, indent=2, sort_keys=True) + "\n")


COMMANDS = (users_cli, tokens_cli, audit_verify, audit_export)
