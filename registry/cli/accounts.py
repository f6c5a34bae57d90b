"""Shell commands for accounts, API tokens and the audit trail: `flask --app app users|tokens|audit-verify ...`."""

import json
from pathlib import Path

import click
from flask.cli import AppGroup, with_appcontext

from registry import audit
from registry.audit import deep as audit_deep
from registry.audit import head as audit_head
from registry.audit import keys as audit_keys
from registry.cli.common import org_or_fail, run_action, terminal_safe
from registry.db import get_session
from registry.services import members
from registry.services import users as accounts

users_cli = AppGroup("users", help="Create accounts, set passwords, grant and revoke roles in organisations.")
MAX_LINES = 50  # problems printed per check; the count of the others follows
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


DEFAULT_HEAD = "-"  # `--against` given without a file: the head file the app writes to


@click.command("audit-verify")
@click.option("--against", "against", metavar="FILE", is_flag=False, flag_value=DEFAULT_HEAD, default=None,
              help="Also check every head exported to FILE (default: the app's head file, instance/audit-head.log "
                   "or REGISTRY_AUDIT_HEAD_FILE): finds entries cut off the end, a rewound head, a rewritten chain.")
@click.option("--deep", is_flag=True,
              help="Also compare every record of the register with the trail's last after-image of it: finds a row "
                   "edited, added or deleted without an entry.")
@with_appcontext
def audit_verify(against: str | None, deep: bool) -> None:
    """Recompute the audit chain's HMACs: prints OK and the head, or the first entry where it breaks (exit code 1).

    The key is read from instance/audit.key (or REGISTRY_AUDIT_KEY_FILE); nothing is written.
    """
    session = get_session()
    ok = _report_chain(audit.verify(session))
    if against is not None:
        ok = _report_heads(session, against) and ok
    if deep:
        ok = _report_deep(audit_deep.check(session)) and ok
    if not ok:
        raise SystemExit(1)


def _say(line: str, ok: bool) -> None:
    click.echo(terminal_safe(line), err=not ok)


def _report_chain(result: audit.Verification) -> bool:
    if not result.ok:
        _say(f"chain: BROKEN at entry {result.broken_at}: {result.reason} "
             f"(last good: {result.head_seq} {result.head_hash})", False)
        return False
    if result.unkeyed:
        _say(f"chain: note: entries 1-{result.unkeyed} carry a plain SHA-256, written before the trail was keyed: "
             "anyone with database access could have rewritten them; the entries after them are keyed", True)
    keyed = result.entries - result.unkeyed
    _say(f"chain: OK {result.entries} entries ({keyed} keyed with HMAC-SHA256), "
         f"head {result.head_seq} {result.head_hash}", True)
    return True


def _report_heads(session, against: str) -> bool:
    path = audit_keys.files_of(session).head_file() if against == DEFAULT_HEAD else Path(against)
    try:
        heads = audit_head.read(path)
    except audit_head.HeadFileError as exc:
        _say(f"head file: NOT CHECKED: {exc}", False)
        return False
    if not heads:
        _say(f"head file {path}: NOT CHECKED: it holds no exported head", False)
        return False
    problems = audit.check_against(session, heads)
    for p in problems[:MAX_LINES]:
        _say(f"head file: BROKEN at entry {p.seq} ({path} line {p.line}, exported {p.at}): {p.reason}", False)
    if len(problems) > MAX_LINES:
        _say(f"head file: ... and {len(problems) - MAX_LINES} more", False)
    if problems:
        return False
    latest = max(heads, key=lambda h: h.seq)
    _say(f"head file {path}: OK {len(heads)} exported heads agree with the chain, "
         f"the latest at entry {latest.seq} (exported {latest.at})", True)
    return True


def _report_deep(result) -> bool:
    for d in result.differences[:MAX_LINES]:
        org = f" of organisation {d.organisation_id}" if d.organisation_id is not None else ""
        _say(f"deep: MISMATCH {d.record_type} {d.record_id}{org}: {d.reason}", False)
    if len(result.differences) > MAX_LINES:
        _say(f"deep: ... and {len(result.differences) - MAX_LINES} more", False)
    if not result.ok:
        return False
    _say(f"deep: OK {result.records} records of {result.tables} tables match the trail's last after-images", True)
    return True


@click.command("audit-export-head")
@with_appcontext
def audit_export_head() -> None:
    """Append the chain's head (position and HMAC) to the head file, after checking the chain and the file.

    The app already appends it after every commit that adds entries; run this on a schedule too, so that a
    head lost by a failed append is written, and copy the file somewhere the database's users cannot write.
    """
    session = get_session()
    path = audit_keys.files_of(session).head_file()
    ok = _report_chain(audit.verify(session))
    if ok and path.exists():
        ok = _report_heads(session, str(path))
    if not ok:
        raise click.ClickException("head not exported: the trail does not verify")
    seq, mac = audit.export_head(session)
    click.echo(f"exported head {seq} {mac} to {terminal_safe(path)}")


@click.command("audit-export")
@click.option("--org", "slug", required=True)
@click.option("-o", "--output", type=click.File("w", encoding="utf-8"), default="-")
@with_appcontext
def audit_export(slug: str, output) -> None:
    """Write an organisation's audit trail as JSON."""
    trail = audit.organisation_trail(get_session(), org_or_fail(slug).id)
    output.write(json.dumps({"organisation": slug, "entries": trail}, ensure_ascii=False, indent=2, sort_keys=True) + "\n")


COMMANDS = (users_cli, tokens_cli, audit_verify, audit_export_head, audit_export)
