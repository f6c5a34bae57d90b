"""The JSON API refuses hostile input with the field named, never a server error and never a write: a version that is
not a number, control characters and unpaired surrogates in any text (nested rows too), oversized ids, a search
holding NUL."""

import pytest
from sqlalchemy import func, select

from registry.models import AuditEntry, SubProcessor
from registry.services import users as accounts
from registry.services.organisations import get_by_slug

API = "/api/v1/orgs/pilotim"


@pytest.fixture
def headers(demo):
    user = accounts.create_user(demo, "api-dpo@test.example.com", "correct horse battery")
    accounts.grant(demo, user, get_by_slug(demo, "pilotim"), "dpo")
    _token, clear = accounts.create_token(demo, user, "test")
    demo.commit()
    return {"Authorization": f"Bearer {clear}"}


@pytest.fixture
def gandi(client, headers):
    return client.get(f"{API}/subprocessors?q=gandi", headers=headers).get_json()["items"][0]


def entries(session) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(AuditEntry))


@pytest.mark.parametrize("version", ["abc", "1.5", 1.5, True, [1], {"n": 1}, "²"])
def test_a_version_that_is_not_a_whole_number_is_422_at_the_field(client, headers, gandi, demo, version):
    before = entries(demo)
    response = client.patch(f"{API}/subprocessors/{gandi['id']}", headers=headers,
                            json={"version": version, "dpa_reference": "DPA-X"})
    assert response.status_code == 422, response.get_data(as_text=True)
    assert "version" in response.get_json()["errors"]
    assert entries(demo) == before


def test_an_update_without_version_is_422_and_a_stale_one_409(client, headers, gandi):
    url = f"{API}/subprocessors/{gandi['id']}"
    assert client.put(url, headers=headers, json={"legal_name": "Gandi"}).status_code == 422
    assert client.patch(url, headers=headers, json={"version": 999, "notes": "x"}).status_code == 409


@pytest.mark.parametrize("body, field", [
    ('{"legal_name": "Gandi\\u0000 SAS", "country": "FR"}', "legal_name"),
    ('{"legal_name": "Gandi \\ud800", "country": "FR"}', "legal_name"),
    ('{"legal_name": "Gandi", "country": "FR", "notes": "\\u001b[2J"}', "notes"),
    ('{"legal_name": "Gandi", "country": "FR", "locations": [{"country": "FR", "site": "Paris\\u0000"}]}',
     "locations-0-site"),
])
def test_control_characters_and_lone_surrogates_are_422_at_their_field(client, headers, demo, body, field):
    before = entries(demo)
    response = client.post(f"{API}/subprocessors", headers={**headers, "Content-Type": "application/json"}, data=body)
    assert response.status_code == 422, response.get_data(as_text=True)
    assert response.get_json()["errors"][field]  # pydantic's own refusal for a surrogate, ours for the others
    assert entries(demo) == before
    demo.expire_all()
    assert demo.scalar(select(func.count()).select_from(SubProcessor).where(SubProcessor.legal_name.like("Gandi%"))) == 1


def test_a_search_holding_nul_is_422_naming_the_parameter(client, headers):
    response = client.get(f"{API}/subprocessors?q=gan%00di", headers=headers)
    assert response.status_code == 422 and "q" in response.get_json()["errors"]
    assert client.get(f"{API}/subprocessors?status=%00", headers=headers).status_code == 422


def test_ids_beyond_the_integer_columns_are_404_in_the_address_and_422_in_the_body(client, headers):
    huge = f"{API}/subprocessors/99999999999999999999"
    assert client.get(huge, headers=headers).status_code == 404
    assert client.patch(huge, headers=headers, json={"version": 1}).status_code == 404
    assert client.delete(huge, headers=headers).get_json()["error"] == "not_found"
    response = client.post(f"{API}/transfers", headers=headers, json={
        "recipient": "Importer", "destination_country": "US", "mechanism": "scc", "activity_id": 10**20})
    assert response.status_code == 422 and "activity_id" in response.get_json()["errors"]
