"""The transfer form: who transfers, to where, on which Chapter V safeguard."""

import pytest
from sqlmodel import select

from registry.models import Transfer


def url():
    return "/orgs/acme/transfers/new"


@pytest.fixture
def valid(make_subprocessor):
    sp = make_subprocessor(legal_name="OpenAI Ireland", country="IE", locations=[{"country": "US"}])
    return {"subprocessor_id": str(sp.id), "recipient": "OpenAI OpCo LLC", "destination_country": "US",
            "exporter_role": "processor", "importer_role": "processor", "mechanism": "scc", "scc_module": "3",
            "tia_date": "2025-02-01"}


def test_valid_transfer_is_saved(forms, org, valid, session):
    assert forms.submit(url(), valid).status_code == 302
    t = session.exec(select(Transfer)).one()
    assert (t.destination_country, t.mechanism, t.scc_module) == ("US", "scc", 3)


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"subprocessor_id": ""}, "activity_id", "Name the activity or the sub-processor"),
        ({"destination_organisation": "EPO"}, "destination_country", "not both"),
        ({"destination_country": ""}, "destination_country", "Give a destination country"),
        ({"scc_module": ""}, "scc_module", "Pick the SCC module the contract uses."),
        ({"mechanism": "derogation"}, "derogation_ground", "Name the Art. 49 ground relied on."),
        ({"mechanism": "dpf"}, "dpf_checked_on", "Give the date the importer"),
        ({"tia_date": "2025-02-30"}, "tia_date", "Enter a date as YYYY-MM-DD."),
        ({"recipient": ""}, "recipient", "Name who receives the data."),
    ],
)
def test_invalid_transfer_is_refused_at_the_field_and_nothing_is_written(forms, org, valid, count, change, field, message):
    response = forms.submit(url(), {**valid, **change})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page and f'id="{field}-error"' in page
    assert count(Transfer) == 0


def test_an_activity_of_another_organisation_is_refused(forms, org, make_org, make_activity, valid, count):
    foreign = make_activity(make_org("other"))
    response = forms.submit(url(), {**valid, "subprocessor_id": "", "activity_id": str(foreign.id)})
    assert response.status_code == 422
    assert 'id="activity_id-error"' in response.get_data(as_text=True)
    assert count(Transfer) == 0
