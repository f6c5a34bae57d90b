"""A refused change speaks the interface language: the service refuses with a message id and its values (a date, a
status code), and the web writes them once, at the boundary — the words from the catalog, the date as every page
writes it, the status by its label. The shell keeps the English words with the stored values."""

import html
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from registry.models import Activity, SubProcessorChange
from registry.services import changes as svc
from registry.services.organisations import get_by_slug

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
BASE = "/orgs/pilotim/changes"
FRENCH_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
                 "novembre", "décembre")


def text_of(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(response.get_data(as_text=True)))


def field_error(response, field_id: str) -> str:
    found = re.search(rf'<p class="error" id="{re.escape(field_id)}-error">(.*?)</p>', response.get_data(as_text=True), re.S)
    assert found, f"no message at {field_id}"
    return html.unescape(found.group(1))


@pytest.fixture
def planned(sign_in, demo, clock):
    """PILOTIM's DPO (French interface) and a planned addition with today as its notice date, planned through the page."""
    org = get_by_slug(demo, "pilotim")
    client = sign_in("dpo@pilotim.example.com", "dpo", org)
    client.get("/lang/fr")
    token = CSRF.search(client.get(f"{BASE}/new").get_data(as_text=True)).group(1)
    s02 = demo.execute(select(Activity).where(Activity.organisation_id == org.id,
                                              Activity.reference == "PIL-S-02")).scalars().one()
    today = clock.now.date()
    response = client.post(f"{BASE}/new", data={
        "csrf_token": token, "kind": "add", "subprocessor_id": "", "new_name": "Fournisseur IA Démo (fictif)",
        "new_country": "US", "locations-0-country": "US", "activity_ids": str(s02.id),
        "notice_date": today.isoformat(), "default_objection_days": "30"})
    assert response.status_code == 302, response.get_data(as_text=True)
    change = demo.execute(select(SubProcessorChange).where(SubProcessorChange.organisation_id == org.id)
                          .order_by(SubProcessorChange.id.desc())).scalars().first()
    return client, token, change, today


def test_a_refused_notice_date_is_told_in_french_with_the_date_in_words(planned):
    client, token, change, today = planned
    cid = change.notices[0].client_id
    day_before = (today - timedelta(days=1)).isoformat()
    response = client.post(f"{BASE}/{change.id}/clients/{cid}/notice",
                           data={"csrf_token": token, f"c{cid}-sent_on": day_before})
    assert response.status_code == 409
    message = field_error(response, f"c{cid}-sent_on")
    notice_day = f"{today.day} {FRENCH_MONTHS[today.month - 1]} {today.year}"
    assert message == f"l'information ne peut pas être envoyée avant la date d'information ({notice_day})"
    page = text_of(response)
    summary = page[page.index('id="error-summary"'):]
    assert message in summary[:summary.index("</div>")]
    assert "cannot be sent" not in page and today.isoformat() not in message


def test_a_refusal_naming_a_status_shows_its_french_label(planned):
    client, token, change, _today = planned
    assert client.post(f"{BASE}/{change.id}/cancel", data={"csrf_token": token}).status_code == 302
    cid = change.notices[0].client_id
    response = client.post(f"{BASE}/{change.id}/clients/{cid}/notice",
                           data={"csrf_token": token, f"c{cid}-sent_on": _today.isoformat()})
    assert response.status_code == 409
    page = text_of(response)
    assert "le changement est « Annulé » : il ne peut plus être modifié" in page
    assert "cancelled" not in page.split('id="error-summary"')[1].split("</div>")[0]


def test_the_same_refusal_in_english_and_in_the_shell(planned):
    client, token, change, today = planned
    client.get("/lang/en")
    cid = change.notices[0].client_id
    response = client.post(f"{BASE}/{change.id}/clients/{cid}/notice",
                           data={"csrf_token": token, f"c{cid}-sent_on": (today - timedelta(days=1)).isoformat()})
    english_day = f"{today:%B} {today.day}, {today.year}"
    assert field_error(response, f"c{cid}-sent_on") == (
        f"the notice cannot be sent before the notice date ({english_day})")
    with pytest.raises(svc.ChangeRefused) as refused:
        svc.record_notice_sent(None, change, cid, today - timedelta(days=1), "test")
    assert refused.value.summary("en", {"sent_on": "--sent-on"}) == (
        f"--sent-on: the notice cannot be sent before the notice date ({today.isoformat()})")
