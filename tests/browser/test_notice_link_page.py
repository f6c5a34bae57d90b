"""A client's notice link read in Chromium, without an account, in the client's language: the change as it concerns
that client, an objection refused without its reasons then recorded, every step passing axe."""

import pytest
from a11y import assert_accessible
from records import planned_replacement
from sqlmodel import Session, create_engine, select

WORDS = {"fr": ("Votre délai pour présenter des objections", "Stockage Exemple Inc.", "P-HOST",
                "Vous pouvez présenter des objections jusqu'au", "indiquez les motifs de l'objection",
                "Votre objection est enregistrée"),
         "en": ("Your deadline to object", "Stockage Exemple Inc.", "P-HOST", "You may object until",
                "give the reasons of the objection", "Your objection is recorded")}


def _link(tmp_path, lang: str) -> str:
    """ACME's planned replacement of its host, told today to its one client, whose language is `lang`."""
    from registry import clock
    from registry.models import Organisation
    from registry.services import changes
    from registry.services.notice_links import make_token

    engine = create_engine(f"sqlite:///{tmp_path / 'browser.db'}")
    with Session(engine) as session:
        org = session.exec(select(Organisation).where(Organisation.slug == "acme")).one()
        made = planned_replacement(session, org, "Stockage Exemple Inc.", "US")
        made.client.language = made.change.notices[0].language = lang
        changes.record_notice_sent(session, made.change, made.client.id, clock.today(org.timezone), "test")
        session.commit()
        path = f"/notice/{made.change.id}/{make_token('browser-test', made.change.id, made.client.id)}"
    engine.dispose()
    return path


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_client_objects_through_its_link_in_its_language_and_the_page_passes_axe(
        browser, server, tmp_path, artifacts, lang):
    path = _link(tmp_path, lang)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)  # to inject axe
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(server + path)
        assert page.locator("html").get_attribute("lang") == lang
        body = page.locator("main").inner_text()
        for word in WORDS[lang][:4]:
            assert word in body, (word, body)
        assert page.locator("nav.orgnav").count() == 0 and page.locator("nav.lang").count() == 0
        assert_accessible(page)
        page.screenshot(path=str(artifacts / f"notice-link-{lang}.png"), full_page=True)

        page.locator("button.primary").click()  # the objection, without its reasons
        assert page.locator("#grounds[aria-invalid=true]").count() == 1
        assert WORDS[lang][4] in page.locator("#error-summary").inner_text()
        assert_accessible(page)

        page.fill("#grounds", "Transfert vers les États-Unis" if lang == "fr" else "Transfer to the United States")
        page.locator("button.primary").click()
        page.wait_for_url(server + path)
        assert WORDS[lang][5] in page.locator("main").inner_text()
        assert_accessible(page)
        page.screenshot(path=str(artifacts / f"notice-link-answered-{lang}.png"), full_page=True)
    finally:
        context.close()
