"""Shell commands: `flask --app app subprocessors list|diff` (list as of a date) and `changes plan|notify|...` (Art. 28(2))."""

import json
from datetime import date

import click
from flask.cli import AppGroup
from sqlalchemy import select

from registry import clock
from registry.cli.common import org_or_fail, run_action, terminal_safe
from registry.db import get_session
from registry.models import (
    Activity,
    ChangeObjectionCreate,
    ClientController,
    Organisation,
    SubProcessor,
    SubProcessorChange,
    SubProcessorChangeCreate,
    SubProcessorCreate,
)
from registry.services import changes as svc
from registry.services import subprocessor_exports as exports
from registry.services.crud import validate
from registry.services.subprocessor_history import compare

subprocessors_cli = AppGroup("subprocessors", help="The sub-processor list as of any date, its exports and diffs. "
                             "Dates default to today in the organisation's time zone.")
changes_cli = AppGroup("changes", help="Plan sub-processor changes, notify clients, record objections, apply them "
                       "(Art 28(2)). Dates default to today in the organisation's time zone.")

_safe = terminal_safe


def _date(value: str | None, name: str, org: Organisation) -> date:
    """The date given, or by default today in the organisation's time zone."""
    if value is None:
        return clock.today(org.timezone)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)", param_hint=name) from None


def _sub(org: Organisation, ref: str, name: str) -> SubProcessor:
    """A sub-processor by id, or by its exact legal or trade name, or by the only name containing `ref`."""
    rows = get_session().execute(select(SubProcessor).where(SubProcessor.organisation_id == org.id)).scalars().all()
    hits = [s for s in rows if str(s.id) == ref] or [s for s in rows if ref in (s.legal_name, s.trade_name)] or [
        s for s in rows if ref.lower() in f"{s.legal_name} {s.trade_name or ''}".lower()]
    if len(hits) != 1:
        found = "none" if not hits else ", ".join(f"{s.id} {_safe(s.legal_name)}" for s in hits)
        raise click.BadParameter(f"{ref!r} names {'no' if not hits else 'more than one'} sub-processor ({found})",
                                 param_hint=name)
    return hits[0]


def _change(org: Organisation, change_id: int) -> SubProcessorChange:
    change = svc.get_change(get_session(), org.id, change_id)
    if change is None:
        raise click.ClickException(f"no change {change_id} in {org.slug}; `flask --app app changes list` lists them")
    return change


# The fields of a change named by the options of these commands, for the refusals.
OPTIONS = {"subprocessor_id": "--subprocessor", "replaces_id": "--replaces", "activity_ids": "--activity",
           "notice_date": "--notice-date", "new_locations": "--location", "default_objection_days": "--default-days",
           "sent_on": "--sent-on", "consent_on": "--consent-on", "received_on": "--received-on",
           "client_id": "--client", "effective_on": "--on", "on": "--on", "legal_name": "--new", "country": "--country"}


def _commit(action):
    """Run one user action as one transaction: all of it, or nothing with the reason."""
    return run_action(action, OPTIONS)


@subprocessors_cli.command("list")
@click.option("--org", "slug", required=True, help="Organisation slug.")
@click.option("--as-of", "as_of", default=None, help="Date (YYYY-MM-DD), default today: the list at the end of that day.")
@click.option("--csv", "fmt", flag_value="csv", help="CSV export (formula-safe), stamped with date and SHA-256.")
@click.option("--json", "fmt", flag_value="json", help="JSON export, stamped with date and SHA-256.")
@click.option("--country", default=None, help="Seat country (ISO code).")
@click.option("--location", default=None, help="Processing location country (ISO code).")
@click.option("--mechanism", default=None, help="Transfer mechanism (e.g. scc, adequacy).")
@click.option("--status", default=None, type=click.Choice(["planned", "active", "retired"]))
@click.option("--flagged/--not-flagged", default=None, help="Only sub-processors with (or without) a flag.")
@click.option("--lang", type=click.Choice(["en", "fr"]), default="en", show_default=True,
              help="Language of the CSV's headings and labels (fr: `;`-separated, as French spreadsheets expect).")
def list_command(slug, as_of, fmt, country, location, mechanism, status, flagged, lang) -> None:
    """The sub-processor list as the register recorded it on a date, rebuilt from the audit trail."""
    org = org_or_fail(slug)
    day = _date(as_of, "--as-of", org)
    data = exports.export_data(get_session(), org, day, exports.Filters(country, location, mechanism, status, flagged))
    if fmt == "csv":
        click.echo(exports.to_csv(data, lang), nl=False)
        return
    if fmt == "json":
        click.echo(exports.to_json(data), nl=False)
        return
    click.echo(f"{org.slug}: {data['count']} sub-processor(s) as of {data['as_of']}  sha256 {data['sha256']}")
    for e in data["subprocessors"]:
        locations = ",".join(loc["country"] for loc in e["locations"]) or "-"
        click.echo(f"{e['id']:>5}  {e['status']:<8} {(e.get('country') or '-'):<3} {locations:<10} "
                   f"{_safe(e['legal_name'])}" + (f"  [{', '.join(e['flags'])}]" if e["flags"] else ""))


