"""The sub-processor chain as a picture in a real browser: drawn without script, readable by assistive technology
(axe, both languages), on the sub-processor's page and on the client's."""

import pytest
from a11y import assert_accessible
from sqlmodel import Session, create_engine, select


def _chain(tmp_path) -> dict[str, int]:
    from registry.models import Organisation
    from registry.services import activities, clients, subprocessors, transfers

    engine = create_engine(f"sqlite:///{tmp_path / 'browser.db'}")
    with Session(engine) as session:
        org = session.exec(select(Organisation).where(Organisation.slug == "acme")).one()
        top, _ = subprocessors.create_subprocessor(session, org, {
            "legal_name": "Messagerie Exemple Ltd", "country": "IE", "status": "active", "service": "Messagerie",
            "locations": [{"country": "IE"}]}, "test")
        mid, _ = subprocessors.create_subprocessor(session, org, {
            "legal_name": "Mail Example LLC", "country": "US", "status": "active", "parent_id": top.id,
            "locations": [{"country": "US", "kind": "access"}]}, "test")
        subprocessors.create_subprocessor(session, org, {
            "legal_name": "Support Example Pvt", "country": "IN", "status": "active", "parent_id": mid.id,
            "locations": [{"country": "IN", "kind": "support"}]}, "test")
        transfers.create_transfer(session, org, {
            "subprocessor_id": mid.id, "recipient": "Mail Example LLC", "destination_country": "US",
            "exporter_role": "processor", "importer_role": "processor", "mechanism": "scc", "scc_module": 3}, "test")
        client, _ = clients.create_client(session, org, {"legal_name": "Client Exemple SA"}, "test")
        activities.create_activity(session, org, {
            "reference": "P-MAIL", "name": "Messagerie", "role": "processor", "status": "active",
            "purposes": [{"purpose": "Messagerie", "legal_basis": "art6_1_b"}],
            "subprocessor_ids": [top.id], "client_ids": [client.id]}, "test")
        session.commit()
        ids = {"top": top.id, "client": client.id}
    engine.dispose()
    return ids


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_chain_picture_is_drawn_without_script_and_passes_axe(page, server, tmp_path, artifacts, lang):
    ids = _chain(tmp_path)
    page.goto(f"{server}/lang/{lang}")
    for url, name in ((f"/orgs/acme/subprocessors/{ids['top']}", "subprocessor"),
                      (f"/orgs/acme/clients/{ids['client']}", "client")):
        page.goto(server + url)
        picture = page.locator("figure.chain-figure svg[role=img]")
        assert picture.count() == 1
        assert picture.get_attribute("aria-labelledby")
        text = picture.text_content()
        assert "Support Example Pvt" in text and ("Niveau 3" if lang == "fr" else "Level 3") in text
        assert page.locator("figure.chain-figure script").count() == 0
        assert_accessible(page)
        picture.scroll_into_view_if_needed()
        page.screenshot(path=str(artifacts / f"chain-{name}-{lang}.png"), full_page=True)
