"""The auditors' sub-processor list on the web: as of a date, filters, comparison, stamped CSV/JSON/PDF exports."""

import csv
import io
import json

import pytest

from registry import clock
from registry.models import SubProcessorCreate
from registry.services import changes as svc
from registry.services.organisations import get_by_slug

URL = "/orgs/pilotim/subprocessors"


@pytest.fixture
def auditor(sign_in, demo):
    return sign_in("auditor@pilotim.example.com", "auditor", get_by_slug(demo, "pilotim"))


def names(client, query: str) -> list[str]:
    response = client.get(f"{URL}/as-of.json?{query}")
    assert response.status_code == 200
    return [e["legal_name"] for e in json.loads(response.data)["subprocessors"]]


def test_filters_by_country_location_mechanism_status_and_flags(auditor):
    # Google LLC (level 2, engaged by Google Ireland Limited) is the one in the US, under Google Ireland's transfer.
    assert names(auditor, "country=US") == ["OpenAI, L.L.C.", "Google LLC"]
    assert names(auditor, "location=US") == ["OpenAI, L.L.C.", "Google LLC"]
    assert names(auditor, "mechanism=scc") == ["OpenAI, L.L.C.", "Google LLC"]
    assert names(auditor, "status=retired") == [] and names(auditor, "flagged=0") == []
    assert len(names(auditor, "flagged=1")) == 18
    # A value that is not one of the offered choices is ignored rather than matching nothing.
    assert len(names(auditor, "country=ZZ")) == 18
    page = auditor.get(f"{URL}/as-of?location=US&mechanism=scc").get_data(as_text=True)
    assert "OpenAI, L.L.C." in page and "Google LLC" in page and "OVH" not in page
    assert "Standard contractual clauses" in page and "No signed DPA recorded (Art. 28(3))" in page


def test_exports_carry_the_as_of_date_and_the_fingerprint(auditor, demo):
    org = get_by_slug(demo, "pilotim")
    svc.propose_subprocessor(demo, org, SubProcessorCreate(legal_name='=HYPERLINK("http://x.example","y")'), "t")
    demo.commit()
    day = clock.today(org.timezone).isoformat()
    data = json.loads(auditor.get(f"{URL}/as-of.json?as_of={day}&status=planned").data)
    assert data["as_of"] == day and data["filters"] == {"status": "planned"} and len(data["sha256"]) == 64
    response = auditor.get(f"{URL}/as-of.csv?as_of={day}&status=planned")
    assert response.mimetype == "text/csv"
    assert f"subprocessors-pilotim-{day}-{data['sha256'][:12]}.csv" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")  # Excel reads UTF-8 only with the byte-order mark
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))  # the auditor reads in English
    assert rows[0] == ["# pilotim", f"as_of {day}", f"sha256 {data['sha256']}"]
    assert rows[1][:2] == ["No.", "Legal name"] and rows[2][5] == "planned"
    auditor.get("/lang/fr")
    french = auditor.get(f"{URL}/as-of.csv?as_of={day}&status=planned").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(french.removeprefix("\ufeff")), delimiter=";"))
    assert rows[1][:2] == ["N°", "Dénomination"] and rows[2][5] == "prévu" and rows[0][2] == f"sha256 {data['sha256']}"
    assert rows[2][1] == '\'=HYPERLINK("http://x.example","y")'
    pdf = auditor.get(f"{URL}/as-of.pdf?as_of={day}&status=planned&lang=en")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert data["sha256"][:12] in pdf.headers["Content-Disposition"]


def test_a_bad_date_is_said_at_the_field(auditor):
    response = auditor.get(f"{URL}/as-of?as_of=yesterday")
    assert response.status_code == 422 and "Give a date as YYYY-MM-DD." in response.get_data(as_text=True)
    assert auditor.get(f"{URL}/compare?from=2026-13-01").status_code == 422


def test_the_sub_processor_list_links_to_the_auditor_view_and_the_changes(auditor):
    page = auditor.get(f"{URL}/").get_data(as_text=True)
    assert f"{URL}/as-of" in page and "/orgs/pilotim/changes/" in page


def test_dates_given_in_reverse_order_are_compared_forward_and_the_page_says_so(auditor, demo):
    """Opened from the as-of page with today first, an addition was reported as "removed"."""
    org = get_by_slug(demo, "pilotim")
    svc.propose_subprocessor(demo, org, SubProcessorCreate(legal_name="Ajout Démo (fictif)"), "t")
    demo.commit()
    today = clock.today(org.timezone)
    yesterday = today.fromordinal(today.toordinal() - 1)
    as_of = auditor.get(f"{URL}/as-of?as_of={yesterday}").get_data(as_text=True)
    assert f"compare?from={yesterday}" in as_of
    page = auditor.get(f"{URL}/compare?from={today}&to={yesterday}").get_data(as_text=True)
    assert "The two dates were given in reverse order" in page
    added, removed = page.split("<h2>Added</h2>")[1].split("<h2>Removed</h2>")
    assert "Ajout Démo (fictif)" in added and "Ajout Démo (fictif)" not in removed.split("<h2>Changed</h2>")[0]
    assert f'value="{yesterday}"' in page.split('name="to"')[0].rsplit("<input", 1)[1] or f'id="from" name="from" value="{yesterday}"' in page
    auditor.get("/lang/fr")
    assert "dans l'ordre inverse : la comparaison va du" in auditor.get(f"{URL}/compare?from={today}&to={yesterday}").get_data(as_text=True)
