"""What the register tells a French DPO in Chromium is true and readable: styled error pages with a way back, a
comparison opened from the as-of page in the right order, and the notice date the form offers at 00:30 in Paris."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from a11y import assert_accessible
from playwright.sync_api import expect
from records import planned_replacement
from sqlmodel import Session, create_engine, select

from registry import clock

PARIS = ZoneInfo("Europe/Paris")
HALF_PAST_MIDNIGHT = datetime(2026, 6, 15, 0, 30, tzinfo=PARIS)  # 22:30 UTC on 14 June


def _session(tmp_path) -> Session:
    return Session(create_engine(f"sqlite:///{tmp_path / 'browser.db'}"))


def _acme(session):
    from registry.models import Organisation

    return session.exec(select(Organisation).where(Organisation.slug == "acme")).one()


def _two_subprocessors(tmp_path) -> list[str]:
    """Two sub-processors recorded today, straight into the served database (the server fixture's SQLite file)."""
    from registry.services import subprocessors

    names = ["Hébergeur Exemple SAS", "Routage Courriel SARL"]
    with _session(tmp_path) as session:
        org = _acme(session)
        for name in names:
            subprocessors.create_subprocessor(session, org, {
                "legal_name": name, "country": "FR", "status": "active", "dpa_signed_on": "2025-01-15",
                "locations": [{"country": "FR"}]}, "test")
        session.commit()
    return names


def _planned_change(tmp_path) -> tuple[int, int]:
    """A replacement of a client's host, planned with today's date (the organisation's today) as its notice date."""
    with _session(tmp_path) as session:
        made = planned_replacement(session, _acme(session), "Stockage Exemple SAS", "FR")
        session.commit()
        return made.change.id, made.client.id


def test_forbidden_and_missing_pages_are_styled_french_pages_with_a_way_back(page, server, artifacts):
    page.goto(f"{server}/orgs/acme/")
    board = page.url
    # The DPO is not an administrator: the members page is refused.
    response = page.goto(f"{server}/orgs/acme/members/", referer=board)
    assert response.status == 403
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator("h1").inner_text() == "Action non autorisée"
    assert "Forbidden" not in page.content()
    assert page.locator("nav").first.is_visible()  # the layout, with its menus, not a bare server page
    assert "dpo" in page.locator("main").inner_text().lower()  # says the role and who can change it
    assert_accessible(page)
    page.screenshot(path=str(artifacts / "error-403-fr.png"), full_page=True)
    page.get_by_role("link", name="Retour à la page précédente").click()
    assert page.url == board

    response = page.goto(f"{server}/orgs/acme/activities/987654", referer=board)
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Page introuvable"
    assert "Not Found" not in page.content()
    assert_accessible(page)
    page.screenshot(path=str(artifacts / "error-404-fr.png"), full_page=True)
    page.get_by_role("link", name="Retour au tableau de bord de ACME SAS").click()
    assert page.url == board
    assert_accessible(page)

    response = page.goto(f"{server}/no/such/page")
    assert response.status == 404 and page.locator("h1").inner_text() == "Page introuvable"
    page.get_by_role("link", name="Retour à l'accueil").click()
    assert page.url == f"{server}/"


def test_comparing_from_the_as_of_page_to_a_past_date_reports_additions_as_additions(page, server, tmp_path, artifacts):
    names = _two_subprocessors(tmp_path)
    past = clock.today("Europe/Paris") - timedelta(days=30)
    page.goto(f"{server}/orgs/acme/subprocessors/as-of")
    assert_accessible(page)
    page.get_by_role("link", name="Comparer deux dates").click()  # from = the as-of date, today
    assert page.locator("#from").input_value() == clock.today("Europe/Paris").isoformat()
    page.fill("#to", past.isoformat())
    page.get_by_role("button", name="Comparer", exact=True).click()

    notice = page.locator("p.notice[role=status]")
    assert "ordre inverse" in notice.inner_text()
    assert page.locator("#from").input_value() == past.isoformat()  # the range is shown as it was compared
    added = page.locator("section", has=page.get_by_role("heading", name="Ajoutés")).inner_text()
    removed = page.locator("section", has=page.get_by_role("heading", name="Retirés")).inner_text()
    assert all(n in added for n in names) and not any(n in removed for n in names)
    assert_accessible(page)
    page.screenshot(path=str(artifacts / "compare-swapped-fr.png"), full_page=True)


@pytest.fixture
def half_past_midnight_in_paris():
    """The app's one clock standing still at 00:30 in Paris (still the 14th in UTC), for the server and the test."""
    from registry import clock

    clock.set_now(HALF_PAST_MIDNIGHT, ticking=False)
    yield HALF_PAST_MIDNIGHT
    clock.reset()


def test_the_notice_date_offered_at_half_past_midnight_is_accepted_and_a_wrong_one_is_told_in_french(
        half_past_midnight_in_paris, page, server, tmp_path, artifacts):
    assert half_past_midnight_in_paris.astimezone(UTC).date() == date(2026, 6, 14)
    change_id, client_id = _planned_change(tmp_path)
    url = f"{server}/orgs/acme/changes/{change_id}"
    page.goto(url)
    assert_accessible(page)
    sent_on = page.locator(f"#c{client_id}-sent_on")
    assert sent_on.input_value() == "2026-06-15"  # the organisation's today, the change's notice date
    form = page.locator(f"form[action$='/clients/{client_id}/notice']")
    form.get_by_role("button", name="Enregistrer").click()
    assert page.url == url
    assert page.locator("#error-summary").count() == 0
    assert "Envoi enregistré." in page.locator("main").inner_text()
    assert "Envoyée le" in page.locator("main").inner_text()
    assert_accessible(page)

    page.fill(f"#c{client_id}-sent_on", "2026-06-14")  # the day before the notice date: truly refused
    page.locator(f"form[action$='/clients/{client_id}/notice']").get_by_role("button", name="Enregistrer").click()
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()  # focused once the refused page has loaded: read first, wherever the form is
    assert summary.is_visible()
    assert summary.bounding_box()["y"] < page.locator(f"#c{client_id}-sent_on").bounding_box()["y"]
    message = page.locator(f"#c{client_id}-sent_on-error").inner_text()
    assert "ne peut pas être envoyée avant la date d'information" in message and "cannot" not in message
    assert message.split("(")[0].strip() in summary.inner_text()
    assert page.locator(f"#c{client_id}-sent_on").get_attribute("aria-invalid") == "true"
    assert_accessible(page)
    page.screenshot(path=str(artifacts / "change-notice-refused-fr.png"), full_page=True)

    page.locator("nav.lang").get_by_role("link", name="EN", exact=True).click()
    page.goto(url)
    page.fill(f"#c{client_id}-sent_on", "2026-06-14")
    page.locator(f"form[action$='/clients/{client_id}/notice']").get_by_role("button", name="Record").click()
    expect(page.locator("#error-summary")).to_be_focused()
    assert "cannot be sent before the notice date" in page.locator(f"#c{client_id}-sent_on-error").inner_text()
    assert_accessible(page)
    page.screenshot(path=str(artifacts / "change-notice-refused-en.png"), full_page=True)
