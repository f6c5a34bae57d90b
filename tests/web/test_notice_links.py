"""A client's notice link (Art. 28(2)): PILOTIM's new US AI provider as each client sees it, its answer recorded
like one the DPO types, and a link that is tampered with, of another change, expired or walked too fast refused
without writing anything."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from registry.models import (
    Activity,
    AuditEntry,
    ChangeNotice,
    ChangeObjection,
    ClientController,
    SubProcessorChange,
    SubProcessorChangeCreate,
    SubProcessorCreate,
)
from registry.services import changes as svc
from registry.services import notice_links as links
from registry.services.organisations import get_by_slug

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
NEW_AI = "Fournisseur IA Démo (fictif)"
BRUSSELS = "Demo Estates Brussels (fictional)"
BEFFROI = "Agence Démo du Beffroi (fictive)"


@pytest.fixture
def pilotim(demo):
    return get_by_slug(demo, "pilotim")


def plan_new_ai(session, org, day, sent=True) -> SubProcessorChange:
    """PILOTIM adds a new AI provider in the US for PIL-S-02, told to its three clients on `day`."""
    sp = svc.propose_subprocessor(session, org, SubProcessorCreate(
        legal_name=NEW_AI, country="US", service="Génération de textes (démo)",
        locations=[{"country": "US", "kind": "storage"}]), "test")
    activity = session.scalar(select(Activity).where(Activity.organisation_id == org.id,
                                                     Activity.reference == "PIL-S-02"))
    change = svc.plan_change(session, org, SubProcessorChangeCreate(
        kind="add", subprocessor_id=sp.id, activity_ids=[activity.id], notice_date=day,
        reason="INTERNAL-reason"), "test")
    if sent:
        for n in change.notices:
            svc.record_notice_sent(session, change, n.client_id, day, "test")
    session.commit()
    return change


def client_id(session, change, name) -> int:
    ids = [n.client_id for n in change.notices]
    return session.scalar(select(ClientController.id).where(ClientController.id.in_(ids),
                                                            ClientController.legal_name == name))


def url_of(app, change_id, cid) -> str:
    return f"/notice/{change_id}/{links.make_token(app.config['SECRET_KEY'], change_id, cid)}"


def state(session) -> tuple:
    """What an answer through a link could write: audit entries, objections, acknowledgements, versions."""
    session.expire_all()
    return (session.scalar(select(func.count()).select_from(AuditEntry)),
            session.scalar(select(func.count()).select_from(ChangeObjection)),
            tuple(session.execute(select(ChangeNotice.id, ChangeNotice.acknowledged_on).order_by(ChangeNotice.id))),
            tuple(session.execute(select(SubProcessorChange.id, SubProcessorChange.version))))


def post(client, url, data):
    token = CSRF.search(client.get(url).get_data(as_text=True)).group(1)
    return client.post(url, data={**data, "csrf_token": token})


def test_each_client_reads_the_change_in_its_language_with_its_own_deadline(app, client, demo, pilotim, clock):
    today = clock.now.date()
    change = plan_new_ai(demo, pilotim, today)
    deadline = today + timedelta(days=30)
    english = client.get(url_of(app, change.id, client_id(demo, change, BRUSSELS)))
    page = english.get_data(as_text=True)
    assert english.status_code == 200 and '<html lang="en">' in page
    assert english.headers["Referrer-Policy"] == "no-referrer" and english.headers["Cache-Control"] == "no-store"
    assert NEW_AI in page and "PIL-S-02" in page and "United States" in page
    assert f"You may object until {deadline.strftime('%B')} {deadline.day}, {deadline.year} inclusive" in page
    assert "Your contract sets no period to object: 30 days apply." in page
    french = client.get(url_of(app, change.id, client_id(demo, change, BEFFROI))).get_data(as_text=True)
    assert '<html lang="fr">' in french and "Vous pouvez présenter des objections jusqu'au" in french
    assert "INTERNAL-reason" not in page + french


def test_an_objection_through_the_link_is_recorded_like_the_dpos_and_blocks_make_effective(
        app, client, demo, pilotim, clock, sign_in):
    today = clock.now.date()
    change = plan_new_ai(demo, pilotim, today)
    brussels = client_id(demo, change, BRUSSELS)
    url = url_of(app, change.id, brussels)
    refused = post(client, url, {"answer": "object", "grounds": "  "})
    assert refused.status_code == 422 and "give the reasons of the objection" in refused.get_data(as_text=True)
    answered = post(client, url, {"answer": "object", "grounds": "Transfer to the US <b>without</b> a TIA"})
    assert answered.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "Your objection is recorded" in page and "Transfer to the US &lt;b&gt;without&lt;/b&gt; a TIA" in page
    demo.expire_all()
    change = demo.get(SubProcessorChange, change.id)
    [objection] = change.objections
    assert (objection.client_id, objection.received_on, objection.outcome) == (brussels, today, "pending")
    entry = demo.scalars(select(AuditEntry).where(AuditEntry.record_type == "subprocessor_change")
                         .order_by(AuditEntry.seq.desc())).first()
    assert entry.actor == f"client via link: {BRUSSELS}"

    # The DPO sees it on the change page; when the window has run the objection still blocks the change.
    clock.travel_to_noon(change.earliest_effective)
    dpo = sign_in("dpo@pilotim.example.com", "dpo", pilotim)
    base = f"/orgs/pilotim/changes/{change.id}"
    detail = dpo.get(base).get_data(as_text=True)
    assert "Transfer to the US &lt;b&gt;without&lt;/b&gt; a TIA" in detail
    token = CSRF.search(detail).group(1)
    blocked = dpo.post(f"{base}/effective", data={"on": change.earliest_effective.isoformat(), "csrf_token": token})
    assert blocked.status_code == 409
    assert f"{BRUSSELS} objected: record the DPO&#39;s decision on the objection." in blocked.get_data(as_text=True)


def test_an_acknowledgement_is_recorded_once_and_shown_on_the_change_page(app, client, demo, pilotim, clock, sign_in):
    today = clock.now.date()
    change = plan_new_ai(demo, pilotim, today)
    beffroi = client_id(demo, change, BEFFROI)
    url = url_of(app, change.id, beffroi)
    assert post(client, url, {"answer": "acknowledge"}).status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "Votre prise de connaissance est enregistrée. Merci." in page and "Vous avez pris acte du changement le" in page
    assert "Je prends acte du changement" not in page  # answered: only the objection stays possible
    before = state(demo)
    assert post(client, url, {"answer": "acknowledge"}).status_code == 302
    assert state(demo) == before  # the first acknowledgement stands
    assert demo.scalar(select(ChangeNotice.acknowledged_on).where(ChangeNotice.client_id == beffroi,
                                                                  ChangeNotice.change_id == change.id)) == today
    detail = sign_in("dpo@pilotim.example.com", "dpo", pilotim).get(f"/orgs/pilotim/changes/{change.id}")
    assert "Acknowledged on" in detail.get_data(as_text=True)


def test_a_tampered_link_or_one_of_another_change_is_refused_and_changes_nothing(app, client, demo, pilotim, clock):
    today = clock.now.date()
    change = plan_new_ai(demo, pilotim, today)
    other = plan_new_ai(demo, pilotim, today, sent=False)
    brussels = client_id(demo, change, BRUSSELS)
    good = url_of(app, change.id, brussels)
    token = good.rsplit("/", 1)[1]
    csrf = CSRF.search(client.get(good).get_data(as_text=True)).group(1)
    before = state(demo)
    forged = links.make_token("not-the-secret-key", change.id, brussels)
    tampered = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    for url in (f"/notice/{change.id}/{tampered}", f"/notice/{change.id}/{forged}", f"/notice/{other.id}/{token}",
                f"/notice/{change.id}/not-a-token", f"/notice/{change.id}/{token[: len(token) // 2]}"):
        for response in (client.get(url), client.post(url, data={"answer": "object", "grounds": "x",
                                                                  "csrf_token": csrf})):
            body = response.get_data(as_text=True)
            assert response.status_code == 403, url
            assert NEW_AI not in body and BRUSSELS not in body
    assert state(demo) == before


def test_after_the_deadline_the_page_says_the_window_closed_and_then_the_link_expires(
        app, client, demo, pilotim, clock):
    today = clock.now.date()
    change = plan_new_ai(demo, pilotim, today)
    url = url_of(app, change.id, client_id(demo, change, BRUSSELS))
    csrf = CSRF.search(client.get(url).get_data(as_text=True)).group(1)
    deadline = today + timedelta(days=30)
    clock.at_noon(deadline + timedelta(days=1))
    before = state(demo)
    page = client.get(url).get_data(as_text=True)
    assert f"The window to object closed on {deadline.strftime('%B')} {deadline.day}, {deadline.year}." in page
    assert "I object to the change" not in page
    late = client.post(url, data={"answer": "object", "grounds": "Too late", "csrf_token": csrf})
    assert late.status_code == 409 and "the window to object closed on" in late.get_data(as_text=True)
    clock.at_noon(deadline + timedelta(days=61))
    expired = client.get(url)
    assert expired.status_code == 410 and "This link has expired" in expired.get_data(as_text=True)
    gone = client.post(url, data={"answer": "object", "grounds": "Too late", "csrf_token": csrf})
    assert gone.status_code == 410
    assert state(demo) == before


def test_links_are_rate_limited_per_address(app, client, demo, pilotim, clock):
    change = plan_new_ai(demo, pilotim, clock.now.date())
    app.config["REGISTRY_NOTICE_LINK_LIMIT"] = 3
    url = url_of(app, change.id, client_id(demo, change, BRUSSELS))
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 200]
    assert client.get(url).status_code == 429
    assert client.get(f"/notice/{change.id}/guess").status_code == 429  # a guess is counted before it is read
    other = client.get(url, environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert other.status_code == 200
    assert client.post("/login", data={"email": "x@example.com", "password": "y"}).status_code != 429
