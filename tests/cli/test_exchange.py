"""JSON export and import: lossless round trip, and bad files refused with the record and field, nothing written."""

import json

import pytest
from sqlalchemy import func, select

from registry.models import Organisation, SubProcessor

SLUGS = ["pilotim", "apex-timing", "ginger-minds", "defi-informatique", "art-zone"]


@pytest.fixture
def pilotim_export(runner, tmp_path, demo):
    path = tmp_path / "pilotim.json"
    assert runner.invoke(args=["export-json", "--org", "pilotim", "-o", str(path)]).exit_code == 0
    return path


def imported_elsewhere(text: str, tmp_path):
    """A CLI runner of a second installation (an empty SQLite database) into which `text` was imported."""
    from registry import create_app

    path = tmp_path / "export.json"
    path.write_text(text, encoding="utf-8")
    empty = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}",
                        "REGISTRY_BOOTSTRAP_ADMIN": False})
    other = empty.test_cli_runner()
    result = other.invoke(args=["import-json", str(path)])
    assert result.exit_code == 0, result.output
    return other


def count(session, model=Organisation):
    session.expire_all()
    return session.execute(select(func.count()).select_from(model)).scalar_one()


@pytest.mark.parametrize("slug", SLUGS)
def test_export_import_export_is_byte_identical(app, runner, tmp_path, slug, demo):
    first = runner.invoke(args=["export-json", "--org", slug]).output
    doc = json.loads(first)
    assert doc["schema_version"] == 3
    other = imported_elsewhere(first, tmp_path)
    assert other.invoke(args=["export-json", "--org", slug]).output == first


def test_export_uses_iso_alpha2_codes(pilotim_export):
    doc = json.loads(pilotim_export.read_text())
    assert doc["organisation"]["country"] == "FR"
    assert {t["destination_country"] for t in doc["transfers"]} == {"US"}


def refused(runner, session, path, doc):
    path.write_text(json.dumps(doc), encoding="utf-8")
    before = (count(session), count(session, SubProcessor))
    result = runner.invoke(args=["import-json", str(path), "--slug", "copy"])
    assert result.exit_code != 0
    assert (count(session), count(session, SubProcessor)) == before  # nothing written
    return result.output


def test_bad_country_is_refused_naming_the_record_and_field(runner, session, pilotim_export):
    doc = json.loads(pilotim_export.read_text())
    doc["subprocessors"][16]["country"] = "FRA"
    out = refused(runner, session, pilotim_export, doc)
    assert "subprocessors[16] (MLS Côte d'Azur).country" in out and "nothing written" in out


def test_dangling_reference_is_refused(runner, session, pilotim_export):
    doc = json.loads(pilotim_export.read_text())
    doc["transfers"][0]["subprocessor"] = 99
    assert "transfers[0] (OpenAI, L.L.C.).subprocessor" in refused(runner, session, pilotim_export, doc)


def test_inconsistent_contract_dates_are_refused(runner, session, pilotim_export):
    doc = json.loads(pilotim_export.read_text())
    doc["clients"][0]["contract_end"] = "2020-01-01"
    out = refused(runner, session, pilotim_export, doc)
    assert "clients[0] (Agence Démo du Beffroi (fictive)).contract_end" in out and "before it starts" in out


def test_unknown_vocabulary_code_in_a_list_is_refused(runner, session, pilotim_export):
    doc = json.loads(pilotim_export.read_text())
    doc["activities"][9]["purposes"][0]["legal_basis"] = "art6_1_z"
    assert "activities[9] (Gestion des prospects et clients de PILOTIM).purposes.0.legal_basis" in refused(
        runner, session, pilotim_export, doc)


def test_unknown_field_and_wrong_version_are_refused(runner, session, pilotim_export):
    doc = json.loads(pilotim_export.read_text())
    doc["measures"][0]["colour"] = "red"
    assert "measures[0] (Accès au data center protégé).colour: unknown field" in refused(runner, session, pilotim_export, doc)
    doc = json.loads(pilotim_export.read_text())
    doc["schema_version"] = 4
    assert "schema_version" in refused(runner, session, pilotim_export, doc)


def test_existing_slug_and_malformed_json_are_refused(runner, session, pilotim_export, tmp_path):
    before = count(session)
    result = runner.invoke(args=["import-json", str(pilotim_export)])
    assert result.exit_code != 0 and "organisation.slug" in result.output and "already exists" in result.output
    broken = tmp_path / "broken.json"
    broken.write_text('{"schema": ', encoding="utf-8")
    result = runner.invoke(args=["import-json", str(broken)])
    assert result.exit_code != 0 and "line 1" in result.output and "not valid JSON" in result.output
    assert count(session) == before


def test_import_under_a_new_slug_copies_the_register(runner, session, pilotim_export):
    result = runner.invoke(args=["import-json", str(pilotim_export), "--slug", "pilotim-copy"])
    assert result.exit_code == 0, result.output
    assert count(session, SubProcessor) == 20 + 18  # the five demo registers, and the copy of PILOTIM's 18


