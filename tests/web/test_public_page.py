"""The public sub-processor page (Art. 28(2)): off by default, and when on only name, service, locations, safeguard."""

import json
import re
from datetime import timedelta
from xml.etree import ElementTree as ET

import pytest

from registry import clock
from registry.models import ChangeObjectionCreate, SubProcessorChangeCreate
from registry.services import changes as svc
from registry.services import subprocessor_public as public

ATOM = "{http://www.w3.org/2005/Atom}"
URLS = ("/public/acme/subprocessors", "/public/acme/subprocessors.json", "/public/acme/changes.atom")
# Every field the register holds about the sub-processor and around it carries a distinctive value; only the
# four public ones may appear.
SHOWN = {"name": 'Shown Name <b>&"', "service": "Shown Service"}
HIDDEN = {
    "trade_name": "LEAK-trade", "address": "LEAK-address", "contact_email": "leak-contact@example.com",
    "dpo_contact": "LEAK-dpo", "dpa_reference": "LEAK-dpa-ref", "certifications": ["LEAK-cert"], "notes": "LEAK-notes",
    "dpa_signed_on": "2019-03-04",
}


@pytest.fixture
def register(session, org, make_subprocessor, make_transfer, make_client, make_activity):
    """ACME with one sub-processor in the US under SCCs, a client, an activity and a planned removal with an objection."""
    sp = make_subprocessor(legal_name=SHOWN["name"], service=SHOWN["service"], country="US",
                           locations=[{"country": "US", "kind": "storage", "site": "LEAK-site"}], **HIDDEN)
    make_transfer(subprocessor_id=sp.id, recipient="LEAK-recipient", destination_country="US", mechanism="scc",
                  scc_module=3, document_reference="LEAK-doc", tia_date="2018-05-06")
    client = make_client(legal_name="LEAK-client", contact_email="leak-client@example.com")
    make_activity(reference="LEAK-ACT", name="LEAK-activity", role="processor", client_ids=[client.id],
                  subprocessor_ids=[sp.id])
    today = clock.today(org.timezone)
    change = svc.plan_change(session, org, SubProcessorChangeCreate(
        kind="remove", subprocessor_id=sp.id, notice_date=today, reason="LEAK-reason"), "test")
    svc.record_objection(session, change, ChangeObjectionCreate(client_id=client.id, received_on=today,
                                                                grounds="LEAK-grounds"), "test")
    svc.record_dpo_decision(session, change, "LEAK-decision", "test")
    session.commit()
    return sp, change


def publish(session, org, on=True):
    org.public_subprocessors = on
    session.commit()


def test_the_public_page_is_off_by_default_and_then_says_nothing(client, org, register):
    assert org.public_subprocessors is False
    for url in (*URLS, "/public/nobody/subprocessors", "/public/nobody/changes.atom"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert b"LEAK" not in response.data and b"Shown" not in response.data


def test_the_public_page_json_and_feed_show_only_the_four_fields(client, session, org, register):
    publish(session, org)
    data = client.get(URLS[1]).get_json()
    assert set(data) == {"organisation", "as_of", "subprocessors"}
    assert data["subprocessors"] == [{"name": SHOWN["name"], "service": SHOWN["service"], "locations": ["US"],
                                      "safeguards": [{"destination": "US", "mechanism": "scc"}]}]
    assert set(data["subprocessors"][0]) == set(public.ENTRY_KEYS)
    for url in URLS:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.get_data(as_text=True)
        assert "LEAK" not in text.upper() and "leak" not in text, (url, re.findall(r".{40}leak.{20}", text, re.I))
        assert "2019" not in text and "2018" not in text  # the DPA and TIA dates stay in the register
    page = client.get(URLS[0]).get_data(as_text=True)
    assert "Shown Name &lt;b&gt;&amp;&#34;" in page and "<b>&" not in page


def test_the_atom_feed_parses_and_lists_the_change_with_a_stable_id(client, session, org, register):
    publish(session, org)
    response = client.get(URLS[2])
    assert response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.data)
    assert feed.tag == f"{ATOM}feed" and feed.find(f"{ATOM}id").text.startswith("urn:uuid:")
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 1
    title = entries[0].find(f"{ATOM}title").text
    assert title == f"Sous-traitant ultérieur retiré : {SHOWN['name']}"  # the name comes back exactly: escaped
    assert entries[0].find(f"{ATOM}updated").text.endswith("Z")
    ids = [e.find(f"{ATOM}id").text for e in entries]
    client.get("/lang/en")
    again = ET.fromstring(client.get(URLS[2]).data)
    assert [e.find(f"{ATOM}id").text for e in again.findall(f"{ATOM}entry")] == ids
    assert again.find(f"{ATOM}entry/{ATOM}title").text == f"Sub-processor removed: {SHOWN['name']}"


def test_a_cancelled_change_and_a_future_notice_stay_out_of_the_feed(client, session, org, register):
    publish(session, org)
    sp, change = register
    svc.cancel_change(session, change, "test")
    svc.plan_change(session, org, SubProcessorChangeCreate(
        kind="change_locations", subprocessor_id=sp.id, notice_date=clock.today(org.timezone) + timedelta(days=5),
        new_locations=[{"country": "CA"}]), "test")
    session.commit()
    assert ET.fromstring(client.get(URLS[2]).data).findall(f"{ATOM}entry") == []


