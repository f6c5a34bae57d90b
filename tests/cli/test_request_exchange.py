"""Data-subject requests in the JSON exchange: requesters' contact data only with --with-personal-data; the purge."""

import json
from datetime import date

import pytest
from sqlalchemy import select

from registry.models import Activity, ActivityClientLink, DataRequest
from registry.services import requests as svc
from registry.services.organisations import get_by_slug
from tests.cli.test_exchange import imported_elsewhere


@pytest.fixture
def with_request(demo):
    org = get_by_slug(demo, "pilotim")
    link = demo.scalars(select(ActivityClientLink).join(Activity, Activity.id == ActivityClientLink.activity_id)
                        .where(Activity.organisation_id == org.id).order_by(Activity.id)).first()
    svc.create_request(demo, org, {
        "reference": "DSR-X", "received_on": date(2026, 3, 3), "rights": ["erasure", "access"],
        "client_id": link.client_id, "forwarded_on": date(2026, 3, 4),
        "activities": [{"activity_id": link.activity_id, "measure": "erased"}],
        "requester_name": "Jeanne Exemple", "requester_contact": "jeanne@example.org",
        "identity_verified_on": date(2026, 3, 3), "identity_method": "known_account",
    }, "test")
    demo.commit()
    return org


def test_export_leaves_the_requesters_contact_data_out_unless_asked(runner, with_request):
    plain = runner.invoke(args=["export-json", "--org", "pilotim"]).output
    (item,) = json.loads(plain)["requests"]
    assert item["reference"] == "DSR-X" and item["rights"] == ["erasure", "access"]
    assert item["activities"][0]["measure"] == "erased" and item["client"] is not None
    assert item["identity_method"] == "known_account"  # that the identity was checked, not who
    assert "requester_name" not in item and "requester_contact" not in item
    assert "Jeanne" not in plain and "jeanne@example.org" not in plain

    full = runner.invoke(args=["export-json", "--org", "pilotim", "--with-personal-data"]).output
    (item,) = json.loads(full)["requests"]
    assert item["requester_name"] == "Jeanne Exemple" and item["requester_contact"] == "jeanne@example.org"


def test_requests_round_trip_through_export_and_import(runner, tmp_path, with_request):
    first = runner.invoke(args=["export-json", "--org", "pilotim", "--with-personal-data"]).output
    other = imported_elsewhere(first, tmp_path)
    assert other.invoke(args=["export-json", "--org", "pilotim", "--with-personal-data"]).output == first


def test_an_import_naming_an_activity_not_in_the_file_is_refused_with_its_place(runner, tmp_path, session,
                                                                                 with_request):
    doc = json.loads(runner.invoke(args=["export-json", "--org", "pilotim"]).output)
    doc["requests"][0]["activities"][0]["activity"] = 999
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    result = runner.invoke(args=["import-json", str(path), "--slug", "copy"])
    assert result.exit_code != 0 and "requests[0].activities" in result.output
    assert get_by_slug(session, "copy") is None


def test_purge_keeps_a_request_inside_a_longer_retention_set_by_the_organisation(runner, demo, with_request):
    with_request.request_retention_years = 10
    svc.create_request(demo, with_request, {"reference": "OLD", "received_on": date(2019, 1, 2), "rights": ["access"],
                                            "status": "answered", "answered_on": date(2019, 1, 20)}, "test")
    demo.commit()
    result = runner.invoke(args=["requests", "purge", "--org", "pilotim"])
    assert result.exit_code == 0 and "no closed request older than 10 years" in result.output
    assert demo.scalars(select(DataRequest).where(DataRequest.reference == "OLD")).one()


def test_files_of_schema_version_2_still_import_and_a_requests_section_needs_version_3(runner, tmp_path, demo):
    doc = json.loads(runner.invoke(args=["export-json", "--org", "pilotim"]).output)
    doc["schema_version"] = 2
    doc["requests"] = [{"id": 1, "reference": "R", "received_on": "2026-03-03", "rights": ["access"]}]
    path = tmp_path / "v2.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    refused = runner.invoke(args=["import-json", str(path), "--slug", "copy-v2"])
    assert refused.exit_code != 0 and "requests: unknown section" in refused.output
    del doc["requests"], doc["organisation"]["request_retention_years"]
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert runner.invoke(args=["import-json", str(path), "--slug", "copy-v2"]).exit_code == 0
    org = get_by_slug(demo, "copy-v2")
    assert org.request_retention_years == 5  # the default, as the CNIL recommends
