"""Shell commands for breaches: `flask --app app breaches list|due|impact|register` (clocks, impact, register)."""

import json
from datetime import datetime

import click
from flask.cli import AppGroup

from registry.cli.common import org_or_fail, terminal_safe
from registry.db import get_session
from registry.domain import breaches as rules
from registry.formats import datetime_text
from registry.models.base import utcnow
from registry.pdf.breach_documents import breach_register
from registry.services import breaches as svc

breaches_cli = AppGroup("breaches", help="Breach register (Arts. 33-34): clocks, deadlines due, impact of an incident.")

_safe = terminal_safe


def _now(value: str | None) -> datetime:
    if not value:
        return utcnow()
    try:
        return rules.ensure_utc(datetime.fromisoformat(value), "--now")
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--now") from None


def _clock_line(clock: rules.Clock, tz: str, lang: str) -> str:
    who = clock.client_name or (clock.recipient_name("en") if clock.recipient == "cnil" else "data subjects")
    if clock.deadline is None:
        deadline = "without undue delay" if lang == "en" else "dans les meilleurs délais"
    else:
        deadline = datetime_text(clock.deadline, tz, lang)
    if clock.state == "done":
        detail = f"sent {datetime_text(clock.sent_at, tz, lang)}" + (" (late)" if clock.late else "")
    elif clock.remaining is not None:
        detail = rules.format_remaining(clock.remaining, lang)
    else:
        detail = ""
    return f"    {clock.article:<11} {_safe(who)[:40]:<40} {clock.state.upper():<8} {deadline}  {detail}".rstrip()


now_option = click.option("--now", "at", default=None, help="Evaluate the clocks at this ISO 8601 time with offset.")
lang_option = click.option("--lang", type=click.Choice(["en", "fr"]), default="en", show_default=True)


@breaches_cli.command("list")
@click.option("--org", "slug", required=True, help="Organisation slug.")
@now_option
@lang_option
def list_command(slug: str, at: str | None, lang: str) -> None:
    """Every breach of the organisation with the clock of each notice owed (Arts. 33(1), 33(2), 34(1))."""
    org, now = org_or_fail(slug), _now(at)
    rows = svc.list_breaches(get_session(), org.id)
    if not rows:
        click.echo(f"No breach recorded for {org.slug}.")
        return
    for breach in rows:
        click.echo(
            f"{_safe(breach.reference)}  [{breach.status}, risk: {breach.risk or 'not assessed'}, {breach.phase}]  "
            f"{_safe(breach.title)}"
        )
        click.echo(f"    aware at {datetime_text(breach.aware_at, org.timezone, lang)}")
        clocks = svc.breach_clocks(breach, now)
        for clock in clocks:
            click.echo(_clock_line(clock, org.timezone, lang))
        if not clocks:
            click.echo("    no notice owed")


@breaches_cli.command("due")
@click.option("--org", "slug", default=None, help="Organisation slug (default: every organisation).")
@now_option
@lang_option
def due_command(slug: str | None, at: str | None, lang: str) -> None:
    """Notices overdue, due within 24 hours, or owed without undue delay, for breaches not closed."""
    org_ids = [org_or_fail(slug).id] if slug else None
    rows = svc.urgent_deadlines(get_session(), org_ids, _now(at))
    if not rows:
        click.echo("No breach deadline passed or due within 24 hours.")
        return
    for row in rows:
        click.echo(f"{row.organisation_slug}  {_safe(row.reference)}  {_safe(row.title)}")
        click.echo(_clock_line(row.clock, row.timezone, lang))


@breaches_cli.command("impact")
@click.option("--org", "slug", required=True, help="Organisation slug.")
@click.option("--subprocessor", "name", required=True, help="Part of the sub-processor's legal or trade name.")
def impact_command(slug: str, name: str) -> None:
    """What an incident at a sub-processor reaches: activities using it, and client controllers to tell."""
    org = org_or_fail(slug)
    session = get_session()
    subs = svc.find_subprocessors(session, org.id, name)
    if not subs:
        raise click.ClickException(f"no sub-processor of {org.slug} matches {name!r}")
    proposal = svc.propose_impact(session, org.id, [s.id for s in subs])
    click.echo("Sub-processors: " + ", ".join(_safe(s.trade_name or s.legal_name) for s in subs))
    click.echo(f"Activities ({len(proposal.activities)}):")
    for a in proposal.activities:
        click.echo(f"    {_safe(a.reference):<12} {a.role:<10} {_safe(a.name)}  (via {_safe(', '.join(a.via))})")
    click.echo(f"Client controllers to notify (Art. 33(2)) ({len(proposal.clients)}):")
    for c in proposal.clients:
        delay = f"within {c.breach_notice_hours} h" if c.breach_notice_hours is not None else "without undue delay"
        click.echo(f"    {_safe(c.legal_name):<40} {delay:<20} [{c.language}]  (via {_safe(', '.join(c.via))})")
    if proposal.data_categories:
        click.echo("Data categories: " + ", ".join(proposal.data_categories))
    if not proposal.activities:
        click.echo("No activity of the register uses it: check the activities' sub-processors.")


@breaches_cli.command("register")
@click.option("--org", "slug", required=True, help="Organisation slug.")
@lang_option
def register_command(slug: str, lang: str) -> None:
    """The Art. 33(5) breach register of the organisation as JSON: every breach, notified or not."""
    # JSON escapes control characters itself, so user text goes out as data, not as terminal commands.
    click.echo(json.dumps(breach_register(get_session(), org_or_fail(slug), lang), ensure_ascii=False, indent=2))


COMMANDS = (breaches_cli,)
