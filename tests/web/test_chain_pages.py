"""The sub-processor chain on the pages: a hop added under another, loops refused at the field, the picture drawn on
the server with its text escaped, and onward transfers belonging to the hop that makes them."""

import html
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from registry.models import ClientController, SubProcessor
from registry.services.organisations import get_by_slug

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def demo_dpo(demo, auth):
    assert auth.login("dpo@demo.example.com", "demo-dpo-password").status_code == 302
    auth.client.get("/lang/en")
    return auth.client


def svg_of(page: str) -> str:
    return re.search(r"<svg .*?</svg>", page, re.S).group(0)


def by_name(session, slug, name):
    org = get_by_slug(session, slug)
    return session.execute(select(SubProcessor).where(SubProcessor.organisation_id == org.id,
                                                      SubProcessor.legal_name == name)).scalar_one()


def test_pilotim_google_chain_is_drawn_with_levels_country_and_safeguard(demo_dpo, demo):
    google = by_name(demo, "pilotim", "Google Ireland Limited")
    page = html.unescape(demo_dpo.get(f"/orgs/pilotim/subprocessors/{google.id}").get_data(as_text=True))
    svg = svg_of(page)
    assert 'role="img"' in svg and "<title id=" in svg and "<desc id=" in svg and "<script" not in svg
    assert "Google Ireland Limited · Ireland" in svg and "Google LLC · United States" in svg
    assert "Level 2 · United States · United States: Standard contractual clauses" in svg
    assert "Exporter Google Ireland Limited" in svg  # the onward transfer is Google Ireland's, told in the description
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "pilotim-google-chain.svg").write_text(svg, encoding="utf-8")
    # The level-2 hop's own page shows the same chain and its flags: never told to the clients, never confirmed.
    llc = by_name(demo, "pilotim", "Google LLC")
    page = html.unescape(demo_dpo.get(f"/orgs/pilotim/subprocessors/{llc.id}").get_data(as_text=True))
    assert "The clients have not been informed of this level 2 sub-processor." in page
    assert "Address of the level 2 sub-processor not recorded." in page and "EDPB Opinion 22/2024" in page


def test_client_page_draws_the_chain_that_handles_its_data_in_french(demo, auth):
    assert auth.login("dpo@demo.example.com", "demo-dpo-password").status_code == 302
    auth.client.get("/lang/fr")
    org = get_by_slug(demo, "pilotim")
    client = demo.execute(select(ClientController).where(ClientController.organisation_id == org.id)
                          .order_by(ClientController.id)).scalars().first()
    page = html.unescape(auth.client.get(f"/orgs/pilotim/clients/{client.id}").get_data(as_text=True))
    svg = svg_of(page)
    assert "Google LLC · États-Unis" in svg and "Niveau 2" in svg and "Clauses contractuelles types" in svg
    assert "OVH" in svg and "Chaîne de sous-traitance" not in page.split("<svg")[0][-50:]  # French labels below
    assert "exporté par Google Ireland Limited" in page


def test_a_hop_is_added_under_another_and_a_loop_is_refused_at_the_field(forms, org, make_subprocessor):
    top = make_subprocessor(legal_name="Cloud Europe SA")
    data = {"parent_id": str(top.id), "legal_name": "Cloud Inc.", "country": "US", "status": "active",
            "locations-0-country": "US", "locations-0-kind": "storage"}
    assert forms.submit("/orgs/acme/subprocessors/new", data, form_url=f"/orgs/acme/subprocessors/new?parent_id={top.id}"
                        ).status_code == 302
    page = forms.client.get(f"/orgs/acme/subprocessors/{top.id}").get_data(as_text=True)
    assert "Cloud Inc." in svg_of(page) and "Level 2" in page
    # The top hop cannot be put under its own sub-processor: the choice is not even offered, and a forged one is refused.
    form = forms.client.get(f"/orgs/acme/subprocessors/{top.id}/edit").get_data(as_text=True)
    options = re.search(r'<select[^>]*name="parent_id".*?</select>', form, re.S).group(0)
    assert "Cloud Inc." not in options and "Cloud Europe SA" not in options
    below = re.search(r'href="/orgs/acme/subprocessors/(\d+)">Cloud Inc\.', page).group(1)
    edit = {"parent_id": below, "legal_name": "Cloud Europe SA", "country": "FR", "status": "active",
            "locations-0-country": "FR", "locations-0-kind": "storage"}
    refused = forms.submit(f"/orgs/acme/subprocessors/{top.id}/edit", edit)
    assert refused.status_code == 422 and 'id="parent_id-error"' in refused.get_data(as_text=True)


