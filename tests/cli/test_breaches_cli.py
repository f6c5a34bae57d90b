"""`flask breaches list|due|impact` on the demo organisations: clocks and impact propagation from the shell."""

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from registry.models import Activity, BreachCreate
from registry.services import breaches as svc
from registry.services.organisations import get_by_slug

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def seed(session) -> None:
    """The demo, a PILOTIM client given a 24-hour contractual delay, and an OVH breach known for 60 hours
    that also hit PILOTIM's own prospect file (so the CNIL clock runs)."""
    org = get_by_slug(session, "pilotim")
    ovh_ids = [s.id for s in svc.find_subprocessors(session, org.id, "OVH")]
    values = svc.propose_impact(session, org.id, ovh_ids).create_values()
    own = session.execute(select(Activity).where(Activity.organisation_id == org.id, Activity.reference == "PIL-R-01"))
    values["activity_ids"].append(own.scalars().one().id)
    svc.record_breach(session, org, BreachCreate.model_validate(dict(
        values, reference="2026-OVH-1", title="Intrusion OVH", aware_at=NOW - timedelta(hours=60),
        confidentiality=True, risk="risk")), now=NOW)
    beffroi = next(c for c in svc.get_breach(session, org.id, "2026-OVH-1").clients if "Beffroi" in c.legal_name)
    beffroi.breach_notice_hours = 24
    session.commit()


def test_impact_lists_activities_and_clients_with_their_delays(runner, demo):
    session = demo
    seed(session)
    result = runner.invoke(args=["breaches", "impact", "--org", "pilotim", "--subprocessor", "ovh"])
    assert result.exit_code == 0, result.output
    assert "Sub-processors: OVH" in result.output
    assert "Activities (1):" in result.output and "PIL-S-01" in result.output
    assert "Client controllers to notify (Art. 33(2)) (3):" in result.output
    beffroi = next(line for line in result.output.splitlines() if "Beffroi" in line)
    brussels = next(line for line in result.output.splitlines() if "Brussels" in line)
    assert "within 24 h" in beffroi and "without undue delay" in brussels and "[en]" in brussels


def test_impact_names_an_unknown_sub_processor(runner, demo):
    session = demo
    seed(session)
    result = runner.invoke(args=["breaches", "impact", "--org", "pilotim", "--subprocessor", "nowhere"])
    assert result.exit_code != 0 and "no sub-processor of pilotim matches 'nowhere'" in result.output


def test_list_shows_each_clock_in_the_organisation_time_zone(runner, demo):
    session = demo
    seed(session)
    result = runner.invoke(args=["breaches", "list", "--org", "pilotim", "--now", NOW.isoformat()])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    cnil = next(line for line in lines if "Art. 33(1)" in line)
    # Aware 60 h before 10:00 UTC on 23 Nov: due 72 h later, 12 h left, shown at Paris time (UTC+1).
    assert "CNIL" in cnil and "DUE" in cnil and "November 23, 2026, 23:00 (Europe/Paris, UTC+01:00)" in cnil
    assert "12 h 00 min" in cnil
    beffroi = next(line for line in lines if "Beffroi" in line)
    assert "OVERDUE" in beffroi and "overdue by 1 d 12 h 00 min" in beffroi


def test_due_lists_the_dashboard_deadlines_and_refuses_a_naive_time(runner, demo):
    session = demo
    seed(session)
    result = runner.invoke(args=["breaches", "due", "--now", NOW.isoformat()])
    assert result.exit_code == 0, result.output
    # Beffroi overdue, two clients owed without undue delay, the CNIL due in 12 h.
    assert result.output.count("pilotim  2026-OVH-1  Intrusion OVH") == 4
    naive = runner.invoke(args=["breaches", "due", "--now", "2026-11-23T10:00"])
    assert naive.exit_code != 0 and "time zone" in naive.output


def test_terminal_escape_sequences_in_user_text_are_neutralised(runner, demo):
    session = demo
    seed(session)
    org = get_by_slug(session, "pilotim")
    breach = svc.get_breach(session, org.id, "2026-OVH-1")
    breach.title = "Intrusion\x1b]0;pwned\x07 OVH"
    session.commit()
    result = runner.invoke(args=["breaches", "list", "--org", "pilotim", "--now", NOW.isoformat()])
    assert "\x1b" not in result.output and "\x07" not in result.output and "Intrusion?]0;pwned? OVH" in result.output


def test_list_on_an_unknown_organisation_fails_with_a_hint(runner, session):
    result = runner.invoke(args=["breaches", "list", "--org", "nope"])
    assert result.exit_code != 0 and "flask --app app orgs" in result.output


def test_register_exports_every_breach_of_the_organisation_as_json(runner, demo):
    session = demo
    seed(session)
    result = runner.invoke(args=["breaches", "register", "--org", "pilotim", "--lang", "fr"])
    assert result.exit_code == 0, result.output
    register = json.loads(result.output)
    assert register["title"] == "Registre des violations de données à caractère personnel"
    assert [b["reference"] for b in register["breaches"]] == ["2026-OVH-1"]
    empty = json.loads(runner.invoke(args=["breaches", "register", "--org", "defi-informatique"]).output)
    assert empty["count"] == 0 and empty["breaches"] == []
