"""Deleting a record others use is refused with the list of users; retiring is offered instead."""

from registry.models import ClientController, SecurityMeasure, SubProcessor, Transfer


def test_subprocessor_used_by_an_active_activity_cannot_be_deleted(forms, org, make_subprocessor, make_activity, count):
    sp = make_subprocessor()
    make_activity(subprocessor_ids=[sp.id])
    page = forms.client.get(f"/orgs/acme/subprocessors/{sp.id}/delete").get_data(as_text=True)
    assert "cannot be deleted" in page and "RH-01 · Payroll" in page
    assert f'action="/orgs/acme/subprocessors/{sp.id}/retire"' in page
    token = forms.token(f"/orgs/acme/subprocessors/{sp.id}/edit")
    response = forms.client.post(f"/orgs/acme/subprocessors/{sp.id}/delete", data={"csrf_token": token})
    assert response.status_code == 409
    assert count(SubProcessor) == 1


def test_retiring_keeps_the_subprocessor_and_dates_it(forms, org, make_subprocessor, make_activity, session):
    sp = make_subprocessor()
    make_activity(subprocessor_ids=[sp.id])
    token = forms.token(f"/orgs/acme/subprocessors/{sp.id}/edit")
    response = forms.client.post(f"/orgs/acme/subprocessors/{sp.id}/retire", data={"csrf_token": token})
    assert response.status_code == 302
    session.expire_all()
    retired = session.get(SubProcessor, sp.id)
    assert retired.status == "retired" and retired.retired_on is not None


def test_subprocessor_used_only_by_a_retired_activity_can_be_deleted(forms, org, make_subprocessor, make_activity, count):
    sp = make_subprocessor()
    make_activity(subprocessor_ids=[sp.id], status="retired")
    token = forms.token(f"/orgs/acme/subprocessors/{sp.id}/edit")
    response = forms.client.post(f"/orgs/acme/subprocessors/{sp.id}/delete", data={"csrf_token": token})
    assert response.status_code == 302
    assert count(SubProcessor) == 0


def test_activity_with_transfers_cannot_be_deleted(forms, org, make_activity, make_transfer, count):
    act = make_activity()
    make_transfer(activity_id=act.id)
    page = forms.client.get(f"/orgs/acme/activities/{act.id}/delete").get_data(as_text=True)
    assert "cannot be deleted" in page and "Importer Inc." in page
    assert count(Transfer) == 1


def test_client_and_measure_in_use_cannot_be_deleted(forms, org, make_client, make_measure, make_activity, count):
    client, measure = make_client(), make_measure()
    make_activity(client_ids=[client.id], measure_ids=[measure.id])
    for area, obj in (("clients", client), ("measures", measure)):
        token = forms.token(f"/orgs/acme/{area}/{obj.id}/edit")
        assert forms.client.post(f"/orgs/acme/{area}/{obj.id}/delete", data={"csrf_token": token}).status_code == 409
    assert count(ClientController) == 1 and count(SecurityMeasure) == 1


def test_an_unused_record_is_deleted(forms, org, make_measure, count):
    measure = make_measure()
    token = forms.token(f"/orgs/acme/measures/{measure.id}/edit")
    response = forms.client.post(f"/orgs/acme/measures/{measure.id}/delete", data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"].endswith("/orgs/acme/measures/")
    assert count(SecurityMeasure) == 0
