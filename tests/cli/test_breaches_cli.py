"""`flask breaches list|due|impact`: clocks and impact propagation from the shell."""

from datetime import timedelta

from services.test_breaches import NOW, breach_input, make_world

from registry.services import breaches as svc


def seed(session):
    org, ovh, clients, (hosting, backup, hr, support) = make_world(session)
    hosting.name = "Hébergement\x1b[2J des applications"  # a name carrying a terminal escape sequence
    values = svc.propose_impact(session, org.id, [ovh.id]).create_values()
    svc.record_breach(session, org, breach_input(aware_at=NOW - timedelta(hours=60), **values), now=NOW)
    session.commit()
    return org


def test_impact_lists_activities_and_clients_with_their_delays(runner, session):
    seed(session)
    result = runner.invoke(args=["breaches", "impact", "--org", "defi-test", "--subprocessor", "ovh"])
    assert result.exit_code == 0, result.output
    assert "Sub-processors: OVHcloud" in result.output
    assert "Activities (3):" in result.output and "C-HR" in result.output and "P-SUPPORT" not in result.output
    assert "Cabinet Rapide" in result.output and "within 24 h" in result.output
    assert "Harbour Agency Ltd" in result.output and "without undue delay" in result.output
    assert "\x1b" not in result.output


def test_impact_names_an_unknown_sub_processor(runner, session):
    seed(session)
    result = runner.invoke(args=["breaches", "impact", "--org", "defi-test", "--subprocessor", "nowhere"])
    assert result.exit_code != 0 and "no sub-processor of defi-test matches 'nowhere'" in result.output


def test_list_shows_each_clock_in_the_organisation_time_zone(runner, session):
    seed(session)
    result = runner.invoke(args=["breaches", "list", "--org", "defi-test", "--now", NOW.isoformat()])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    cnil = next(line for line in lines if "Art. 33(1)" in line)
    # Aware 60 h before 10:00 UTC on 23 Nov: due 72 h later, 12 h left, shown at Paris time (UTC+1).
    assert "DUE" in cnil and "2026-11-23 23:00 (Europe/Paris, UTC+01:00)" in cnil and "12 h 00 min" in cnil
    rapide = next(line for line in lines if "Cabinet Rapide" in line)
    assert "OVERDUE" in rapide and "overdue by 1 d 12 h 00 min" in rapide


def test_due_lists_the_dashboard_deadlines_and_refuses_a_naive_time(runner, session):
    seed(session)
    result = runner.invoke(args=["breaches", "due", "--now", NOW.isoformat()])
    assert result.exit_code == 0, result.output
    assert result.output.count("defi-test  2026-01") == 3  # Rapide overdue, Harbour undue delay, CNIL in 12 h
    naive = runner.invoke(args=["breaches", "due", "--now", "2026-11-23T10:00"])
    assert naive.exit_code != 0 and "time zone" in naive.output


def test_list_on_an_unknown_organisation_fails_with_a_hint(runner, session):
    result = runner.invoke(args=["breaches", "list", "--org", "nope"])
    assert result.exit_code != 0 and "flask --app app orgs" in result.output
