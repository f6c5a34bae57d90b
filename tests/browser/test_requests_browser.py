"""The data-subject request pages in a real browser, French and English: the relay's two clocks, axe on each page."""

from datetime import date

import pytest
from a11y import assert_accessible
from sqlmodel import Session, create_engine, select


def _relayed_request(tmp_path) -> int:
    """A request received for a client's activity and forwarded, straight into the served database."""
    from registry.models import Organisation
    from registry.services import activities, clients
    from registry.services import requests as svc

    engine = create_engine(f"sqlite:///{tmp_path / 'browser.db'}")
    with Session(engine) as session:
        org = session.exec(select(Organisation).where(Organisation.slug == "acme")).one()
        client, _ = clients.create_client(session, org, {"legal_name": "Agence Exemple (fictive)", "language": "fr"},
                                          "test")
        activity, _ = activities.create_activity(session, org, {
            "reference": "P-CRM", "name": "Gestion des contacts du client", "role": "processor", "status": "active",
            "purposes": [{"purpose": "Gérer les contacts", "legal_basis": "art6_1_b"}], "client_ids": [client.id]},
            "test")
        obj, _ = svc.create_request(session, org, {
            "reference": "DSR-1", "received_on": date(2025, 12, 31), "rights": ["erasure"], "client_id": client.id,
            "forwarded_on": date(2026, 1, 2), "activities": [{"activity_id": activity.id}],
            "requester_name": "Personne Exemple", "requester_contact": "personne@example.org"}, "test")
        session.commit()
        request_id = obj.id
    engine.dispose()
    return request_id


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_request_pages_show_both_clocks_and_pass_axe(page, server, tmp_path, artifacts, lang):
    request_id = _relayed_request(tmp_path)
    if lang == "en":
        page.goto(f"{server}/")
        page.locator("nav.lang").get_by_role("link", name="EN", exact=True).click()
    for path in ("/orgs/acme/requests/", "/orgs/acme/requests/new", f"/orgs/acme/requests/{request_id}/edit",
                 f"/orgs/acme/requests/{request_id}"):
        page.goto(server + path)
        assert page.locator("html").get_attribute("lang") == lang
        assert_accessible(page)
    clocks = page.locator("section.clocks")
    expected = {"fr": ("Non indiqué dans le contrat du client", "2 février 2026"),
                "en": ("Not stated in the client's contract", "February 2, 2026")}[lang]
    for text in expected:
        assert text in clocks.inner_text()
    assert "Objet : demande d'exercice de droits" in page.locator("#relay-message").input_value()
    page.screenshot(path=str(artifacts / f"requests-detail-{lang}.png"), full_page=True)
    page.goto(f"{server}/orgs/acme/requests/new")
    page.screenshot(path=str(artifacts / f"requests-new-{lang}.png"), full_page=True)