def test_the_breach_register_travels_with_its_links_and_notices(app, runner, tmp_path, demo):
    """Art. 33(5): the breaches, what they affected and every notice sent survive an export and an import."""
    from datetime import timedelta

    from registry.models import BreachNoticeCreate
    from registry.services import breaches as svc
    from tests.services.test_breach_demo import NOW, ovh_breach

    _org, _proposal, breach = ovh_breach(demo, "pilotim")
    brussels = next(c for c in breach.clients if c.language == "en")
    svc.record_notice(demo, breach, BreachNoticeCreate(
        recipient="client", client_id=brussels.id, sent_at=NOW - timedelta(hours=2), recipient_name="DPO",
        recipient_contact="dpo@brussels.example", channel="email"), actor="dpo", now=NOW)
    demo.commit()
    first = runner.invoke(args=["export-json", "--org", "pilotim"]).output
    doc = json.loads(first)
    [exported] = doc["breaches"]
    assert exported["reference"] == "2026-OVH-1" and exported["risk"] == "high"
    assert [doc["activities"][i - 1]["reference"] for i in exported["activities"]] == ["PIL-S-01"]
    assert [doc["subprocessors"][i - 1]["legal_name"] for i in exported["subprocessors"]] == ["OVH"]
    assert len(exported["clients"]) == 3
    [notice] = exported["notices"]
    assert doc["clients"][notice["client"] - 1]["legal_name"] == "Demo Estates Brussels (fictional)"

    other = imported_elsewhere(first, tmp_path)
    assert other.invoke(args=["export-json", "--org", "pilotim"]).output == first
    assert "2026-OVH-1" in other.invoke(args=["breaches", "list", "--org", "pilotim"]).output


def test_a_breach_naming_a_client_not_in_the_file_is_refused(runner, session, pilotim_export):
    doc = json.loads(pilotim_export.read_text())
    doc["breaches"] = [{"id": 1, "reference": "B-1", "title": "Lost laptop", "aware_at": "2026-11-20T09:00:00+00:00",
                        "clients": [99]}]
    out = refused(runner, session, pilotim_export, doc)
    assert "breaches[0] (Lost laptop).clients: refers to clients that are not in the file" in out


def test_files_of_schema_version_1_still_import(runner, session, pilotim_export):
    doc = json.loads(pilotim_export.read_text())
    doc["schema_version"] = 1
    del doc["breaches"], doc["subprocessor_changes"], doc["requests"], doc["organisation"]["request_retention_years"]
    pilotim_export.write_text(json.dumps(doc), encoding="utf-8")
    out = runner.invoke(args=["import-json", str(pilotim_export), "--slug", "pilotim-v1"])
    assert out.exit_code == 0, out.output


def test_planned_changes_travel_with_their_notices_and_objections(app, runner, tmp_path, demo):
    """Art. 28(2): a planned change, the notices sent and an objection survive an export and an import."""
    from datetime import date, timedelta

    from registry.models import ChangeObjectionCreate
    from registry.services import changes as svc
    from registry.services.organisations import get_by_slug
    from tests.services.test_changes_walk import plan_new_ai

    org = get_by_slug(demo, "pilotim")
    today = date(2026, 11, 23)
    _sp, change = plan_new_ai(demo, org, today)
    client_id = change.notices[0].client_id
    svc.record_notice_sent(demo, change, client_id, today, "dpo")
    svc.record_objection(demo, change, ChangeObjectionCreate(
        client_id=client_id, received_on=today + timedelta(days=3), grounds="Transfer to the US"), "dpo")
    demo.commit()
    first = runner.invoke(args=["export-json", "--org", "pilotim"]).output
    doc = json.loads(first)
    [exported] = doc["subprocessor_changes"]
    assert (exported["kind"], exported["status"], exported["earliest_effective"]) == ("add", "planned", "2026-12-23")  # 1 of 3 notices sent
    assert doc["subprocessors"][exported["subprocessor"] - 1]["legal_name"] == "Fournisseur IA Démo (fictif)"
    assert [doc["activities"][i - 1]["reference"] for i in exported["activities"]] == ["PIL-S-02"]
    assert len(exported["notices"]) == 3 and sum(n["sent_on"] == "2026-11-23" for n in exported["notices"]) == 1
    assert [(o["grounds"], o["outcome"]) for o in exported["objections"]] == [("Transfer to the US", "pending")]

    other = imported_elsewhere(first, tmp_path)
    assert other.invoke(args=["export-json", "--org", "pilotim"]).output == first


def test_a_change_naming_a_sub_processor_not_in_the_file_is_refused(runner, session, pilotim_export):
    doc = json.loads(pilotim_export.read_text())
    doc["subprocessor_changes"] = [{"id": 1, "kind": "remove", "subprocessor": 99, "notice_date": "2026-11-23"}]
    out = refused(runner, session, pilotim_export, doc)
    assert "subprocessor_changes[0].subprocessor: refers to subprocessors id 99, which is not in the file" in out
