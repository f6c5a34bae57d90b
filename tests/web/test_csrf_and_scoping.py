"""Every form refuses a post without its CSRF token; every route is scoped to its organisation."""

import pytest

from registry.models import Activity, ClientController, RetentionRule, SecurityMeasure, SubProcessor, Transfer

NEW_FORMS = [
    ("activities", {"reference": "X-1", "name": "X", "role": "controller", "status": "draft", "dpia": "not_assessed"}, Activity),
    ("clients", {"legal_name": "Client", "language": "fr", "subprocessor_authorisation": "general"}, ClientController),
    ("subprocessors", {"legal_name": "Sub", "status": "active"}, SubProcessor),
    ("measures", {"heading": "backup", "title": "Backups"}, SecurityMeasure),
    ("retention", {"covers_backups": "y", "kind": "fixed", "value": "6", "unit": "days", "bound": "exact"}, RetentionRule),
]


@pytest.mark.parametrize("area, data, model", NEW_FORMS, ids=[a for a, _, _ in NEW_FORMS])
def test_new_form_without_csrf_token_is_refused_and_nothing_is_written(en, org, count, area, data, model):
    response = en.post(f"/orgs/acme/{area}/new", data=data)
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)
    assert count(model) == 0


def test_transfer_form_without_csrf_token_is_refused(en, org, make_subprocessor, count):
    sp = make_subprocessor()
    data = {"subprocessor_id": sp.id, "recipient": "R", "destination_country": "US", "mechanism": "scc", "scc_module": "2"}
    assert en.post("/orgs/acme/transfers/new", data=data).status_code == 400
    assert count(Transfer) == 0


def test_edit_delete_retire_and_settings_without_csrf_token_are_refused(en, org, make_subprocessor, session, count):
    sp = make_subprocessor()
    assert en.post(f"/orgs/acme/subprocessors/{sp.id}/edit", data={"legal_name": "Changed", "status": "active"}).status_code == 400
    assert en.post(f"/orgs/acme/subprocessors/{sp.id}/delete").status_code == 400
    assert en.post(f"/orgs/acme/subprocessors/{sp.id}/retire").status_code == 400
    assert en.post("/orgs/acme/settings", data={"legal_name": "Changed", "country": "FR"}).status_code == 400
    session.expire_all()
    assert session.get(SubProcessor, sp.id).legal_name == "OVH SAS" and session.get(SubProcessor, sp.id).status == "active"
    assert count(SubProcessor) == 1


def test_a_record_of_another_organisation_is_not_found(forms, org, make_org, make_subprocessor, session):
    other = make_org("other")
    foreign = make_subprocessor(other, legal_name="Secret Vendor")
    for path in ("", "/edit", "/delete"):
        response = forms.client.get(f"/orgs/acme/subprocessors/{foreign.id}{path}")
        assert response.status_code == 404
    token = forms.token("/orgs/acme/subprocessors/new")
    response = forms.client.post(f"/orgs/acme/subprocessors/{foreign.id}/delete", data={"csrf_token": token})
    assert response.status_code == 404
    assert "Secret Vendor" not in forms.client.get("/orgs/acme/subprocessors/").get_data(as_text=True)
    session.expire_all()
    assert session.get(type(foreign), foreign.id) is not None


def test_an_unknown_organisation_is_not_found(en, org):
    assert en.get("/orgs/nobody/activities/").status_code == 404
    assert en.get("/orgs/nobody/").status_code == 404


def test_every_mutating_endpoint_requires_the_editor_role(app):
    """Accounts arrive later; the role each view needs is already declared, and checked in one place."""
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.split(".")[0] in {"activities", "clients", "subprocessors", "transfers", "retention", "measures", "organisations"}:
            continue
        view = app.view_functions[rule.endpoint]
        mutating = bool(rule.methods & {"POST", "PUT", "PATCH", "DELETE"}) or rule.endpoint.endswith((".new", ".edit", ".delete"))
        assert getattr(view, "required_role", None) == ("editor" if mutating else "reader"), rule.endpoint


def test_a_refusing_role_check_gives_403_on_mutating_endpoints(app, en, org, make_subprocessor):
    sp = make_subprocessor()
    app.extensions["registry.authorize"] = lambda role: role == "reader"
    assert en.get("/orgs/acme/subprocessors/").status_code == 200
    assert en.get(f"/orgs/acme/subprocessors/{sp.id}").status_code == 200
    for url in ("/orgs/acme/subprocessors/new", f"/orgs/acme/subprocessors/{sp.id}/edit",
                f"/orgs/acme/subprocessors/{sp.id}/delete", "/orgs/acme/settings"):
        assert en.get(url).status_code == 403, url
