"""Requests: the requester's name and contact are read by admins and DPOs only; the requester's category of data
subjects suggests the activities concerned; the daily task purges expired closed requests."""

import html
from datetime import date

import pytest
from sqlalchemy import select

from registry.models import Activity, ClientController, DataRequest
from registry.services import requests as svc
from registry.services.organisations import get_by_slug

BASE = "/orgs/pilotim/requests"
WITHHELD = "Withheld: personal data of the requester"


@pytest.fixture
def pilotim(demo):
    return get_by_slug(demo, "pilotim")


def record(demo, org, **overrides) -> DataRequest:
    values = {"reference": "DSR-P", "received_on": date(2026, 3, 3), "rights": ["access"],
              "requester_name": "Jeanne Exemple", "requester_contact": "jeanne@example.org", **overrides}
    obj, _ = svc.create_request(demo, org, values, "test")
    demo.commit()
    return obj


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return html.unescape(response.get_data(as_text=True))


def test_an_auditor_reads_the_request_but_not_who_made_it(client, auth, demo, pilotim):
    customer = demo.scalars(select(ClientController).where(ClientController.organisation_id == pilotim.id)
                            .order_by(ClientController.id)).first()
    obj = record(demo, pilotim, details="Copy of my invoices", client_id=customer.id)
    auth.as_role("auditor")
    client.get("/lang/en")
    shown = page(client, f"{BASE}/{obj.id}")
    assert "Jeanne" not in shown and "jeanne@example.org" not in shown
    assert shown.count(WITHHELD) == 3  # name, contact, and the requester in the relay message
    assert "Copy of my invoices" in shown and "DSR-P" in shown  # the rest is read
    client.get("/lang/fr")
    assert "Masqué : données personnelles du demandeur" in page(client, f"{BASE}/{obj.id}")


@pytest.mark.parametrize("role", ["admin", "dpo"])
def test_admins_and_dpos_read_the_requester(client, auth, demo, pilotim, role):
    obj = record(demo, pilotim)
    auth.as_role(role)
    client.get("/lang/en")
    shown = page(client, f"{BASE}/{obj.id}")
    assert "Jeanne Exemple" in shown and "jeanne@example.org" in shown and WITHHELD not in shown


def test_the_requesters_category_suggests_the_activities_whose_data_subjects_include_it(client, auth, demo, pilotim):
    acts = demo.scalars(select(Activity).where(Activity.organisation_id == pilotim.id).order_by(Activity.id)).all()
    with_customers, without = acts[:3], acts[3:]
    for a in with_customers:  # the demo's processor activities state no data subjects: give three of them some
        a.data_subjects = [{"code": "customers", "detail": None}, {"code": "users", "detail": None}]
    demo.commit()
    linked = with_customers[0]
    obj = record(demo, pilotim, requester_category="customers", activities=[{"activity_id": linked.id}])
    auth.as_role("dpo")
    client.get("/lang/en")
    shown = page(client, f"{BASE}/{obj.id}")
    section = shown.split('id="suggested-h"', 1)[1].split("</section>", 1)[0]
    for a in with_customers[1:]:
        assert f"{a.reference} · {a.name}" in section
    assert f"{linked.reference} · {linked.name}" not in section  # already linked: not suggested again
    for a in without:
        assert f">{a.reference} · " not in section


def test_a_category_outside_the_vocabulary_is_refused(demo, pilotim):
    with pytest.raises(svc.Invalid) as refused:
        record(demo, pilotim, requester_category="aliens")
    assert "requester_category" in refused.value.errors


def test_the_daily_purge_task_deletes_expired_closed_requests_in_every_organisation_and_keeps_open_ones(
        app, demo, pilotim, clock):
    from registry.jobs import tasks

    clock.at_noon(date(2026, 6, 1))
    other = get_by_slug(demo, "apex-timing")
    record(demo, pilotim, reference="OLD-P", received_on=date(2020, 1, 2), status="answered",
           answered_on=date(2021, 1, 20))  # kept five years after closure: until 20 January 2026
    record(demo, other, reference="OLD-A", received_on=date(2020, 1, 2), status="withdrawn",
           answered_on=date(2021, 5, 31))  # until 31 May 2026: expired the day after
    record(demo, pilotim, reference="OPEN-P", received_on=date(2019, 1, 2))
    record(demo, pilotim, reference="RECENT-P", received_on=date(2025, 1, 2), status="answered",
           answered_on=date(2025, 2, 1))
    assert tasks.purge_expired_requests(app) == {"apex-timing": ["OLD-A"], "pilotim": ["OLD-P"]}
    demo.expire_all()
    left = set(demo.scalars(select(DataRequest.reference)))
    assert left == {"OPEN-P", "RECENT-P"}
    assert tasks.purge_expired_requests(app) == {}  # nothing left to purge: the next day's run deletes nothing
