"""Flags of the domain rules on lists, detail pages and the dashboard, each with its article and a link to the fix."""

import re

import pytest


@pytest.fixture
def demo_dpo(demo, sign_in):
    """The demo register, with the client signed in as the demo DPO account, in English."""
    from registry.services.organisations import get_by_slug

    client = None
    for slug in SLUGS:
        client = sign_in("dpo@demo.example.com", "dpo", get_by_slug(demo, slug))
    return client


SLUGS = ("pilotim", "apex-timing", "ginger-minds", "defi-informatique", "art-zone")


def test_us_processing_location_is_flagged_on_the_subprocessor_and_fixed_by_recording_the_transfer(forms, org, make_subprocessor):
    sp = make_subprocessor(legal_name="Cloud Inc.", country="US", locations=[{"country": "US"}], dpa_signed_on="2024-01-01")
    page = forms.client.get(f"/orgs/acme/subprocessors/{sp.id}").get_data(as_text=True)
    assert 'data-code="location_needs_safeguards"' in page
    assert "Data processed in United States with no covering transfer recorded." in page and "Art. 44; Art. 46(1)" in page
    fix = re.search(r'<a class="fix" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert fix.startswith("/orgs/acme/transfers/new?") and "destination_country=US" in fix and f"subprocessor_id={sp.id}" in fix
    form = forms.client.get(fix).get_data(as_text=True)
    assert '<option selected value="US">' in form and 'value="Cloud Inc."' in form
    data = {"subprocessor_id": str(sp.id), "recipient": "Cloud Inc.", "destination_country": "US", "exporter_role": "processor",
            "importer_role": "processor", "mechanism": "scc", "scc_module": "3", "tia_date": "2025-01-10",
            "document_reference": "DPA annex 3"}
    assert forms.submit("/orgs/acme/transfers/new", data, form_url=fix).status_code == 302
    page = forms.client.get(f"/orgs/acme/subprocessors/{sp.id}").get_data(as_text=True)
    assert "location_needs_safeguards" not in page


def test_lists_show_per_row_flags_and_can_keep_flagged_rows_only(en, org, make_subprocessor):
    make_subprocessor(legal_name="Signed EU", dpa_signed_on="2024-01-01")
    make_subprocessor(legal_name="Unsigned EU")
    page = en.get("/orgs/acme/subprocessors/").get_data(as_text=True)
    assert page.count('class="flagcount') == 1 and "No signed data processing agreement" in page
    flagged = en.get("/orgs/acme/subprocessors/?flagged=1").get_data(as_text=True)
    assert "Unsigned EU" in flagged and "Signed EU<" not in flagged and "1 record" in flagged


def test_list_and_dashboard_flags_follow_each_saved_change(forms, org, make_subprocessor):
    """Flags are kept between requests; a save must show at once on the list and the dashboard, not later."""
    sp = make_subprocessor(legal_name="Cloud Inc.", country="US", locations=[{"country": "US"}], dpa_signed_on="2024-01-01")
    for url in ("/orgs/acme/subprocessors/", "/orgs/acme/"):
        assert "Data processed in United States with no covering transfer recorded." in forms.client.get(url).get_data(as_text=True)
    data = {"subprocessor_id": str(sp.id), "recipient": "Cloud Inc.", "destination_country": "US", "exporter_role": "processor",
            "importer_role": "processor", "mechanism": "scc", "scc_module": "3", "tia_date": "2025-01-10"}
    assert forms.submit("/orgs/acme/transfers/new", data).status_code == 302
    for url in ("/orgs/acme/subprocessors/", "/orgs/acme/"):
        assert "no covering transfer" not in forms.client.get(url).get_data(as_text=True)
    assert forms.client.get("/orgs/acme/subprocessors/?flagged=1").get_data(as_text=True).count("Cloud Inc.") == 0


def test_a_save_computes_the_flags_it_changed_so_the_next_list_finds_them(app, forms, org, make_subprocessor):
    sp = make_subprocessor(legal_name="Cloud Inc.", country="US", locations=[{"country": "US"}], dpa_signed_on="2024-01-01")
    make_subprocessor(legal_name="Other EU", dpa_signed_on="2024-01-01")
    assert "no covering transfer" in forms.client.get("/orgs/acme/subprocessors/").get_data(as_text=True)
    cache = app.extensions["registry.flag_cache"]
    data = {"subprocessor_id": str(sp.id), "recipient": "Cloud Inc.", "destination_country": "US", "exporter_role": "processor",
            "importer_role": "processor", "mechanism": "scc", "scc_module": "3", "tia_date": "2025-01-10"}
    computed = cache.computed
    assert forms.submit("/orgs/acme/transfers/new", data).status_code == 302
    assert cache.computed == computed + 1  # the sub-processor the transfer covers; "Other EU" is untouched
    computed = cache.computed
    page = forms.client.get("/orgs/acme/subprocessors/").get_data(as_text=True)
    assert "no covering transfer" not in page and "Cloud Inc." in page
    assert cache.computed == computed  # found, not computed, by the first view after the save


def test_activity_flags_link_to_the_field_or_to_the_missing_record(en, org, make_activity):
    act = make_activity(purposes=[{"purpose": "Pay staff"}])
    page = en.get(f"/orgs/acme/activities/{act.id}").get_data(as_text=True)
    assert f'href="/orgs/acme/activities/{act.id}/edit#purposes"' in page
    assert f'href="/orgs/acme/retention/new?activity_id={act.id}"' in page
    assert f'href="/orgs/acme/activities/{act.id}/edit#measure_ids"' in page


def test_dashboard_of_the_pilotim_demo_lists_what_is_missing_with_links(demo_dpo):
    en = demo_dpo
    page = en.get("/orgs/pilotim/").get_data(as_text=True)
    assert "Activities (Art. 30)" in page and "Client contracts (Art. 28)" in page
    assert "No legal basis recorded for the purpose" in page and "PIL-R-01" in page
    assert "No signed data processing agreement (DPA) recorded." in page
    assert 'href="/orgs/pilotim/subprocessors/' in page


def test_every_page_of_every_demo_organisation_renders(demo_dpo):
    """Every detail page of the demo, and the edit and delete pages of one record per area and organisation."""
    en = demo_dpo
    for slug in SLUGS:
        assert en.get(f"/orgs/{slug}/").status_code == 200
        assert en.get(f"/orgs/{slug}/settings").status_code == 403  # settings are for the organisation's admins
        for area in ("activities", "clients", "subprocessors", "transfers", "retention", "measures"):
            listing = en.get(f"/orgs/{slug}/{area}/")
            assert listing.status_code == 200, (slug, area)
            ids = sorted(set(re.findall(rf'/orgs/{slug}/{area}/(\d+)"', listing.get_data(as_text=True))))
            for record_id in ids:
                assert en.get(f"/orgs/{slug}/{area}/{record_id}").status_code == 200, (slug, area, record_id)
            for record_id in ids[:1]:
                for suffix in ("/edit", "/delete"):
                    assert en.get(f"/orgs/{slug}/{area}/{record_id}{suffix}").status_code == 200, (slug, area, suffix)


def test_the_organisations_identity_is_fixed_in_the_settings_or_says_that_an_administrator_fixes_it(as_role, org,
                                                                                                  make_activity):
    """The controller's identity and its DPO are recorded in the settings: only admins get a link; others are told who."""
    act = make_activity()
    dpo, identity = "Data protection officer not recorded", "Name and contact details of the controller incomplete."
    who = "To be fixed by an administrator of the organisation (Settings)"
    for role, link, note in (("admin", True, False), ("dpo", False, False), ("auditor", False, True)):
        client = as_role(role)
        for url, messages in ((f"/orgs/acme/activities/{act.id}", (dpo, identity)), ("/orgs/acme/", (identity,))):
            page = client.get(url).get_data(as_text=True)
            for message in messages:
                flag = re.search(rf"<li[^>]*>(?:(?!</li>).)*{re.escape(message)}.*?</li>", page, re.S).group(0)
                assert ('href="/orgs/acme/settings"' in flag) is link, (role, url, message)
                assert (who in flag) is not link, (role, url, message)
            assert ("Your role is read-only" in page) is note, (role, url)
