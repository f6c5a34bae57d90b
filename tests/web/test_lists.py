"""List pages: text search, filters, sorting and paging, scoped to the organisation."""

import re
from datetime import date

from registry.models import Activity
from registry.views.lists import PAGE_SIZE


def names(page: str) -> list[str]:
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r'<td><a href="[^"]+">([^<]+)</a></td>', body)


def test_search_finds_by_name_case_insensitively_and_treats_wildcards_literally(en, org, make_subprocessor):
    make_subprocessor(legal_name="Brevo SAS", service="E-mailing")
    make_subprocessor(legal_name="OVH SAS", service="Hosting")
    make_subprocessor(legal_name="100% Cloud", service="Backup")
    assert names(en.get("/orgs/acme/subprocessors/?q=brevo").get_data(as_text=True)) == ["Brevo SAS"]
    assert names(en.get("/orgs/acme/subprocessors/?q=HOSTING").get_data(as_text=True)) == ["OVH SAS"]
    assert names(en.get("/orgs/acme/subprocessors/?q=%25").get_data(as_text=True)) == ["100% Cloud"]


def test_filters_by_status_and_by_processing_country(en, org, make_subprocessor):
    make_subprocessor(legal_name="Active FR")
    make_subprocessor(legal_name="Retired FR", status="retired")
    make_subprocessor(legal_name="Irish seat, US storage", country="IE", locations=[{"country": "US"}])
    assert names(en.get("/orgs/acme/subprocessors/?status=retired").get_data(as_text=True)) == ["Retired FR"]
    assert names(en.get("/orgs/acme/subprocessors/?country=US").get_data(as_text=True)) == ["Irish seat, US storage"]
    # An unknown filter value is ignored rather than matching nothing.
    assert len(names(en.get("/orgs/acme/subprocessors/?status=bogus").get_data(as_text=True))) == 3


def test_activities_filter_by_role_and_sort_both_ways(en, org, make_activity):
    make_activity(reference="B-2", name="Beta", role="processor")
    make_activity(reference="A-1", name="Alpha")
    make_activity(reference="C-3", name="Gamma")
    assert names(en.get("/orgs/acme/activities/?role=processor").get_data(as_text=True)) == ["B-2"]
    assert names(en.get("/orgs/acme/activities/?sort=name&dir=desc").get_data(as_text=True)) == ["C-3", "B-2", "A-1"]
    assert names(en.get("/orgs/acme/activities/?sort=reference").get_data(as_text=True)) == ["A-1", "B-2", "C-3"]
    # An unknown sort key falls back to the default order instead of failing.
    assert en.get("/orgs/acme/activities/?sort=organisation_id").status_code == 200


def test_pages_hold_fifty_rows_and_link_to_the_next(en, org, session):
    session.add_all(
        Activity(organisation_id=org.id, reference=f"R-{i:03}", name=f"Activity {i}", role="controller")
        for i in range(PAGE_SIZE + 5)
    )
    session.commit()
    first = en.get("/orgs/acme/activities/").get_data(as_text=True)
    assert len(names(first)) == PAGE_SIZE and 'rel="next"' in first and "55 records" in first
    second = en.get("/orgs/acme/activities/?page=2").get_data(as_text=True)
    assert names(second) == [f"R-{i:03}" for i in range(PAGE_SIZE, PAGE_SIZE + 5)]
    assert en.get("/orgs/acme/activities/?page=abc").status_code == 200


def test_lists_show_only_the_organisations_own_records(en, org, make_org, make_activity):
    make_activity(make_org("other"), reference="SECRET-1")
    make_activity(reference="MINE-1")
    assert names(en.get("/orgs/acme/activities/").get_data(as_text=True)) == ["MINE-1"]


def test_list_and_detail_are_in_french_by_default_with_french_dates(en, make_subprocessor):
    client = en
    sp = make_subprocessor(dpa_signed_on=date(2024, 3, 1))
    client.get("/lang/fr")
    page = client.get("/orgs/acme/subprocessors/").get_data(as_text=True)
    assert "Sous-traitants ultérieurs" in page and "1 mars 2024" in page
    client.get("/lang/en")
    page = client.get(f"/orgs/acme/subprocessors/{sp.id}").get_data(as_text=True)
    assert "March 1, 2024" in page and "Processing locations" in page


def test_flagged_only_pages_through_a_large_register_without_examining_every_row(en, org, session):
    session.add_all(
        Activity(organisation_id=org.id, reference=f"R-{i:03}", name=f"Activity {i}", role="controller", status="active")
        for i in range(PAGE_SIZE * 5)
    )
    session.commit()
    first = en.get("/orgs/acme/activities/?flagged=1").get_data(as_text=True)
    assert len(names(first)) == PAGE_SIZE and 'rel="next"' in first and "More than 50 records" in first
    last = en.get("/orgs/acme/activities/?flagged=1&page=5").get_data(as_text=True)
    assert len(names(last)) == PAGE_SIZE and 'rel="next"' not in last and "250 records" in last


def test_a_search_matching_very_many_records_gives_a_lower_bound_and_keeps_paging(en, org, session):
    from registry.views.lists import SEARCH_COUNT_CAP

    session.add_all(
        Activity(organisation_id=org.id, reference=f"R-{i:04}", name=f"Payroll {i}", role="controller")
        for i in range(SEARCH_COUNT_CAP + 10)
    )
    session.commit()
    page = en.get("/orgs/acme/activities/?q=payroll&page=2").get_data(as_text=True)
    assert f"More than {SEARCH_COUNT_CAP} records" in page and 'rel="next"' in page and 'rel="prev"' in page
    assert names(page)[0] == "R-0050"
