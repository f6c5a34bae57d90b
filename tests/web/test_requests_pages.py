"""Data-subject requests: a PILOTIM client's request recorded, relayed and answered; roles, scoping and the purge."""

import html
import re
from datetime import date

import pytest
from sqlalchemy import select

from registry.models import Activity, ActivityClientLink, AuditEntry, ClientController, DataRequest
from registry.services import requests as svc
from registry.services.organisations import get_by_slug
from tests.web.test_language_leaks import messages, readable  # noqa: F401  (the catalog fixture of that test)

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
VERSION = re.compile(r'name="version" type="hidden" value="(\d+)"')
BASE = "/orgs/pilotim/requests"


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def words(page: str) -> str:
    """The text a person reads: tags removed, spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page))


def token(client, url: str) -> str:
    page = client.get(url)
    assert page.status_code == 200, (url, page.status_code)
    return TOKEN.search(page.get_data(as_text=True)).group(1)


@pytest.fixture
def pilotim(demo):
    return get_by_slug(demo, "pilotim")


@pytest.fixture
def client_activity(demo, pilotim):
    """A processor activity of PILOTIM carried out for one of its clients, and that client."""
    link = demo.execute(select(ActivityClientLink).join(Activity, Activity.id == ActivityClientLink.activity_id)
                        .where(Activity.organisation_id == pilotim.id).order_by(Activity.id)).scalars().first()
    return demo.get(Activity, link.activity_id), demo.get(ClientController, link.client_id)


def record(demo, org, **overrides) -> DataRequest:
    values = {"reference": "DSR-1", "received_on": date(2026, 3, 3), "rights": ["access"], **overrides}
    obj, _ = svc.create_request(demo, org, values, "test")
    demo.commit()
    return obj


def test_dpo_records_a_clients_request_relays_it_and_records_the_clients_answer(client, auth, demo, pilotim,
                                                                               client_activity):
    activity, customer = client_activity
    auth.as_role("dpo")
    client.get("/lang/en")
    page = client.post(f"{BASE}/new", data={
        "csrf_token": token(client, f"{BASE}/new"), "reference": "DSR-2026-01", "received_on": "2025-12-31",
        "channel": "email", "client_id": str(customer.id), "rights": ["erasure"],
        "activities-0-activity_id": str(activity.id), "requester_name": "Jeanne Exemple",
        "requester_contact": "jeanne@example.org", "status": "open",
    })
    assert page.status_code == 302, text(page)
    obj = demo.scalars(select(DataRequest).where(DataRequest.reference == "DSR-2026-01")).one()
    assert obj.client_id == customer.id and [a.activity_id for a in obj.activity_links] == [activity.id]

    detail = text(client.get(f"{BASE}/{obj.id}"))
    # Both clocks side by side: the client's forwarding delay (its contract states none) and the controller's month.
    assert f"Forwarding to {customer.legal_name} (its contract)" in detail
    assert "Not stated in the client's contract" in detail
    assert "Controller's answer (Art. 12(3)), counted from our receipt" in detail
    assert "February 2, 2026" in detail  # 31 January 2026 is a Saturday
    # The message is in the client's language, whatever the reader's.
    lang_marker = "Objet : demande d'exercice" if customer.language == "fr" else "Subject: data-subject request"
    assert lang_marker in detail and "Jeanne Exemple" in detail
    assert "Not forwarded yet" in detail

    forwarded = client.post(f"{BASE}/{obj.id}/forward", data={
        "csrf_token": token(client, f"{BASE}/{obj.id}"), "forwarded_on": "2026-01-02"})
    assert forwarded.status_code == 302
    demo.expire_all()
    assert demo.get(DataRequest, obj.id).forwarded_on == date(2026, 1, 2)
    assert "Forwarded on January 2, 2026" in text(client.get(f"{BASE}/{obj.id}"))

    edit_page = client.get(f"{BASE}/{obj.id}/edit").get_data(as_text=True)
    answered = client.post(f"{BASE}/{obj.id}/edit", data={
        "csrf_token": TOKEN.search(edit_page).group(1), "version": VERSION.search(edit_page).group(1),
        "reference": "DSR-2026-01", "received_on": "2025-12-31", "channel": "email", "client_id": str(customer.id),
        "rights": ["erasure"], "activities-0-activity_id": str(activity.id), "activities-0-measure": "erased",
        "requester_name": "Jeanne Exemple", "requester_contact": "jeanne@example.org",
        "status": "answered", "answered_on": "2026-01-20", "answer_summary": "Erased by the client",
        "forwarded_on": "2026-01-02", "client_answered_on": "2026-01-15", "client_answer": "Please erase.",
        "assistance": "Account and history erased on the client's instruction.",
    })
    assert answered.status_code == 302, text(answered)
    demo.expire_all()
    saved = demo.get(DataRequest, obj.id)
    assert saved.client_answered_on == date(2026, 1, 15) and saved.activity_links[0].measure == "erased"
    assert saved.status == "answered"
    # The audit trail records the change but never the requester's name or contact.
    entries = demo.scalars(select(AuditEntry).where(AuditEntry.record_type == "data_request",
                                                    AuditEntry.record_id == obj.id)).all()
    assert len(entries) == 3
    assert all("jeanne" not in str(e.before).lower() + str(e.after).lower() for e in entries)


def test_auditor_reads_requests_but_cannot_write(client, auth, demo, pilotim):
    obj = record(demo, pilotim)
    auth.as_role("auditor")
    assert client.get(f"{BASE}/").status_code == 200
    assert client.get(f"{BASE}/{obj.id}").status_code == 200
    assert client.get(f"{BASE}/new").status_code == 403
    assert client.get(f"{BASE}/{obj.id}/edit").status_code == 403
    csrf = {"csrf_token": TOKEN.search(client.get("/login").get_data(as_text=True)).group(1)}
    assert "Forward to the client" not in text(client.get(f"{BASE}/{obj.id}"))
    assert client.post(f"{BASE}/{obj.id}/forward", data=csrf).status_code == 403
    assert client.post(f"{BASE}/{obj.id}/delete", data=csrf).status_code == 403
    assert client.post(f"{BASE}/new", data={**csrf, "reference": "X"}).status_code == 403


def test_another_organisations_request_is_a_404(client, auth, demo, pilotim):
    other = get_by_slug(demo, "apex-timing") or get_by_slug(demo, "art-zone")
    obj = record(demo, other, reference="ELSEWHERE")
    auth.as_role("dpo")  # a DPO of PILOTIM only
    assert client.get(f"{BASE}/{obj.id}").status_code == 404
    assert client.get(f"/orgs/{other.slug}/requests/{obj.id}").status_code == 404
    assert client.get(f"{BASE}/{obj.id}/edit").status_code == 404


def test_the_form_refuses_a_refusal_without_its_ground_at_the_field(client, auth, demo, pilotim):
    auth.as_role("dpo")
    client.get("/lang/en")
    page = client.post(f"{BASE}/new", data={
        "csrf_token": token(client, f"{BASE}/new"), "reference": "DSR-9", "received_on": "2026-03-03",
        "channel": "letter", "rights": ["access"], "status": "refused", "answered_on": "2026-03-10"})
    assert page.status_code == 422
    assert "A refusal states its ground (Art. 12(4))." in text(page)
    assert demo.scalars(select(DataRequest).where(DataRequest.reference == "DSR-9")).first() is None


def test_purge_removes_an_expired_closed_request_and_keeps_an_open_one(runner, demo, pilotim):
    old = record(demo, pilotim, reference="OLD", received_on=date(2019, 1, 2), status="answered",
                 answered_on=date(2019, 1, 20), requester_name="Ancien Demandeur")
    recent = record(demo, pilotim, reference="RECENT", received_on=date(2025, 1, 2), status="answered",
                    answered_on=date(2025, 1, 20))
    still_open = record(demo, pilotim, reference="OPEN", received_on=date(2019, 1, 2))
    ids = (old.id, recent.id, still_open.id)
    result = runner.invoke(args=["requests", "purge", "--org", "pilotim"])
    assert result.exit_code == 0, result.output
    assert "OLD" in result.output
    demo.expire_all()
    assert demo.get(DataRequest, ids[0]) is None
    assert demo.get(DataRequest, ids[1]) is not None and demo.get(DataRequest, ids[2]) is not None
    gone = demo.scalars(select(AuditEntry).where(AuditEntry.record_type == "data_request",
                                                 AuditEntry.record_id == ids[0], AuditEntry.action == "delete")).one()
    assert "Ancien" not in str(gone.before)


def test_dashboard_lists_open_requests_beside_the_breach_clocks_and_counts_their_flags_as_the_list(
        client, auth, demo, pilotim, clock):
    clock.at_noon(date(2026, 1, 28))
    soon = record(demo, pilotim, reference="SOON", received_on=date(2025, 12, 31))  # due Monday 2 February 2026
    late = record(demo, pilotim, reference="LATE", received_on=date(2025, 11, 3))  # due 3 December 2025
    record(demo, pilotim, reference="DONE", received_on=date(2025, 11, 3), status="answered",
           answered_on=date(2025, 11, 20))
    auth.as_role("auditor")
    client.get("/lang/en")
    board = text(client.get("/orgs/pilotim/"))
    assert f'href="/orgs/pilotim/requests/{soon.id}"' in board and f'href="/orgs/pilotim/requests/{late.id}"' in board
    assert "Due on February 2, 2026 · Due within 7 days" in words(board)
    assert "Due on December 3, 2025 · Overdue" in words(board)
    assert "DONE" not in re.search(r'id="board-deadlines".*?</section>', board, re.S).group(0)
    # The card's count of flagged requests is the number of rows the list shows as flagged.
    card = re.search(r'id="board-requests-title">.*?<a class="count"[^>]*>(\d+)', board, re.S).group(1)
    listed = text(client.get(f"{BASE}/?flagged=1"))
    assert int(card) == 2 and "2 records" in listed and "SOON" in listed and "LATE" in listed and "DONE" not in listed

    french = text(client.get("/lang/fr") and client.get("/orgs/pilotim/"))
    assert "Due le 2 février 2026 · Due dans les 7 jours" in words(french)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_request_pages_show_no_text_of_the_other_language(client, auth, demo, pilotim, client_activity,
                                                          messages, lang):  # noqa: F811 (the imported fixture)
    activity, customer = client_activity
    relayed = record(demo, pilotim, reference="DSR-L", client_id=customer.id, forwarded_on=date(2026, 3, 4),
                     extended=True, extension_decided_on=date(2026, 3, 20), extension_reasons="Volume",
                     activities=[{"activity_id": activity.id, "measure": "exported"}])
    refused = record(demo, pilotim, reference="DSR-R", status="refused", answered_on=date(2026, 3, 10),
                     refusal_ground="excessive")
    auth.as_role("admin")
    client.get(f"/lang/{lang}")
    other = "en" if lang == "fr" else "fr"
    leaks, own = {}, set()
    for url in (f"{BASE}/", f"{BASE}/new", f"{BASE}/{relayed.id}", f"{BASE}/{relayed.id}/edit", f"{BASE}/{refused.id}",
                "/orgs/pilotim/", "/orgs/pilotim/settings", f"{BASE}/{relayed.id}/letter",
                f"{BASE}/{refused.id}/letter?kind=refusal"):
        response = client.get(url)
        assert response.status_code == 200, url
        # The relay message is written in the client's language, whatever the reader's; the letter's in its own.
        page = readable(re.sub(r'<textarea (id="relay-message"|[^>]*name="text").*?</textarea>', "",
                               response.get_data(as_text=True), flags=re.S))
        found = sorted(f for f in messages[lang] if f in page)
        if found:
            leaks[url] = found
        own |= {f for f in messages[other] if f in page}
    assert len(own) > 30
    assert leaks == {}
