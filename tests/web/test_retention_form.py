"""The retention rule form: kind of duration, number and unit, the starting event, the end action."""

import pytest
from sqlmodel import select

from registry.models import RetentionRule


@pytest.fixture
def valid(make_activity):
    act = make_activity()
    return {"activity_id": str(act.id), "kind": "from_event", "bound": "exact", "value": "5", "unit": "years",
            "event": "employment_end", "legal_reference": "Code du travail", "end_action": "delete"}


def test_valid_rule_is_saved(forms, org, valid, session):
    assert forms.submit("/orgs/acme/retention/new", valid).status_code == 302
    r = session.exec(select(RetentionRule)).one()
    assert (r.kind, r.value, r.unit, r.event) == ("from_event", 5, "years", "employment_end")


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"event": ""}, "event", "Pick the event the duration runs from."),
        ({"value": ""}, "value", "Give the number."),
        ({"value": "0"}, "value", "Enter a whole number between 1 and 100000."),
        ({"unit": ""}, "unit", "Pick the unit of the duration."),
        ({"kind": "until_date"}, "until", "Give the date the data are kept until."),
        ({"activity_id": ""}, "activity_id", "or tick"),
        ({"kind": "until_date", "until": "2030-02-31"}, "until", "Enter a date as YYYY-MM-DD."),
    ],
)
def test_invalid_rule_is_refused_at_the_field_and_nothing_is_written(forms, org, valid, count, change, field, message):
    response = forms.submit("/orgs/acme/retention/new", {**valid, **change})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page and f'id="{field}-error"' in page
    assert count(RetentionRule) == 0


def test_new_rule_form_can_be_opened_for_an_activity(forms, org, make_activity):
    act = make_activity()
    page = forms.client.get(f"/orgs/acme/retention/new?activity_id={act.id}").get_data(as_text=True)
    assert f'<option selected value="{act.id}">' in page
