"""JSON API v1: tokens, the web interface's permissions, 422 at the field, 409 on a stale version."""

from sqlalchemy import select

from registry import audit
from registry.models import SubProcessor
from registry.services.organisations import get_by_slug


def sp(session, name):
    return session.execute(select(SubProcessor).where(SubProcessor.legal_name == name)).scalars().first()


def test_without_a_valid_token_everything_is_401(client, demo):
    assert client.get("/api/v1/orgs").status_code == 401
    response = client.get("/api/v1/orgs/pilotim/subprocessors", headers={"Authorization": "Bearer rgt_nope"})
    assert response.status_code == 401 and response.headers["WWW-Authenticate"].startswith("Bearer")


def test_list_with_search_filter_and_paging(client, token):
    headers = token("auditor")
    page = client.get("/api/v1/orgs/pilotim/subprocessors?per_page=5&page=2", headers=headers).get_json()
    assert (page["total"], page["page"], len(page["items"])) == (18, 2, 5)  # the 17 of the contract and Google LLC
    found = client.get("/api/v1/orgs/pilotim/subprocessors?q=openai", headers=headers).get_json()["items"]
    assert [s["legal_name"] for s in found] == ["OpenAI, L.L.C."]
    assert found[0]["locations"] == [{"country": "US", "kind": "access", "site": None}]
    google = client.get("/api/v1/orgs/pilotim/subprocessors?q=google", headers=headers).get_json()["items"]
    by_name = {s["legal_name"]: s for s in google}
    assert by_name["Google LLC"]["parent_id"] == by_name["Google Ireland Limited"]["id"]  # the chain, through the API
    activity = client.get("/api/v1/orgs/pilotim/activities?q=PIL-S-02", headers=headers).get_json()["items"][0]
    assert len(activity["client_ids"]) == 3 and len(activity["subprocessor_ids"]) == 1


def test_records_of_other_organisations_are_404(client, token, demo):
    headers = token("dpo")
    assert client.get("/api/v1/orgs/apex-timing/clients", headers=headers).status_code == 404
    ovh_defi = demo.execute(select(SubProcessor).where(SubProcessor.legal_name == "OVH")).scalars().all()[-1]
    assert client.get(f"/api/v1/orgs/pilotim/subprocessors/{ovh_defi.id}", headers=headers).status_code == 404


def test_auditor_cannot_write_and_nothing_is_written(client, token, demo):
    headers = token("auditor")
    before = len(audit.organisation_trail(demo, get_by_slug(demo, "pilotim").id))
    response = client.post("/api/v1/orgs/pilotim/measures", json={"heading": "backup", "title": "x"}, headers=headers)
    assert response.status_code == 403
    gandi = sp(demo, "Gandi")
    assert client.delete(f"/api/v1/orgs/pilotim/subprocessors/{gandi.id}", headers=headers).status_code == 403
    demo.expire_all()
    assert len(audit.organisation_trail(demo, get_by_slug(demo, "pilotim").id)) == before


def test_create_validates_at_the_field_and_audits(client, token, demo):
    headers = token("dpo")
    bad = client.post("/api/v1/orgs/pilotim/subprocessors", headers=headers,
                      json={"legal_name": "Mistral AI", "country": "FRA"})
    assert bad.status_code == 422 and "country" in bad.get_json()["errors"]
    ok = client.post("/api/v1/orgs/pilotim/subprocessors", headers=headers,
                     json={"legal_name": "Mistral AI", "country": "FR", "locations": [{"country": "FR"}]})
    assert ok.status_code == 201, ok.get_json()
    created = ok.get_json()
    assert client.get(ok.headers["Location"], headers=headers).get_json()["legal_name"] == "Mistral AI"
    (entry,) = audit.history(demo, "subprocessor", created["id"])
    assert entry.actor == "api-dpo@test.example.com" and entry.action == "create"


def test_stale_update_is_409_and_keeps_the_other_users_values(client, token, demo):
    headers = token("dpo")
    gandi = client.get("/api/v1/orgs/pilotim/subprocessors?q=gandi", headers=headers).get_json()["items"][0]
    url = f"/api/v1/orgs/pilotim/subprocessors/{gandi['id']}"
    first = client.patch(url, headers=headers, json={"version": gandi["version"], "dpa_reference": "DPA-A"})
    assert first.status_code == 200 and first.get_json()["version"] == gandi["version"] + 1
    late = client.patch(url, headers=headers, json={"version": gandi["version"], "dpa_reference": "DPA-B"})
    assert late.status_code == 409
    body = late.get_json()
    assert body["current"]["dpa_reference"] == "DPA-A" and body["differs_from_yours"] == {"dpa_reference": "DPA-A"}
    demo.expire_all()
    assert sp(demo, "Gandi").dpa_reference == "DPA-A"
    missing = client.patch(url, headers=headers, json={"dpa_reference": "DPA-C"})
    assert missing.status_code == 422 and "version" in missing.get_json()["errors"]


def test_deleting_a_used_subprocessor_is_refused_with_what_uses_it(client, token, demo):
    headers = token("dpo")
    openai = sp(demo, "OpenAI, L.L.C.")
    response = client.delete(f"/api/v1/orgs/pilotim/subprocessors/{openai.id}", headers=headers)
    assert response.status_code == 409 and response.get_json()["used_by"]
    assert sp(demo, "OpenAI, L.L.C.") is not None


def test_openapi_document_describes_every_area(client, demo):
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.")
    for area in ("activities", "clients", "subprocessors", "transfers", "retention", "measures", "requests"):
        assert f"/api/v1/orgs/{{slug}}/{area}/{{record_id}}" in doc["paths"]
    assert "SubProcessorCreate" in doc["components"]["schemas"]
