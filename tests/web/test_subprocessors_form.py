"""The sub-processor form: saves with its processing locations, refuses bad input at the field, keeps the input."""

import pytest
from sqlmodel import select

from registry.models import ProcessingLocation, SubProcessor

URL = "/orgs/acme/subprocessors/new"
VALID = {
    "legal_name": "Amazon Web Services EMEA SARL",
    "country": "LU",
    "status": "active",
    "contact_email": "privacy@example.com",
    "certifications": "ISO 27001, HDS",
    "dpa_signed_on": "2024-03-01",
    "active_from": "2024-03-01",
    "locations-0-country": "US",
    "locations-0-kind": "storage",
    "locations-0-site": "us-east-1",
    "locations-1-country": "",
    "locations-1-site": "",
}


def test_valid_subprocessor_is_saved_with_its_locations(forms, org, session):
    response = forms.submit(URL, VALID)
    assert response.status_code == 302
    sp = session.exec(select(SubProcessor)).one()
    assert (sp.legal_name, sp.country, sp.certifications) == ("Amazon Web Services EMEA SARL", "LU", ["ISO 27001", "HDS"])
    assert [(loc.country, loc.kind, loc.site) for loc in sp.locations] == [("US", "storage", "us-east-1")]
    page = forms.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Amazon Web Services EMEA SARL" in page and "United States" in page


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"legal_name": ""}, "legal_name", "Give the sub-processor's legal name."),
        ({"contact_email": "not-an-address"}, "contact_email", "Enter a valid e-mail address."),
        ({"country": "XX"}, "country", "Pick a country from the list"),
        ({"dpa_signed_on": "31/02/2024"}, "dpa_signed_on", "Enter a date as YYYY-MM-DD."),
        ({"retired_on": "2024-01-01", "status": "retired"}, "retired_on", "cannot be retired before it was used"),
        ({"locations-0-country": "", "locations-0-site": "eu-west-3"}, "locations-0-country", "Pick the country of this site."),
    ],
)
def test_invalid_subprocessor_is_refused_at_the_field_and_nothing_is_written(forms, org, count, change, field, message):
    response = forms.submit(URL, {**VALID, **change})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    assert f'id="{field}-error"' in page and f'id="{field}"' in page
    assert count(SubProcessor) == 0 and count(ProcessingLocation) == 0
    # The user's other answers are still there.
    assert 'value="Amazon Web Services EMEA SARL"' in page or change.get("legal_name") == ""


def test_editing_replaces_the_processing_locations(forms, org, make_subprocessor, session):
    sp = make_subprocessor()
    url = f"/orgs/acme/subprocessors/{sp.id}/edit"
    data = {"legal_name": "OVH SAS", "country": "FR", "status": "active", "version": str(sp.version),
            "locations-0-country": "FR", "locations-1-country": "CA", "locations-1-kind": "support"}
    assert forms.submit(url, data).status_code == 302
    session.expire_all()
    locations = session.get(SubProcessor, sp.id).locations
    assert [(loc.country, loc.kind) for loc in locations] == [("FR", "storage"), ("CA", "support")]


def test_add_row_button_adds_an_empty_location_row_without_saving(forms, org, count):
    response = forms.submit(URL, {**VALID, "add_row": "locations"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'name="locations-2-country"' in page
    assert count(SubProcessor) == 0


def test_edit_of_a_record_changed_meanwhile_is_refused(forms, org, make_subprocessor, session):
    sp = make_subprocessor()
    url = f"/orgs/acme/subprocessors/{sp.id}/edit"
    token = forms.token(url)
    stale = str(sp.version - 1) if sp.version > 1 else "0"
    data = {"legal_name": "Renamed", "country": "FR", "status": "active", "version": stale, "csrf_token": token}
    response = forms.client.post(url, data=data)
    assert response.status_code == 422
    assert "Someone saved this record after you opened it" in response.get_data(as_text=True)
    session.expire_all()
    assert session.get(SubProcessor, sp.id).legal_name == "OVH SAS"
