"""Planned sub-processor changes through the web pages (Art. 28(2)): PILOTIM adds a new AI provider in the US."""

import io
import json
import re
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from registry import audit
from registry.models import Activity, AuditEntry, ChangeNotice, SubProcessor, SubProcessorChange
from registry.services.organisations import get_by_slug

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
NEW_AI = "Fournisseur IA Démo (fictif)"  # fictional: the demo states nothing about a real company
BASE = "/orgs/pilotim/changes"


def text_of(data: bytes) -> str:
    return re.sub(r"\s+", " ", "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages))


class Pages:
    """The test client with the session's CSRF token, read once from a page that carries a form."""

    def __init__(self, client):
        self.client = client
        self.token = CSRF.search(client.get(f"{BASE}/new").get_data(as_text=True)).group(1)

    def post(self, url, data):
        return self.client.post(url, data={**data, "csrf_token": self.token})

    def get(self, url):
        return self.client.get(url)


@pytest.fixture
def pilotim(demo):
    return get_by_slug(demo, "pilotim")


@pytest.fixture
def dpo(sign_in, pilotim):
    return Pages(sign_in("dpo@pilotim.example.com", "dpo", pilotim))


def s02(session, org) -> Activity:
    return session.execute(select(Activity).where(Activity.organisation_id == org.id,
                                                  Activity.reference == "PIL-S-02")).scalars().one()


def plan_new_ai(pages, session, org, day):
    response = pages.post(f"{BASE}/new", {
        "kind": "add", "subprocessor_id": "", "new_name": NEW_AI, "new_country": "US",
        "new_service": "Génération de textes (démo)", "locations-0-country": "US", "locations-0-kind": "storage",
        "activity_ids": str(s02(session, org).id), "notice_date": day.isoformat(), "default_objection_days": "30",
    })
    assert response.status_code == 302, response.get_data(as_text=True)
    change_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    session.expire_all()
    return session.get(SubProcessorChange, change_id)


def test_pilotim_adds_a_us_ai_provider_through_the_pages(dpo, sign_in, demo, pilotim, clock):
    session, today = demo, clock.now.date()
    change = plan_new_ai(dpo, session, pilotim, today)
    url = f"{BASE}/{change.id}"

    # Its three demo clients are told, each in its own language, with the 30-day default flagged (Art. 28(2)).
    page = dpo.get(url).get_data(as_text=True)
    for name in ("Agence Démo du Beffroi (fictive)", "Immobilière Démo des Flandres (fictive)",
                 "Demo Estates Brussels (fictional)"):
        assert name in page
    assert page.count("30 days<br>") == 3 and "Art. 28(2)" in page
    assert "the contract sets no objection period" in page
    assert change.earliest_effective == today + timedelta(days=30)
    notices = {n.client_id: n for n in change.notices}
    assert sorted(n.language for n in notices.values()) == ["en", "fr", "fr"]
    assert {n.deadline for n in notices.values()} == {today + timedelta(days=30)}

    # The notice to the Brussels client is in English and carries what the CNIL's model clause asks.
    brussels = next(cid for cid, n in notices.items() if n.language == "en")
    pdf = dpo.get(f"{url}/clients/{brussels}/notice.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = text_of(pdf.data)
    deadline = today + timedelta(days=30)
    for expected in ("Prior notice of a change of sub-processor", "Demo Estates Brussels (fictional)", NEW_AI,
                     "PIL-S-02", "United States", "outside the EEA", "Deadline to object",
                     f"{deadline.strftime('%B')} {deadline.day}, {deadline.year}", "dpo@pilotim.com"):
        assert expected in text, expected
    french = next(cid for cid, n in notices.items() if n.language == "fr")
    assert "Information préalable" in text_of(dpo.get(f"{url}/clients/{french}/notice.pdf").data)

    for cid in notices:
        assert dpo.post(f"{url}/clients/{cid}/notice", {f"c{cid}-sent_on": today.isoformat()}).status_code == 302
    refused = dpo.post(f"{url}/effective", {"on": today.isoformat()})
    assert refused.status_code == 409 and "The window to object is still open" in refused.get_data(as_text=True)

    objection = dpo.post(f"{url}/objections", {"client_id": str(brussels), "received_on": today.isoformat(),
                                               "grounds": "Transfer to the US"})
    assert objection.status_code == 302
    effective = today + timedelta(days=30)
    clock.at_noon(effective)
    sign_in("dpo@pilotim.example.com", "dpo", pilotim)  # weeks later the login session has ended: log in again
    blocked = dpo.post(f"{url}/effective", {"on": effective.isoformat()})
    body = blocked.get_data(as_text=True)
    assert blocked.status_code == 409
    assert "Demo Estates Brussels (fictional) objected: record the DPO&#39;s decision on the objection." in body
    session.expire_all()
    assert session.get(SubProcessor, change.subprocessor_id).status == "planned"

    objection_id = session.get(SubProcessorChange, change.id).objections[0].id
    decided = dpo.post(f"{url}/decide", {"objection_id": str(objection_id), f"o{objection_id}-outcome": "overruled",
                                         f"o{objection_id}-decision": "SCC module 3 signées ; option IA résiliable."})
    assert decided.status_code == 302
    assert dpo.post(f"{url}/effective", {"on": effective.isoformat()}).status_code == 302
    session.expire_all()
    sp = session.get(SubProcessor, change.subprocessor_id)
    assert (sp.status, sp.active_from, session.get(SubProcessorChange, change.id).status) == (
        "active", effective, "effective")

    # The auditors' list as of the day before and the day after the effective date.
    def as_of(day):
        response = dpo.get(f"/orgs/pilotim/subprocessors/as-of.json?as_of={day.isoformat()}")
        assert response.status_code == 200
        return json.loads(response.data)

    before, after = as_of(effective - timedelta(days=1)), as_of(effective + timedelta(days=1))
    entry = {e["id"]: e for e in before["subprocessors"]}[sp.id]
    assert (entry["status"], entry["activities"]) == ("planned", [])
    entry = {e["id"]: e for e in after["subprocessors"]}[sp.id]
    assert (entry["status"], entry["activities"], entry["active_from"]) == ("active", ["PIL-S-02"], effective.isoformat())
    assert before["sha256"] != after["sha256"] and after["as_of"] == (effective + timedelta(days=1)).isoformat()
    diff = dpo.get(f"/orgs/pilotim/subprocessors/compare?from={before['as_of']}&to={after['as_of']}")
    assert diff.status_code == 200 and NEW_AI in diff.get_data(as_text=True)
    assert "<td>Planned</td><td>Active</td>" in diff.get_data(as_text=True)
    assert "<td>Used since</td>" in diff.get_data(as_text=True)
    assert audit.verify(session).ok


def test_plan_form_keeps_the_input_and_says_what_is_missing(dpo, demo, pilotim, clock):
    response = dpo.post(f"{BASE}/new", {"kind": "add", "subprocessor_id": "", "new_name": "",
                                        "new_service": "Keep me", "notice_date": clock.now.date().isoformat()})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Pick a planned sub-processor or name a new one below." in body and 'value="Keep me"' in body
    response = dpo.post(f"{BASE}/new", {"kind": "add", "subprocessor_id": "", "new_name": "Nouveau (fictif)",
                                        "notice_date": clock.now.date().isoformat()})
    assert response.status_code == 422 and "name the activities that will use the new sub-processor" in \
        response.get_data(as_text=True)
    demo.expire_all()
    assert demo.scalar(select(func.count()).select_from(SubProcessorChange)) == 0
    assert demo.scalar(select(func.count()).select_from(SubProcessor).where(
        SubProcessor.legal_name == "Nouveau (fictif)")) == 0


def test_posts_without_the_csrf_token_are_refused_and_write_nothing(dpo, demo, pilotim, clock):
    change = plan_new_ai(dpo, demo, pilotim, clock.now.date())
    before = demo.scalar(select(func.count()).select_from(AuditEntry))
    client = dpo.client
    cid = change.notices[0].client_id
    assert client.post(f"{BASE}/new", data={"kind": "add", "new_name": "X", "notice_date": "2026-01-01"}).status_code == 400
    assert client.post(f"{BASE}/{change.id}/clients/{cid}/notice",
                       data={f"c{cid}-sent_on": clock.now.date().isoformat()}).status_code == 400
    assert client.post(f"{BASE}/{change.id}/cancel").status_code == 400
    demo.expire_all()
    assert demo.scalar(select(func.count()).select_from(AuditEntry)) == before
    assert demo.get(ChangeNotice, change.notices[0].id).sent_on is None
    assert demo.get(SubProcessorChange, change.id).status == "planned"


def test_an_auditor_reads_every_page_and_changes_nothing(dpo, sign_in, demo, pilotim, clock):
    change = plan_new_ai(dpo, demo, pilotim, clock.now.date())
    token = dpo.token
    auditor = sign_in("auditor@pilotim.example.com", "auditor", pilotim)
    for url in (f"{BASE}/", f"{BASE}/{change.id}", "/orgs/pilotim/subprocessors/as-of",
                "/orgs/pilotim/subprocessors/as-of.csv?status=planned", "/orgs/pilotim/subprocessors/compare"):
        assert auditor.get(url).status_code == 200, url
    page = auditor.get(f"{BASE}/{change.id}").get_data(as_text=True)
    assert "Make the change effective" not in page and "Record the objection" not in page and NEW_AI in page
    assert "Plan a change" not in auditor.get(f"{BASE}/").get_data(as_text=True)
    before = demo.scalar(select(func.count()).select_from(AuditEntry))
    cid = change.notices[0].client_id
    for url, data in ((f"{BASE}/new", {"kind": "add"}), (f"{BASE}/{change.id}/cancel", {}),
                      (f"{BASE}/{change.id}/clients/{cid}/notice", {f"c{cid}-sent_on": "2026-01-01"}),
                      (f"{BASE}/{change.id}/effective", {"on": clock.now.date().isoformat()})):
        assert auditor.post(url, data={**data, "csrf_token": token}).status_code == 403, url
    demo.expire_all()
    assert demo.scalar(select(func.count()).select_from(AuditEntry)) == before


def test_a_change_of_another_organisation_is_404(dpo, sign_in, demo, pilotim, clock):
    change = plan_new_ai(dpo, demo, pilotim, clock.now.date())
    outsider = sign_in("dpo@apex.example.com", "dpo", get_by_slug(demo, "apex-timing"))
    assert outsider.get(f"/orgs/apex-timing/changes/{change.id}").status_code == 404
    assert outsider.get(f"{BASE}/{change.id}").status_code == 404


def test_a_replacement_through_the_pages_shows_in_the_list_before_and_after(dpo, sign_in, demo, pilotim, clock):
    session, today = demo, clock.now.date()
    old = session.execute(select(SubProcessor).where(SubProcessor.organisation_id == pilotim.id,
                                                     SubProcessor.legal_name == "SMS Factor")).scalars().one()
    response = dpo.post(f"{BASE}/new", {"kind": "replace", "subprocessor_id": "", "new_name": "SMS Démo (fictif)",
                                        "new_country": "FR", "locations-0-country": "FR", "replaces_id": str(old.id),
                                        "notice_date": today.isoformat()})
    assert response.status_code == 302, response.get_data(as_text=True)
    session.expire_all()
    change = session.get(SubProcessorChange, int(response.headers["Location"].rsplit("/", 1)[1]))
    assert change.notices, "the clients of the activities using SMS Factor are told"
    for n in change.notices:
        dpo.post(f"{BASE}/{change.id}/clients/{n.client_id}/notice", {f"c{n.client_id}-sent_on": today.isoformat()})
    effective = change.earliest_effective
    clock.at_noon(effective)
    sign_in("dpo@pilotim.example.com", "dpo", pilotim)  # weeks later the login session has ended: log in again
    assert dpo.post(f"{BASE}/{change.id}/effective", {"on": effective.isoformat()}).status_code == 302

    def statuses(day):
        data = json.loads(dpo.get(f"/orgs/pilotim/subprocessors/as-of.json?as_of={day.isoformat()}").data)
        return {e["legal_name"]: (e["status"], e["activities"]) for e in data["subprocessors"]}

    before, after = statuses(effective - timedelta(days=1)), statuses(effective)
    used = before["SMS Factor"][1]
    assert before["SMS Factor"][0] == "active" and before["SMS Démo (fictif)"] == ("planned", [])
    assert after["SMS Factor"] == ("retired", []) and after["SMS Démo (fictif)"] == ("active", used)
    diff = dpo.get(f"/orgs/pilotim/subprocessors/compare?from={(effective - timedelta(days=1)).isoformat()}"
                   f"&to={effective.isoformat()}").get_data(as_text=True)
    assert "SMS Factor" in diff and "<td>Retired on</td>" in diff


def test_refusals_of_the_detail_forms_keep_the_page_and_say_why(dpo, demo, pilotim, clock):
    change = plan_new_ai(dpo, demo, pilotim, clock.now.date())
    url = f"{BASE}/{change.id}"
    cid = change.notices[0].client_id
    early = (clock.now.date() - timedelta(days=1)).isoformat()
    response = dpo.post(f"{url}/clients/{cid}/notice", {f"c{cid}-sent_on": early})
    assert response.status_code == 409 and f'value="{early}"' in response.get_data(as_text=True)
    assert "the notice cannot be sent before the notice date" in response.get_data(as_text=True)
    missing = dpo.post(f"{url}/objections", {"client_id": str(cid), "grounds": "Kept grounds"})
    assert missing.status_code == 422 and "Give the date the objection was received." in missing.get_data(as_text=True)
    assert "Kept grounds" in missing.get_data(as_text=True)
    future = (clock.now.date() + timedelta(days=40)).isoformat()
    ahead = dpo.post(f"{url}/effective", {"on": future})
    assert ahead.status_code == 409 and "not in advance" in ahead.get_data(as_text=True)
    demo.expire_all()
    assert demo.get(ChangeNotice, change.notices[0].id).sent_on is None
