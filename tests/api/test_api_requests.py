"""JSON API v1 for data-subject requests: written by admins and DPOs, read by every member, the requester's name and
contact only for admins and DPOs; another organisation's request is a 404."""

from datetime import date

import pytest
from sqlalchemy import select

from registry import audit
from registry.models import Activity, ActivityClientLink, DataRequest
from registry.services import requests as svc
from registry.services.organisations import get_by_slug

API = "/api/v1/orgs/pilotim/requests"


@pytest.fixture
def client_activity(demo):
    pilotim = get_by_slug(demo, "pilotim")
    return demo.execute(select(ActivityClientLink).join(Activity, Activity.id == ActivityClientLink.activity_id)
                        .where(Activity.organisation_id == pilotim.id).order_by(Activity.id)).scalars().first()


def test_a_dpo_records_a_clients_request_and_relays_it_through_the_api(client, token, demo, client_activity):
    headers = token("dpo")
    created = client.post(API, headers=headers, json={
        "reference": "API-1", "received_on": "2026-01-31", "rights": ["erasure"], "client_id": client_activity.client_id,
        "requester_name": "Jeanne Exemple", "requester_contact": "jeanne@example.org", "requester_category": "users",
        "activities": [{"activity_id": client_activity.activity_id}]})
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["requester_name"] == "Jeanne Exemple" and "withheld" not in body
    assert body["activities"] == [{"activity_id": client_activity.activity_id, "measure": None, "measure_note": None}]
    url = created.headers["Location"]
    relayed = client.patch(url, headers=headers, json={"version": body["version"], "forwarded_on": "2026-02-02"})
    assert relayed.status_code == 200, relayed.get_json()
    answered = client.patch(url, headers=headers, json={
        "version": relayed.get_json()["version"], "client_answered_on": "2026-02-10", "status": "answered",
        "answered_on": "2026-02-12", "activities": [{"activity_id": client_activity.activity_id, "measure": "erased"}]})
    assert answered.status_code == 200, answered.get_json()
    saved = demo.get(DataRequest, body["id"])
    demo.refresh(saved)
    assert (saved.status, saved.forwarded_on, saved.activity_links[0].measure) == ("answered", date(2026, 2, 2), "erased")
    assert saved.requester_name == "Jeanne Exemple"  # PATCH keeps what it was not sent
    trail = audit.history(demo, "data_request", saved.id)
    assert len(trail) == 3 and all("jeanne" not in str(e.after).lower() for e in trail)


def test_an_auditor_reads_requests_without_the_requester_and_cannot_write(client, token, demo):
    pilotim = get_by_slug(demo, "pilotim")
    obj, _ = svc.create_request(demo, pilotim, {"reference": "API-2", "received_on": date(2026, 3, 3),
                                                "rights": ["access"], "requester_name": "Jeanne Exemple",
                                                "requester_contact": "jeanne@example.org"}, "test")
    demo.commit()
    headers = token("auditor")
    listed = client.get(API, headers=headers).get_json()
    assert listed["total"] == 1
    for item in (listed["items"][0], client.get(f"{API}/{obj.id}", headers=headers).get_json()):
        assert item["reference"] == "API-2" and item["rights"] == ["access"]
        assert item["requester_name"] is None and item["requester_contact"] is None
        assert item["withheld"] == ["requester_name", "requester_contact"]
        assert "Jeanne" not in str(item) and "jeanne@" not in str(item)
    assert client.post(API, headers=headers, json={"reference": "X", "received_on": "2026-03-03"}).status_code == 403
    assert client.patch(f"{API}/{obj.id}", headers=headers, json={"version": 1, "notes": "x"}).status_code == 403
    assert client.delete(f"{API}/{obj.id}", headers=headers).status_code == 403
    admin = client.get(f"{API}/{obj.id}", headers=token("admin")).get_json()
    assert admin["requester_contact"] == "jeanne@example.org" and "withheld" not in admin


def test_another_organisations_request_is_a_404(client, token, demo):
    other = get_by_slug(demo, "apex-timing")
    obj, _ = svc.create_request(demo, other, {"reference": "ELSEWHERE", "received_on": date(2026, 3, 3),
                                              "rights": ["access"]}, "test")
    demo.commit()
    headers = token("dpo")
    assert client.get(f"{API}/{obj.id}", headers=headers).status_code == 404
    assert client.get(f"/api/v1/orgs/apex-timing/requests/{obj.id}", headers=headers).status_code == 404
    assert client.delete(f"{API}/{obj.id}", headers=headers).status_code == 404


def test_invalid_fields_are_422_by_name(client, token):
    headers = token("dpo")
    response = client.post(API, headers=headers, json={
        "reference": "API-3", "received_on": "2026-03-03", "rights": ["telepathy"], "requester_category": "aliens"})
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert "rights" in " ".join(errors) or "rights-0" in errors
    refused = client.post(API, headers=headers, json={"reference": "API-4", "received_on": "2026-03-03",
                                                      "rights": ["access"], "status": "refused",
                                                      "answered_on": "2026-03-04"})
    assert refused.status_code == 422 and "refusal_ground" in str(refused.get_json()["errors"])