@subprocessors_cli.command("diff")
@click.option("--org", "slug", required=True, help="Organisation slug.")
@click.argument("start")
@click.argument("end")
def diff_command(slug: str, start: str, end: str) -> None:
    """What changed in the list between the end of START and the end of END (dates YYYY-MM-DD)."""
    org = org_or_fail(slug)
    diff = compare(get_session(), org, _date(start, "FROM", org), _date(end, "TO", org))
    names = diff["names"]
    click.echo(f"{org.slug}: from {diff['from']} to {diff['to']}"
               + (" (the two dates were given in reverse order)" if diff["swapped"] else ""))
    for sp_id in diff["added"]:
        click.echo(f"+ {sp_id} {_safe(names[sp_id])}")
    for sp_id in diff["removed"]:
        click.echo(f"- {sp_id} {_safe(names[sp_id])}")
    for sp_id, fields in diff["changed"].items():
        click.echo(f"~ {sp_id} {_safe(names[sp_id])}")
        for name, (old, new) in fields.items():
            click.echo(f"    {name}: {_safe(json.dumps(old, ensure_ascii=False))} -> "
                       f"{_safe(json.dumps(new, ensure_ascii=False))}")
    if not (diff["added"] or diff["removed"] or diff["changed"]):
        click.echo("No change.")


@changes_cli.command("plan")
@click.option("--org", "slug", required=True, help="Organisation slug.")
@click.option("--kind", required=True, type=click.Choice(["add", "replace", "remove", "change_locations"]))
@click.option("--subprocessor", "ref", default=None, help="Id or name of the sub-processor concerned.")
@click.option("--new", "new_name", default=None, help="add/replace: record a new planned sub-processor by this name.")
@click.option("--country", default=None, help="With --new: its seat country (ISO code).")
@click.option("--replaces", default=None, help="replace: id or name of the sub-processor replaced.")
@click.option("--activity", "activities", multiple=True, help="Reference of an activity that will use it (repeat).")
@click.option("--location", "locations", multiple=True, help="change_locations or --new: CC or CC:kind (repeat).")
@click.option("--notice-date", default=None, help="Date the clients are told (YYYY-MM-DD), default today.")
@click.option("--default-days", default=30, show_default=True, help="Window for clients whose contract sets none.")
@click.option("--actor", default="cli", show_default=True)
def plan_command(slug, kind, ref, new_name, country, replaces, activities, locations, notice_date, default_days,
                 actor) -> None:
    """Plan a change: the clients to tell, each one's window and the earliest effective date."""
    org, session = org_or_fail(slug), get_session()
    refs = {a.reference: a.id for a in session.execute(select(Activity).where(Activity.organisation_id == org.id))
            .scalars()}
    unknown = [r for r in activities if r not in refs]
    if unknown:
        raise click.BadParameter(f"no activity {', '.join(unknown)} in {org.slug}", param_hint="--activity")
    locs = [{"country": p[0].upper(), "kind": p[1] if len(p) > 1 else "storage"}
            for p in (loc.split(":", 1) for loc in locations)]

    def action():
        if new_name:
            sp = svc.propose_subprocessor(session, org, validate(SubProcessorCreate, {
                "legal_name": new_name, "country": country, "locations": locs}), actor)
        elif ref:
            sp = _sub(org, ref, "--subprocessor")
        else:
            raise click.UsageError("give --subprocessor or --new")
        data = validate(SubProcessorChangeCreate, {
            "kind": kind, "subprocessor_id": sp.id, "replaces_id": _sub(org, replaces, "--replaces").id if replaces else None,
            "activity_ids": [refs[r] for r in activities], "notice_date": _date(notice_date, "--notice-date", org),
            "new_locations": locs if kind == "change_locations" else [], "default_objection_days": default_days})
        return svc.plan_change(session, org, data, actor)

    change = _commit(action)
    _show(change)


def _show(change: SubProcessorChange) -> None:
    session = get_session()
    sp = session.get(SubProcessor, change.subprocessor_id)
    click.echo(f"Change {change.id} [{change.status}] {change.kind} {_safe(sp.legal_name)}; notice "
               f"{change.notice_date}; earliest effective {change.earliest_effective}"
               + (f"; effective {change.effective_on}" if change.effective_on else ""))
    flags = svc.change_flags(session, change)
    for n in change.notices:
        client = session.get(ClientController, n.client_id)
        period = f"{n.period_days} d" + ("" if n.period_recorded else " (default)")
        click.echo(f"    client {n.client_id:<4} [{n.language}] {_safe(client.legal_name)[:40]:<40} {period:<14} "
                   f"deadline {n.deadline}  sent {n.sent_on or '-'}" + (f"  consent {n.consent_on}" if n.consent_on else ""))
        for f in flags.get(n.client_id, []):
            click.echo(f"        {f.article} {f.code}: {_safe(f.message('en'))}")
    for o in change.objections:
        click.echo(f"    objection {o.id} client {o.client_id} received {o.received_on} {o.outcome}"
                   + (f": {_safe(o.decision)}" if o.decision else ""))
    if change.status in ("planned", "notified"):
        today = svc.org_today(session, change.organisation_id)
        for b in svc.effect_blockers(session, change, today):
            click.echo(f"    blocks today: {b.code}" + (f" (client {b.client_id})" if b.client_id else "") + f": {b.detail}")


