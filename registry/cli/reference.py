"""Shell commands for the law as dated data: `flask --app app reference show|update|what-if`."""

from datetime import date, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from registry import clock, reference
from registry.cli.common import org_or_fail, terminal_safe
from registry.db import get_session
from registry.domain import breaches as breach_rules
from registry.models import Organisation
from registry.reference import InvalidReference
from registry.services import law as svc

reference_cli = AppGroup("reference", help="The law as dated data: regimes and adequacy decisions, updates, what-ifs.")

_safe = terminal_safe


def installed_directory() -> Path:
    """Where an update is installed: the instance folder, read before the shipped files."""
    return Path(current_app.instance_path) / "reference"


def _read(path: str, check):
    try:
        return check(svc.read_json(Path(path)))
    except InvalidReference as exc:
        reasons = "\n".join(f"  - {_safe(r)}" for r in exc.reasons)
        raise click.ClickException(f"refused, nothing changed: {_safe(path)}\n{reasons}") from None


def _regime_line(regime: reference.Regime | None) -> str:
    if regime is None:
        return "none"
    if regime.kind == "breach":
        threshold = "unless unlikely to result in a risk" if regime.authority_threshold == "risk" else \
            "only if likely to result in a high risk"
        return (f"{regime.title_en}: notify {regime.authority_en} within {regime.authority_hours} h {threshold}; "
                f"data subjects on high risk; processor notice under {regime.processor_ceiling_hours} h")
    return f"{regime.title_en}: fewer than {regime.persons_below} persons, unless {', '.join(regime.unless)}"


def _client_line(c: svc.ClientToWarn) -> str:
    if c.breach_notice_hours is not None:
        breach = f"breach notice within {c.breach_notice_hours} h"
    elif c.breach_notice_undue_delay:
        breach = "breach notice without undue delay"
    else:
        breach = "breach notice: contract silent"
    notified = {True: "notified", False: "not notified", None: "notice not stated"}[c.subprocessor_changes_notified]
    objection = f"objection within {c.objection_period_days} days" if c.objection_period_days is not None else \
        "objection period not stated"
    contact = f" <{_safe(c.contact)}>" if c.contact else " (no contact recorded)"
    return (f"      - {_safe(c.name)} [{c.language}]{contact}; {breach}; sub-processor changes {notified}, {objection}; "
            f"activities {', '.join(_safe(a) for a in c.activities)}")


def _transfer_line(t: svc.TransferImpact) -> str:
    tr, v = t.transfer, t.verdict
    dest = tr.destination_country or f"org:{tr.destination_organisation}"
    line = (f"    #{tr.id} {_safe(tr.recipient)} -> {dest}, {tr.mechanism or 'no mechanism'}"
            + (f" module {tr.scc_module}" if tr.scc_module else "") + f" (made by {_safe(t.exporter)})")
    basis = f"adequacy: {v.decision_before or 'none'} -> {v.decision_after or 'none'}"
    out = [line, f"      {basis}"]
    if v.gone:
        out.append("      flags gone: " + "; ".join(f"{f.code} ({f.article})" for f in v.gone))
    if v.new:
        out.append("      new flags: " + "; ".join(f"{f.code} ({f.article}): {f.message('en')}" for f in v.new))
    if t.fallback is not None:
        out.append(f"      fallback: transfer #{t.fallback.id} ({t.fallback.mechanism})")
    return "\n".join(out)


def _when(moment: datetime | None, tz: str) -> str:
    return breach_rules.format_local(moment, tz, "en") if moment else "without undue delay"


def _breach_lines(b: svc.BreachImpact, tz: str) -> list[str]:
    br = b.breach
    out = [f"    {_safe(br.reference)} {_safe(br.title)} (aware {_when(br.aware_at, tz)}, risk {br.risk or 'not assessed'})",
           f"      regime: {b.regime_before.title_en if b.regime_before else 'none'} -> "
           f"{b.regime_after.title_en if b.regime_after else 'none'}"]
    for c in b.changes:
        before = f"{c.before[0]} by {_when(c.before[1], tz)}" if c.before else "not owed"
        after = f"{c.after[0]} by {_when(c.after[1], tz)}" if c.after else "not owed"
        who = {"cnil": "supervisory authority", "data_subjects": "data subjects"}.get(c.recipient, c.recipient)
        out.append(f"      {who}: {before} -> {after}")
    return out


