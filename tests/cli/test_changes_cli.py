"""`flask changes ...` and `flask subprocessors list|diff` walk a PILOTIM change from the shell."""

import csv
import io
import json
from datetime import UTC, datetime, time, timedelta


def ok(runner, *args):
    result = runner.invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_plan_notify_object_decide_apply_from_the_shell(runner, demo, clock):
    today = clock.now.date()
    out = ok(runner, "changes", "plan", "--org", "pilotim", "--kind", "add", "--new", "Fournisseur IA Démo (fictif)",
             "--country", "US", "--location", "US:storage", "--activity", "PIL-S-02", "--notice-date", str(today))
    effective = today + timedelta(days=30)
    assert f"Change 1 [planned] add Fournisseur IA Démo (fictif); notice {today}; earliest effective {effective}" in out
    assert out.count("change_objection_period_default") == 3 and "[en] Demo Estates Brussels" in out
    assert "notified" in ok(runner, "changes", "notify", "--org", "pilotim", "1", "--sent-on", str(today))
    ok(runner, "changes", "object", "--org", "pilotim", "1", "--client", "3", "--received-on", str(today),
       "--grounds", "US transfer")
    clock.now = datetime.combine(effective, time(12), UTC)
    refused = runner.invoke(args=["changes", "apply", "--org", "pilotim", "1", "--on", str(effective)])
    assert refused.exit_code != 0 and "objection_open (client 3)" in refused.output
    assert "nothing written" in refused.output
    ok(runner, "changes", "decide", "--org", "pilotim", "1", "--objection", "1", "--outcome", "overruled",
       "--decision", "Clauses types signées.")
    assert "[effective]" in ok(runner, "changes", "apply", "--org", "pilotim", "1", "--on", str(effective))

    day_before = ok(runner, "subprocessors", "list", "--org", "pilotim", "--as-of", str(effective - timedelta(days=1)),
                    "--json")
    day_after = ok(runner, "subprocessors", "list", "--org", "pilotim", "--as-of", str(effective + timedelta(days=1)),
                   "--json")
    new = lambda doc: next(e for e in json.loads(doc)["subprocessors"] if e["legal_name"].startswith("Fournisseur"))  # noqa: E731
    assert new(day_before)["status"] == "planned" and new(day_after)["status"] == "active"
    diff = ok(runner, "subprocessors", "diff", "--org", "pilotim", str(effective - timedelta(days=1)), str(effective))
    assert f"~ {new(day_after)['id']} Fournisseur IA Démo (fictif)" in diff
    assert 'status: "planned" -> "active"' in diff and 'activities: [] -> ["PIL-S-02"]' in diff


def test_csv_list_is_stamped_and_filtered(runner, demo):
    out = ok(runner, "subprocessors", "list", "--org", "pilotim", "--csv", "--location", "US")
    table = list(csv.reader(io.StringIO(out.removeprefix("\ufeff"))))
    assert table[0][0] == "# pilotim" and table[0][2].startswith("sha256 ")
    # Processing in the US: OpenAI, and Google LLC one level below Google Ireland (which states no location itself)
    assert [r[1] for r in table[2:]] == ["OpenAI, L.L.C.", "Google LLC"]


def test_bad_input_names_the_field_and_writes_nothing(runner, demo):
    result = runner.invoke(args=["changes", "plan", "--org", "pilotim", "--kind", "add", "--new", "X Démo",
                                 "--notice-date", "2026-12-01"])
    assert result.exit_code != 0 and "--activity: name the activities" in result.output
    assert "No sub-processor change" in ok(runner, "changes", "list", "--org", "pilotim")
    result = runner.invoke(args=["subprocessors", "list", "--org", "pilotim", "--as-of", "yesterday"])
    assert result.exit_code != 0 and "--as-of" in result.output
    assert "X Démo" not in ok(runner, "subprocessors", "list", "--org", "pilotim", "--status", "planned")
