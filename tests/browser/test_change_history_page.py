"""A planned change's page after its notice was sent and an objection decided, read in Chromium in both
languages: its History names each step in the page's words (no stored code, no ISO date) and passes axe."""

import re

import pytest
from a11y import assert_accessible
from sqlmodel import Session, create_engine
from test_accessibility import _records

from registry import clock

STORED = re.compile(r"\b(planned|notified|pending|overruled|notices|objections|sent_on|decided_on|client_id)\b"
                    r"|\d{4}-\d{2}-\d{2}")
WORDS = {"fr": ("Statut", "Prévu", "Clients informés", "Information envoyée le", "Objection de Client Exemple SA",
                "Issue", "En attente", "Écartée"),
         "en": ("Status", "Planned", "Clients told", "Notice sent on", "Objection of Client Exemple SA",
                "Outcome", "Pending", "Overruled")}


def _told_and_decided(tmp_path, change_id: int) -> None:
    """The change's one client told today, its objection received and overruled: three History rows."""
    from registry.models import ChangeObjectionCreate, SubProcessorChange
    from registry.services import changes

    engine = create_engine(f"sqlite:///{tmp_path / 'browser.db'}")
    with Session(engine) as session:
        change = session.get(SubProcessorChange, change_id)
        today = clock.today("Europe/Paris")
        client_id = change.notices[0].client_id
        changes.record_notice_sent(session, change, client_id, today, "dpo@acme.example.com")
        objection = changes.record_objection(session, change, ChangeObjectionCreate(
            client_id=client_id, received_on=today, grounds="Transfert hors UE"), "dpo@acme.example.com")
        session.flush()
        changes.decide_objection(session, change, objection.id, "overruled", "CCT signées", "dpo@acme.example.com", today)
        session.commit()
    engine.dispose()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_changes_history_reads_in_the_page_language_and_passes_axe(page, server, tmp_path, artifacts, lang):
    ids = _records(tmp_path)
    _told_and_decided(tmp_path, ids["change"])
    if lang == "en":
        page.goto(f"{server}/")
        page.locator("nav.lang").get_by_role("link", name="EN", exact=True).click()
    page.goto(f"{server}/orgs/acme/changes/{ids['change']}")
    history = page.locator("#history").inner_text()
    for word in WORDS[lang]:
        assert word in history, (word, history)
    found = STORED.search(history)
    assert not found, history[max(0, found.start() - 80):found.end() + 20]
    assert_accessible(page)
    page.screenshot(path=str(artifacts / f"change-history-{lang}.png"), full_page=True)