def _print_impact(result: svc.OrgImpact, what_if: bool) -> None:
    org = result.organisation
    click.echo(f"Organisation {org.slug} ({_safe(org.legal_name)}), transfers judged on {result.on.isoformat()}:")
    if what_if:
        lost = result.lost
        click.echo(f"  Transfers that lose their basis and have no fallback ({len(lost)}):" + ("" if lost else " none"))
        for t in lost:
            click.echo(_transfer_line(t))
            click.echo(f"      clients to warn ({len(t.clients)}):" + ("" if t.clients else " none (no client's data)"))
            for c in t.clients:
                click.echo(_client_line(c))
        others = [t for t in result.transfers if t not in lost]
        if others:
            click.echo(f"  Other transfers whose verdict changes ({len(others)}):")
            for t in others:
                click.echo(_transfer_line(t))
        click.echo(f"  Transfers that keep their basis while their destination's adequacy changes: review the transfer "
                   f"impact assessment ({len(result.review)}):" + ("" if result.review else " none"))
        for t in result.review:
            click.echo(_transfer_line(t) + f"\n      TIA: {t.transfer.tia_date or 'none recorded'}")
            click.echo(f"      clients whose data flow through it ({len(t.clients)}):"
                       + ("" if t.clients else " none (no client's data)"))
            for c in t.clients:
                click.echo(_client_line(c))
    else:
        click.echo(f"  Transfers whose verdict changes ({len(result.transfers)}):" + ("" if result.transfers else " none"))
        for t in result.transfers:
            click.echo(_transfer_line(t))
    click.echo(f"  Breaches whose clocks change ({len(result.breaches)}):" + ("" if result.breaches else " none"))
    for b in result.breaches:
        for line in _breach_lines(b, org.timezone):
            click.echo(line)
    before, after = result.record_exemption
    if before == after:
        click.echo(f"  Art. 30(5) exemption: unchanged ({before.title_en if before else 'none'})")
    else:
        click.echo(f"  Art. 30(5) exemption: {_regime_line(before)} -> {_regime_line(after)}; which activities it changes "
                   "cannot be judged: the register does not record the organisation's headcount")


@reference_cli.command("show")
@click.option("--on", "on", default=None, help="Show what applies on this date (YYYY-MM-DD); today by default.")
def show_command(on: str | None) -> None:
    """The law in use: its version, where it is read from, and each regime with its source and dates."""
    law = reference.law()
    day = _date(on, "--on") if on else clock.today("Europe/Paris")
    installed = [p.name for p in installed_directory().glob("*.json")] if installed_directory().is_dir() else []
    click.echo(f"Law version {law.version}, published {law.published}"
               + (f"; installed update: {', '.join(sorted(installed))}" if installed else "; shipped files"))
    for r in law.regimes:
        applies = f"{r.applies_from} to {r.applies_until or 'open'}" if r.applies_from else "no date of application"
        mark = "APPLIES" if r.applies_on(day) else r.status
        click.echo(f"  [{mark}] {r.id} ({r.kind}, {r.status}, {applies}): {_regime_line(r)}")
        click.echo(f"      source: {r.source}")
    click.echo(f"  {len(law.adequacy)} adequacy decisions; in force on {day}: "
               + ", ".join(sorted(a.destination for a in law.adequacy if a.in_force(day))))


def _date(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)", param_hint=option) from None


def _organisations() -> list[Organisation]:
    return list(get_session().scalars(select(Organisation).order_by(Organisation.slug)))


@reference_cli.command("update")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="List what the file would change without installing it.")
@click.option("--actor", default="cli", show_default=True, help="Who installs it, for the audit trail.")
def update_command(file: str, dry_run: bool, actor: str) -> None:
    """Install a newer dated reference file (regimes, and adequacy decisions if it has them) and list, per
    organisation, every verdict it changes (each becomes an item of the organisation's dashboard). A malformed file,
    or one not newer than the law in use, is refused."""
    update = _read(file, svc.check_update)
    session = get_session()
    if dry_run:
        results = svc.update_impacts(session, update, clock.now())
        click.echo(f"Dry run: version {update.version} published {update.published} checked, nothing installed.")
    else:
        # One transaction: the dashboard items of every organisation and the files, or nothing.
        results = svc.install(session, update, installed_directory(), actor, clock.now())
        click.echo(f"Installed version {update.version} published {update.published}: "
                   + ", ".join(str(installed_directory() / n) for n in reference.LAW_FILES
                               if (installed_directory() / n).is_file())
                   + "; each verdict it changes is on its organisation's dashboard")
    for result in results:
        _print_impact(result, what_if=False)


@reference_cli.command("what-if")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--org", "slug", required=True, help="Organisation slug.")
@click.option("--from", "start", default=None, help="Date the hypothesis applies from (YYYY-MM-DD); the file's by default.")
def what_if_command(file: str, slug: str, start: str | None) -> None:
    """If the file's changes applied from a date: the transfers that lose their basis without a fallback and the
    clients to warn (language, notice terms), transfers whose impact assessment needs review, and the breaches whose
    clocks change. Nothing is installed; a proposed regime is applied only here."""
    what_if = _read(file, svc.check_what_if)
    org = org_or_fail(slug)
    day = _date(start, "--from") if start else what_if.applies_from
    if day is None:
        raise click.BadParameter("this hypothesis has no date of application: give one", param_hint="--from")
    click.echo(f"What if: {_safe(what_if.title_en)}")
    click.echo(f"Applies from {day.isoformat()} (a hypothesis: nothing is installed).")
    _print_impact(svc.what_if_impact(get_session(), org, what_if, day, clock.now()), what_if=True)


COMMANDS = [reference_cli]
