"""The law pages in a real browser, in both languages, checked by axe with screenshots: the What-if page (the shipped
DPF example, a refused file), the superusers' reference update (preview, install) and the changed verdict on the
dashboard marked seen. Also draws PILOTIM's Google chain as a PNG for the issue's note."""

import json
from datetime import date, timedelta

import pytest
from a11y import assert_accessible
from sqlmodel import Session, create_engine, select, update


def _acme(tmp_path) -> None:
    """ACME with a US transfer on the Data Privacy Framework alone, made for a client; its DPO a superuser."""
    from registry.models import Organisation, User
    from registry.services import activities, clients, subprocessors, transfers

    engine = create_engine(f"sqlite:///{tmp_path / 'browser.db'}")
    with Session(engine) as session:
        org = session.exec(select(Organisation).where(Organisation.slug == "acme")).one()
        host, _ = subprocessors.create_subprocessor(session, org, {
            "legal_name": "Analytics Example Inc.", "country": "US", "status": "active", "service": "Statistiques",
            "address": "1 Main St, Springfield", "contact_email": "privacy@analytics.example",
            "locations": [{"country": "US"}]}, "test")
        client, _ = clients.create_client(session, org, {"legal_name": "Client Exemple SA", "language": "fr",
                                                         "breach_notice_hours": 48}, "test")
        activity, _ = activities.create_activity(session, org, {
            "reference": "P-STAT", "name": "Statistiques", "role": "processor", "status": "active",
            "purposes": [{"purpose": "Statistiques", "legal_basis": "art6_1_b"}],
            "subprocessor_ids": [host.id], "client_ids": [client.id]}, "test")
        transfers.create_transfer(session, org, {
            "activity_id": activity.id, "recipient": "Analytics Example Inc.", "destination_country": "US",
            "exporter_role": "processor", "importer_role": "processor", "mechanism": "dpf",
            "dpf_checked_on": date(2026, 11, 1)}, "test")
        session.execute(update(User).values(is_superuser=True))
        session.commit()
    engine.dispose()


def _update_file(tmp_path):
    """The shipped law one version and one day newer, with a (made-up) adequacy decision for India."""
    from registry import clock, reference

    current = reference.law()
    adequacy = reference.shipped("adequacy.json")
    today = clock.today("Europe/Paris")
    adequacy["entries"].append({"destination": "IN", "decision": "Hypothetical decision for the test",
                                "date": (today - timedelta(days=6)).isoformat(), "scope": "full", "condition": None,
                                "valid_until": None, "source_url": "https://example.com/decision",
                                "last_checked": today.isoformat()})
    doc = dict(reference.shipped("regimes.json"), version=current.version + 1,
               published=(current.published + timedelta(days=1)).isoformat(), adequacy=adequacy)
    path = tmp_path / "update.json"
    path.write_text(json.dumps(doc), "utf-8")
    return path


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_what_if_and_reference_update_pages_pass_axe_in_both_languages(page, server, tmp_path, artifacts, lang):
    _acme(tmp_path)
    page.goto(f"{server}/lang/{lang}")
    page.goto(f"{server}/orgs/acme/law/what-if")
    page.locator("form[method=get] button[type=submit]").click()
    result = page.locator("#what-if-result")
    text = result.inner_text()
    assert "Analytics Example Inc." in text and "Client Exemple SA" in text
    assert ("Notification des violations sous 48 h" if lang == "fr" else "Breach notice within 48 h") in text
    assert_accessible(page)
    page.screenshot(path=str(artifacts / f"law-what-if-{lang}.png"), full_page=True)
    # A file that is not JSON: refused at its field, the summary focused.
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", "utf-8")
    page.set_input_files("#file", str(bad))
    page.locator("form.upload-form button[type=submit]").click()
    page.locator("#error-summary").wait_for()
    assert ("n'est pas du JSON" if lang == "fr" else "is not JSON") in page.locator("#file-error").inner_text()
    assert_accessible(page)
    # The superusers' page: preview of an update, then Install; the changed verdict lands on ACME's dashboard.
    page.goto(f"{server}/reference/")
    page.set_input_files("#file", str(_update_file(tmp_path)))
    page.locator("form.upload-form button[type=submit]").click()
    page.locator("#preview").wait_for()
    assert_accessible(page)
    page.screenshot(path=str(artifacts / f"law-reference-preview-{lang}.png"), full_page=True)
    page.locator("#preview button[type=submit]").click()
    page.locator(".flash-ok").wait_for()
    assert_accessible(page)


def test_dashboard_lists_a_changed_verdict_until_marked_seen(page, server, tmp_path, artifacts):
    from registry.models import LawChange, Organisation

    engine = create_engine(f"sqlite:///{tmp_path / 'browser.db'}")
    with Session(engine) as session:
        org = session.exec(select(Organisation).where(Organisation.slug == "acme")).one()
        session.add(LawChange(organisation_id=org.id, law_version=2, law_published=date(2026, 12, 8),
                              kind="record_exemption", label="Art. 30(5)", detail={
                                  "regime_before": {"en": "GDPR, Art. 30(5)", "fr": "RGPD, art. 30(5)"},
                                  "regime_after": {"en": "Omnibus IV", "fr": "Omnibus IV"}}))
        session.commit()
    engine.dispose()
    for lang in ("fr", "en"):
        page.goto(f"{server}/lang/{lang}")
        page.goto(f"{server}/orgs/acme/")
        card = page.locator("#board-law")
        assert ("RGPD, art. 30(5)" if lang == "fr" else "GDPR, Art. 30(5)") in card.inner_text()
        assert_accessible(page)
        card.screenshot(path=str(artifacts / f"law-dashboard-{lang}.png"))
    card.locator("button[type=submit]").click()
    page.locator(".flash-ok").wait_for()
    assert page.locator("#board-law").count() == 0


def test_pilotim_google_chain_as_png(browser, sqlite_templates, artifacts):
    """The chain picture of the issue's note, as the browser draws it: Google Ireland (IE) -> Google LLC (US)."""
    from registry.models import Organisation
    from registry.pdf import documents
    from registry.pdf.chain import chain_hops, chain_svg

    engine = create_engine(sqlite_templates["demo"])
    with Session(engine) as session:
        org = session.exec(select(Organisation).where(Organisation.slug == "pilotim")).one()
        snap = documents.load(session, org.id)
        top = next(s for s in snap.subprocessors if s.legal_name == "Google Ireland Limited")
        hops = chain_hops(snap.subprocessors, snap.transfers_by_sub, "en", org.legal_name, roots=[top.id])
        svg = str(chain_svg(hops, "en", "pilotim-google"))
    engine.dispose()
    context = browser.new_context(viewport={"width": 800, "height": 300})
    pg = context.new_page()
    pg.set_content(f"<!doctype html><html lang='en'><title>chain</title><body>{svg}</body></html>")
    pg.locator("svg").screenshot(path=str(artifacts / "pilotim-google-chain.png"))
    context.close()
    assert (artifacts / "pilotim-google-chain.png").stat().st_size > 1000
