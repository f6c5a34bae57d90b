"""The client controller form: identity, contract dates and the Art. 28 terms as the contract states them."""

import pytest
from sqlmodel import select

from registry.models import ClientController

URL = "/orgs/acme/clients/new"
VALID = {
    "legal_name": "Mairie de Lyon",
    "country": "FR",
    "contact_email": "dpo@example.org",
    "contract_start": "2024-01-01",
    "contract_end": "2026-12-31",
    "language": "fr",
    "subprocessor_authorisation": "general",
    "objection_right": "yes",
    "objection_period_days": "15",
    "breach_notice_hours": "48",
    "instructions_documented": "yes",
    "confidentiality": "no",
}


def test_valid_client_is_saved_with_its_contract_terms(forms, org, session):
    assert forms.submit(URL, VALID).status_code == 302
    c = session.exec(select(ClientController)).one()
    assert (c.objection_right, c.objection_period_days, c.breach_notice_hours) == (True, 15, 48)
    assert (c.instructions_documented, c.confidentiality, c.flow_down) == (True, False, None)


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"contract_end": "2023-12-31"}, "contract_end", "The contract cannot end before it starts."),
        ({"contact_email": "dpo@"}, "contact_email", "Enter a valid e-mail address."),
        ({"dpo_email": "no at sign"}, "dpo_email", "Enter a valid e-mail address."),
        ({"country": "ZZ"}, "country", "Pick a country from the list"),
        ({"objection_period_days": "-3"}, "objection_period_days", "Enter a whole number between 0 and 3650."),
        ({"breach_notice_hours": "two days"}, "breach_notice_hours", "Not a valid integer value."),
        ({"contract_start": "tomorrow"}, "contract_start", "Enter a date as YYYY-MM-DD."),
    ],
)
def test_invalid_client_is_refused_at_the_field_and_nothing_is_written(forms, org, count, change, field, message):
    response = forms.submit(URL, {**VALID, **change})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page and f'id="{field}-error"' in page
    assert count(ClientController) == 0
    assert 'value="Mairie de Lyon"' in page