def test_the_service_refuses_a_loop_whatever_the_form_offered(session, org, make_subprocessor):
    from registry.services.crud import Invalid
    from registry.services.subprocessors import update_subprocessor

    top = make_subprocessor(legal_name="Cloud Europe SA")
    mid = make_subprocessor(legal_name="Cloud Inc.", parent_id=top.id)
    low = make_subprocessor(legal_name="Edge Ltd", parent_id=mid.id)
    with pytest.raises(Invalid) as refused:
        update_subprocessor(session, org, top, {"legal_name": top.legal_name, "parent_id": low.id}, "test")
    assert list(refused.value.errors) == ["parent_id"]
    session.rollback()
    assert session.get(SubProcessor, top.id).parent_id is None


def test_deleting_a_hop_with_hops_below_is_blocked(forms, org, make_subprocessor):
    top = make_subprocessor(legal_name="Cloud Europe SA")
    make_subprocessor(legal_name="Cloud Inc.", parent_id=top.id)
    page = forms.client.get(f"/orgs/acme/subprocessors/{top.id}/delete").get_data(as_text=True)
    assert "Sub-processor: Cloud Inc." in html.unescape(page)


def test_onward_transfer_must_be_exported_by_a_processor(forms, org, make_subprocessor):
    top = make_subprocessor(legal_name="Cloud Europe SA")
    below = make_subprocessor(legal_name="Cloud Inc.", parent_id=top.id, country="US", locations=[{"country": "US"}])
    data = {"subprocessor_id": str(below.id), "recipient": "Cloud Inc.", "destination_country": "US",
            "exporter_role": "controller", "importer_role": "processor", "mechanism": "scc", "scc_module": "2"}
    page = forms.submit("/orgs/acme/transfers/new", data)
    assert page.status_code == 422
    assert "exported by a processor" in page.get_data(as_text=True)


def test_chain_text_is_escaped_in_the_picture(forms, org, make_subprocessor):
    top = make_subprocessor(legal_name='<script>alert(1)</script> & "Co"')
    page = forms.client.get(f"/orgs/acme/subprocessors/{top.id}").get_data(as_text=True)
    svg = svg_of(page)
    assert "<script>" not in svg and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#x27;" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;" in svg


def test_public_page_shows_the_chain_only_when_an_admin_turns_it_on(client, session, org, make_subprocessor):
    org.public_subprocessors = True
    session.commit()
    top = make_subprocessor(legal_name="Cloud Europe SA")
    make_subprocessor(legal_name="Cloud Inc.", parent_id=top.id, country="US", locations=[{"country": "US"}])
    names = [e["name"] for e in client.get("/public/acme/subprocessors.json").get_json()["subprocessors"]]
    assert names == ["Cloud Europe SA"]
    org.public_subprocessor_chain = True
    session.commit()
    entries = client.get("/public/acme/subprocessors.json").get_json()["subprocessors"]
    assert [(e["name"], e["engaged_by"]) for e in entries] == [("Cloud Europe SA", None), ("Cloud Inc.", "Cloud Europe SA")]


def test_transfers_list_names_the_hop_that_exports_an_onward_transfer(demo_dpo):
    page = html.unescape(demo_dpo.get("/orgs/pilotim/transfers/").get_data(as_text=True))
    assert "Google Ireland Limited → Google LLC" in page  # Google Ireland's transfer, not PILOTIM's
    assert "→ OpenAI, L.L.C." not in page  # PILOTIM's own: no hop above
