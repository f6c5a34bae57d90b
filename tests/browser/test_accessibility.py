"""Every kind of page a DPO reads, checked by axe (WCAG 2.0/2.1 A and AA) in both languages.

The register holds an activity run at a sub-processor for a client, a planned replacement of that
sub-processor and a breach at it, so that the detail pages show their lists, links and clocks.
"""

from datetime import timedelta

import pytest
from a11y import assert_accessible
from records import planned_replacement
from sqlmodel import Session, create_engine, select

from registry import clock


def _records(tmp_path) -> dict[str, int]:
    """One record of each kind, straight into the served database (the server fixture's SQLite file)."""
    from registry.models import BreachCreate, Organisation
    from registry.services import breaches

    engine = create_engine(f"sqlite:///{tmp_path / 'browser.db'}")
    with Session(engine) as session:
        org = session.exec(select(Organisation).where(Organisation.slug == "acme")).one()
        made = planned_replacement(session, org, "Stockage Exemple Inc.", "US")
        host, client, activity, change = made.host, made.client, made.activity, made.change
        breach = breaches.record_breach(session, org, BreachCreate.model_validate({
            "reference": "2026-01", "title": "Accès non autorisé", "aware_at": clock.now() - timedelta(hours=2),
            "confidentiality": True, "risk": "risk", "facts": "Un serveur de stockage exposé",
            "subprocessor_ids": [host.id], "activity_ids": [activity.id], "client_ids": [client.id]}), "test")
        session.commit()
        ids = {"activity": activity.id, "subprocessor": host.id, "change": change.id, "breach": breach.id}
    engine.dispose()
    return ids


PAGES = [
    "/", "/orgs/acme/activities/", "/orgs/acme/activities/{activity}", "/orgs/acme/subprocessors/{subprocessor}",
    "/orgs/acme/changes/", "/orgs/acme/changes/{change}", "/orgs/acme/breaches/", "/orgs/acme/breaches/{breach}",
    "/orgs/acme/activities/new", "/orgs/acme/breaches/new", "/orgs/acme/changes/new", "/orgs/acme/mail/",
]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_pages_of_the_register_pass_axe(page, server, tmp_path, artifacts, lang):
    ids = _records(tmp_path)
    if lang == "en":
        page.goto(f"{server}/")
        page.locator("nav.lang").get_by_role("link", name="EN", exact=True).click()
    for path in PAGES:
        page.goto(server + path.format(**ids))
        assert page.locator("html").get_attribute("lang") == lang
        assert_accessible(page)
    page.goto(f"{server}/orgs/acme/subprocessors/{ids['subprocessor']}")
    page.screenshot(path=str(artifacts / f"a11y-subprocessor-{lang}.png"), full_page=True)
    page.goto(f"{server}/orgs/acme/activities/{ids['activity']}")
    page.screenshot(path=str(artifacts / f"a11y-activity-{lang}.png"), full_page=True)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_form_in_error_passes_axe(page, server, artifacts, lang):
    page.goto(f"{server}/orgs/acme/subprocessors/new")
    assert_accessible(page)
    if lang == "en":
        page.locator("nav.lang").get_by_role("link", name="EN", exact=True).click()
    page.get_by_role("button", name={"fr": "Créer", "en": "Create"}[lang], exact=True).click()  # legal name empty
    assert page.locator("#legal_name[aria-invalid=true]").count() == 1
    assert page.locator("html").get_attribute("lang") == lang
    assert_accessible(page)
    page.screenshot(path=str(artifacts / f"a11y-form-error-{lang}.png"), full_page=True)


def test_login_page_passes_axe(browser, server):
    context = browser.new_context(bypass_csp=True)
    try:
        page = context.new_page()
        page.goto(f"{server}/login")
        assert_accessible(page)
        page.fill("#email", "dpo@acme.example.com")
        page.fill("#password", "wrong")
        page.locator("form.form button[type=submit]").click()
        assert_accessible(page)
    finally:
        context.close()
