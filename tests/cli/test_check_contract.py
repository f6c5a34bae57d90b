"""`flask --app app check-contract`: text and JSON reports, refusals, and the cross-check with a demo register."""

import json
import os
from pathlib import Path

import pytest
from sqlalchemy import select

SEEDS = Path(os.environ.get("REGISTRY_SEEDS") or Path(__file__).resolve().parents[3] / "shared" / "seeds")
needs_seeds = pytest.mark.skipif(not SEEDS.is_dir() and not os.environ.get("CI"), reason=f"seed contracts not found in {SEEDS}")

DPA = """# Accord de sous-traitance

## 1. Instructions
Le Sous-traitant traite les données à caractère personnel uniquement sur instruction documentée du Client.

## 2. Violations
Le Sous-traitant notifie au Client toute violation de données personnelles dans un délai de 24 heures.
Le Sous-traitant notifie au Client toute violation de données dans un délai de 48 heures.
"""


@pytest.fixture
def dpa(tmp_path):
    path = tmp_path / "dpa.md"
    path.write_text(DPA, "utf-8")
    return path


def test_json_report_has_the_documented_shape(runner, dpa):
    out = runner.invoke(args=["check-contract", str(dpa), "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert [i["code"] for i in data["items"]] == ["art28_3_a", "art28_3_b", "art28_3_c", "art28_2", "art28_4",
                                                  "art28_3_e", "art28_3_f", "art28_3_g", "art28_3_h", "art33_2",
                                                  "transfers", "art30_2"]
    assert all({"code", "verdict", "quote", "page"} <= set(i) for i in data["items"])
    assert {"objection_period_days", "breach_notice_hours", "subprocessors", "transfer_mechanisms"} <= set(data["terms"])
    assert isinstance(data["outdated"], list) and isinstance(data["conflicts"], list)
    first = data["items"][0]
    assert (first["verdict"], first["line"]) == ("present", 4)


def test_conflicting_breach_delays_are_shown_with_both_values(runner, dpa):
    data = json.loads(runner.invoke(args=["check-contract", str(dpa), "--json"]).output)
    assert data["conflicts"] == [{"term": "breach_notice_hours", "values": [
        {"value": 24, "quote": "Le Sous-traitant notifie au Client toute violation de données personnelles dans un délai de 24 heures.",
         "page": None, "line": 7},
        {"value": 48, "quote": "Le Sous-traitant notifie au Client toute violation de données dans un délai de 48 heures.",
         "page": None, "line": 8}]}]


def test_text_report_in_french_quotes_and_names_the_rule(runner, dpa):
    out = runner.invoke(args=["check-contract", str(dpa), "--lang", "fr"])
    assert out.exit_code == 0
    assert "[ présent] art28_3_a" in out.output and "règle fr_instructions_documentees" in out.output
    assert "[  absent] art28_3_h" in out.output
    assert "compliant" not in out.output.lower() and "conforme" not in out.output.lower()


def test_refused_file_exits_with_the_reason_and_the_file_name(runner, tmp_path):
    bad = tmp_path / "contrat.pdf"
    bad.write_bytes(b"%PDF-1.7\ngarbage without objects")
    out = runner.invoke(args=["check-contract", str(bad)])
    assert out.exit_code == 1
    assert "contrat.pdf" in out.output and "PDF" in out.output


def test_client_without_organisation_is_a_usage_error(runner, dpa):
    out = runner.invoke(args=["check-contract", str(dpa), "--client", "1"])
    assert out.exit_code == 2 and "--org" in out.output


@needs_seeds
def test_art_zone_report_flags_outdated_references(runner):
    out = runner.invoke(args=["check-contract", str(SEEDS / "004_1856e3db2ce7a5b8.txt"), "--json"])
    assert json.loads(out.output)["outdated"] == ["cnil_declaration", "law_1978_without_gdpr"]


def _demo(session):
    """GINGER MINDS and its first client, in the demo the test's database was copied from (the `demo` fixture)."""
    from registry.models import ClientController, Organisation

    org = session.execute(select(Organisation).where(Organisation.slug == "ginger-minds")).scalar_one()
    client = session.execute(select(ClientController).where(ClientController.organisation_id == org.id)).scalars().first()
    return org, client


@needs_seeds
def test_cross_check_on_demo_organisation_lists_register_differences(runner, session, demo):
    from registry.models import ProcessingLocation, SubProcessor

    org, client = _demo(session)
    session.add(SubProcessor(organisation_id=org.id, legal_name="Hébergeur Démo (fictif)", country="US", status="active",
                             locations=[ProcessingLocation(country="US", kind="storage")]))
    session.commit()
    out = runner.invoke(args=["check-contract", str(SEEDS / "002_d3eaa0bf0228e7fa.txt"), "--json",
                              "--org", "ginger-minds", "--client", str(client.id)])
    assert out.exit_code == 0, out.output
    found = {f["code"]: f for f in json.loads(out.output)["cross_check"]}
    assert found["eu_only_but_transfers_recorded"]["values"]["destinations"] == ["US"]
    assert found["recorded_not_named"]["values"]["name"] == "Hébergeur Démo (fictif)"
    assert "retention_not_in_register" not in found  # the demo records the 30-day backups (CGV 5.3.3.3)


@needs_seeds
def test_cross_check_of_unknown_client_is_refused(runner, session, demo):
    _demo(session)
    out = runner.invoke(args=["check-contract", str(SEEDS / "002_d3eaa0bf0228e7fa.txt"),
                              "--org", "ginger-minds", "--client", "9999"])
    assert out.exit_code == 1 and "--client: no client controller 9999" in out.output