def test_an_admin_turns_the_public_page_on_in_the_settings(as_role, session, org):
    admin = as_role("admin")
    page = admin.get("/orgs/acme/settings").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    settings = {"legal_name": "ACME SAS", "country": "FR", "acts_as": "both", "timezone": "Europe/Paris",
                "version": version, "csrf_token": token}
    assert admin.post("/orgs/acme/settings", data={**settings, "public_subprocessors": "y"}).status_code == 302
    session.refresh(org)
    assert org.public_subprocessors is True
    assert admin.get(URLS[0]).status_code == 200
    assert "/public/acme/subprocessors" in admin.get("/orgs/acme/settings").get_data(as_text=True)
    dpo = as_role("dpo")
    assert dpo.post("/orgs/acme/settings", data={**settings, "public_subprocessors": ""}).status_code == 403


def test_public_json_is_json_safe(client, session, org, register):
    publish(session, org)
    assert json.loads(client.get(URLS[1]).data)["subprocessors"][0]["name"] == SHOWN["name"]


def test_feed_links_follow_the_configured_base_url_never_a_forged_host(app, client, session, org, register):
    publish(session, org)
    app.config["REGISTRY_BASE_URL"] = "https://registre.example.org/rgpd"
    response = client.get(URLS[2], headers={"Host": "evil.example", "X-Forwarded-Host": "evil.example"})
    assert response.status_code == 200 and b"evil.example" not in response.data
    links = [link.get("href") for link in ET.fromstring(response.data).iter(f"{ATOM}link")]
    assert len(links) == 3
    assert set(links) == {"https://registre.example.org/rgpd/public/acme/changes.atom",
                          "https://registre.example.org/rgpd/public/acme/subprocessors"}


def test_without_a_base_url_outside_production_links_name_the_development_server(client, session, org, register):
    publish(session, org)
    response = client.get(URLS[2], headers={"Host": "evil.example"})
    links = {link.get("href") for link in ET.fromstring(response.data).iter(f"{ATOM}link")}
    assert links == {"http://127.0.0.1:5000/public/acme/changes.atom", "http://127.0.0.1:5000/public/acme/subprocessors"}


def test_the_settings_page_shows_the_public_address_on_the_base_url(app, as_role, session, org):
    app.config["REGISTRY_BASE_URL"] = "https://registre.example.org"
    publish(session, org)
    page = as_role("admin").get("/orgs/acme/settings").get_data(as_text=True)  # asked of http://localhost/
    assert "https://registre.example.org/public/acme/subprocessors" in page and "//localhost" not in page


def test_a_clients_notice_link_shows_only_its_change_as_it_concerns_that_client(
        app, client, session, org, register, make_subprocessor, make_client, make_activity):
    """The page a client opens from its notice e-mail (no account): nothing of another client, of another change,
    of an activity it is not party to, nor what the register keeps internal (reason, decisions, references)."""
    from registry.services.notice_links import make_token

    _sp, other_change = register  # a removal with LEAK-client's objection and the DPO's LEAK-decision
    today = clock.today(org.timezone)
    new = make_subprocessor(legal_name="Seen Provider", service="Seen service", status="planned", country="DE",
                            locations=[{"country": "DE", "kind": "storage"}], notes="LEAK-new-notes",
                            dpa_reference="LEAK-new-dpa", contact_email="leak-new@example.com")
    seen, other = make_client(legal_name="Seen Client SA", language="en"), make_client(
        legal_name="LEAK-other-client", contact_email="leak-other@example.com")
    mine = make_activity(reference="SEEN-ACT", name="Seen activity", role="processor", client_ids=[seen.id],
                         description="LEAK-description")
    theirs = make_activity(reference="LEAK-ACT2", name="LEAK-their-activity", role="processor",
                           client_ids=[other.id])
    change = svc.plan_change(session, org, SubProcessorChangeCreate(
        kind="add", subprocessor_id=new.id, activity_ids=[mine.id, theirs.id], notice_date=today,
        reason="LEAK-new-reason"), "test")
    svc.record_objection(session, change, ChangeObjectionCreate(client_id=other.id, received_on=today,
                                                                grounds="LEAK-their-grounds"), "test")
    svc.record_dpo_decision(session, change, "LEAK-new-decision", "test")
    session.commit()
    assert {n.client_id for n in change.notices} == {seen.id, other.id}
    url = f"/notice/{change.id}/{make_token(app.config['SECRET_KEY'], change.id, seen.id)}"
    response = client.get(url)
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Seen Provider" in text and "Seen Client SA" in text and "SEEN-ACT" in text and "Germany" in text
    assert "LEAK" not in text.upper() and "leak" not in text, re.findall(r".{40}leak.{20}", text, re.I)
    assert "Shown Name" not in text  # the other change's sub-processor
    # The same link for the other change, or for the other client, is refused without saying anything.
    for wrong in (f"/notice/{other_change.id}/{url.rsplit('/', 1)[1]}",
                  f"/notice/{change.id}/{make_token('another key', change.id, other.id)}"):
        refused = client.get(wrong)
        assert refused.status_code == 403 and "LEAK" not in refused.get_data(as_text=True).upper()