@changes_cli.command("list")
@click.option("--org", "slug", required=True, help="Organisation slug.")
def changes_list_command(slug: str) -> None:
    """Every planned or past change with its notices, objections and what still blocks it."""
    org = org_or_fail(slug)
    rows = svc.list_changes(get_session(), org.id)
    if not rows:
        click.echo(f"No sub-processor change recorded for {org.slug}.")
    for change in rows:
        _show(change)


org_option = click.option("--org", "slug", required=True, help="Organisation slug.")
actor_option = click.option("--actor", default="cli", show_default=True)


@changes_cli.command("notify")
@org_option
@click.argument("change_id", type=int)
@click.option("--client", "client", default="all", show_default=True, help="Client id, or all.")
@click.option("--sent-on", default=None, help="Date the notice was sent (YYYY-MM-DD), default today.")
@click.option("--consent-on", default=None, help="Date of the client's written authorisation, if its contract needs one.")
@actor_option
def notify_command(slug, change_id, client, sent_on, consent_on, actor) -> None:
    """Record that the notice was sent (its window starts then) and, where needed, the client's consent."""
    org, session = org_or_fail(slug), get_session()
    change = _change(org, change_id)
    ids = [n.client_id for n in change.notices] if client == "all" else [int(client)]

    def action():
        for cid in ids:
            svc.record_notice_sent(session, change, cid, _date(sent_on, "--sent-on", org), actor)
            if consent_on:
                svc.record_consent(session, change, cid, _date(consent_on, "--consent-on", org), actor)

    _commit(action)
    _show(change)


@changes_cli.command("object")
@org_option
@click.argument("change_id", type=int)
@click.option("--client", "client_id", required=True, type=int)
@click.option("--received-on", default=None, help="YYYY-MM-DD, default today.")
@click.option("--grounds", default=None)
@actor_option
def object_command(slug, change_id, client_id, received_on, grounds, actor) -> None:
    """Record a client's objection: the change stays blocked until the DPO decides."""
    org, session = org_or_fail(slug), get_session()
    change = _change(org, change_id)
    _commit(lambda: svc.record_objection(session, change, validate(ChangeObjectionCreate, dict(
        client_id=client_id, received_on=_date(received_on, "--received-on", org), grounds=grounds)), actor))
    _show(change)


@changes_cli.command("decide")
@org_option
@click.argument("change_id", type=int)
@click.option("--objection", "objection_id", type=int, default=None, help="Objection id (else: the change itself).")
@click.option("--outcome", type=click.Choice(["withdrawn", "upheld", "overruled"]), default=None)
@click.option("--decision", required=True, help="The DPO's decision and its reasons.")
@actor_option
def decide_command(slug, change_id, objection_id, outcome, decision, actor) -> None:
    """Record the DPO's decision on an objection (with its outcome) or on the change as a whole."""
    org, session = org_or_fail(slug), get_session()
    change = _change(org, change_id)
    if objection_id is not None and outcome is None:
        raise click.BadParameter("give the outcome of the objection", param_hint="--outcome")
    if objection_id is None:
        _commit(lambda: svc.record_dpo_decision(session, change, decision, actor))
    else:
        _commit(lambda: svc.decide_objection(session, change, objection_id, outcome, decision, actor))
    _show(change)


@changes_cli.command("apply")
@org_option
@click.argument("change_id", type=int)
@click.option("--on", "on", default=None, help="Effective date (YYYY-MM-DD), default today.")
@actor_option
def apply_command(slug, change_id, on, actor) -> None:
    """Make the change effective: refused, with the reasons, while anything blocks it."""
    org, session = org_or_fail(slug), get_session()
    change = _change(org, change_id)
    _commit(lambda: svc.make_effective(session, change, actor, _date(on, "--on", org)))
    _show(change)


@changes_cli.command("cancel")
@org_option
@click.argument("change_id", type=int)
@actor_option
def cancel_command(slug, change_id, actor) -> None:
    """Cancel a change that has not taken effect."""
    org, session = org_or_fail(slug), get_session()
    change = _change(org, change_id)
    _commit(lambda: svc.cancel_change(session, change, actor))
    _show(change)

COMMANDS = (subprocessors_cli, changes_cli)
