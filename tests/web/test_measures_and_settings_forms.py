"""The security measure form and the organisation's settings form."""

import pytest
from sqlmodel import select

from registry.models import Organisation, SecurityMeasure


def test_valid_measure_is_saved(forms, org, session):
    response = forms.submit("/orgs/acme/measures/new", {"heading": "encryption", "title": "TLS 1.2+ everywhere"})
    assert response.status_code == 302
    assert session.exec(select(SecurityMeasure)).one().heading == "encryption"


@pytest.mark.parametrize(
    "change, field, message",
    [({"heading": ""}, "heading", "Pick a heading."), ({"title": ""}, "title", "Name the measure."),
     ({"heading": "firewall"}, "heading", "Not a valid choice")],
)
def test_invalid_measure_is_refused(forms, org, count, change, field, message):
    response = forms.submit("/orgs/acme/measures/new", {"heading": "encryption", "title": "TLS", **change})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and message in page and f'id="{field}-error"' in page
    assert count(SecurityMeasure) == 0


SETTINGS = {"legal_name": "ACME SAS", "country": "FR", "acts_as": "both", "timezone": "Europe/Paris",
            "dpo_name": "Jeanne Martin", "dpo_email": "dpo@acme.example"}


def test_settings_are_saved(forms, org, session, as_role):
    as_role("admin")
    assert forms.submit("/orgs/acme/settings", {**SETTINGS, "version": "1"}).status_code == 302
    session.expire_all()
    saved = session.get(Organisation, org.id)
    assert (saved.dpo_name, saved.dpo_email) == ("Jeanne Martin", "dpo@acme.example")


@pytest.mark.parametrize(
    "change, field, message",
    [({"timezone": "Europe/Lyon"}, "timezone", "Pick a time zone from the list"),
     ({"country": ""}, "country", "Pick the country."),
     ({"dpo_email": "jeanne"}, "dpo_email", "Enter a valid e-mail address."),
     ({"legal_name": ""}, "legal_name", "Give the legal name.")],
)
def test_invalid_settings_are_refused_and_nothing_changes(forms, org, session, as_role, change, field, message):
    as_role("admin")
    response = forms.submit("/orgs/acme/settings", {**SETTINGS, **change})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and message in page and f'id="{field}-error"' in page
    session.expire_all()
    assert session.get(Organisation, org.id).dpo_name is None

