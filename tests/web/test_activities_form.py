"""The activity form: purposes with their bases, categories, links to the organisation's other records."""

import pytest
from sqlmodel import select

from registry.models import Activity

URL = "/orgs/acme/activities/new"
VALID = {
    "reference": "RH-01",
    "name": "Payroll",
    "role": "controller",
    "status": "active",
    "dpia": "not_assessed",
    "purposes-0-purpose": "Pay the staff",
    "purposes-0-legal_basis": "art6_1_c",
    "purposes-1-purpose": "Health insurance",
    "purposes-1-legal_basis": "art6_1_b",
    "purposes-1-art9_condition": "art9_2_b",
    "data_subjects-0-code": "employees",
    "data_categories-0-code": "identity",
    "data_categories-1-code": "health",
    "data_categories-1-detail": "sick-leave certificates",
    "recipients-0-code": "authorities",
    "recipients-0-detail": "URSSAF",
}


def test_valid_activity_is_saved_with_purposes_categories_and_links(
    forms, org, make_subprocessor, make_measure, make_client, session
):
    sp, measure, client = make_subprocessor(), make_measure(), make_client()
    data = {**VALID, "subprocessor_ids": [str(sp.id)], "measure_ids": [str(measure.id)], "client_ids": [str(client.id)]}
    response = forms.submit(URL, data)
    assert response.status_code == 302
    act = session.exec(select(Activity)).one()
    assert act.purposes == [
        {"purpose": "Pay the staff", "legal_basis": "art6_1_c", "art9_condition": None},
        {"purpose": "Health insurance", "legal_basis": "art6_1_b", "art9_condition": "art9_2_b"},
    ]
    assert act.data_categories[1] == {"code": "health", "detail": "sick-leave certificates"}
    assert [s.id for s in act.subprocessors] == [sp.id]
    assert [m.id for m in act.measures] == [measure.id] and [c.id for c in act.clients] == [client.id]
    page = forms.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Compliance with a legal obligation" in page and "URSSAF" in page and "OVH SAS" in page


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"reference": ""}, "reference", "Give the activity a short reference."),
        ({"purposes-0-purpose": ""}, "purposes-0-purpose", "Describe the purpose this legal basis is for."),
        ({"data_categories-1-code": ""}, "data_categories-1-code", "Pick a category for this detail."),
        ({"dpia_date": "2024-05-01"}, "dpia_date", "Set the impact assessment to"),
        ({"dpia": "done", "dpia_date": "2024-13-01"}, "dpia_date", "Enter a date as YYYY-MM-DD."),
        ({"role": "owner"}, "role", "Not a valid choice"),
    ],
)
def test_invalid_activity_is_refused_at_the_field_and_nothing_is_written(forms, org, count, change, field, message):
    response = forms.submit(URL, {**VALID, **change})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    assert f'id="{field}-error"' in page
    assert count(Activity) == 0
    assert 'value="Payroll"' in page


def test_a_reference_already_used_is_refused(forms, org, make_activity, count):
    make_activity(reference="RH-01")
    response = forms.submit(URL, VALID)
    assert response.status_code == 422
    assert "Another activity already uses this reference." in response.get_data(as_text=True)
    assert count(Activity) == 1


def test_a_subprocessor_of_another_organisation_cannot_be_linked(forms, org, make_org, make_subprocessor, count):
    other = make_subprocessor(make_org("other"))
    response = forms.submit(URL, {**VALID, "subprocessor_ids": [str(other.id)]})
    assert response.status_code == 422
    assert 'id="subprocessor_ids-error"' in response.get_data(as_text=True)
    assert count(Activity) == 0


def test_editing_an_activity_shows_its_rows_and_saves_changes(forms, org, make_activity, session):
    act = make_activity()
    version = act.version
    url = f"/orgs/acme/activities/{act.id}/edit"
    page = forms.client.get(url).get_data(as_text=True)
    assert 'value="Pay staff"' in page and 'name="purposes-1-purpose"' in page  # one spare row
    data = {**VALID, "version": str(act.version), "name": "Payroll and expenses"}
    assert forms.submit(url, data).status_code == 302
    session.expire_all()
    assert session.get(Activity, act.id).name == "Payroll and expenses"
    assert session.get(Activity, act.id).version == version + 1
