"""The dashboard counts what the list pages flag: one source for both, read through HTTP as a logged-in DPO."""

import html
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from registry import clock
from registry.models import Activity, BreachCreate, SubProcessorChangeCreate, SubProcessorCreate
from registry.services import breaches, changes
from registry.services.organisations import get_by_slug

SLUGS = ("pilotim", "apex-timing", "ginger-minds", "defi-informatique", "art-zone")
AREAS = ("activities", "clients", "subprocessors", "transfers", "retention", "measures")
SEVERITIES = ("risk", "missing", "warning")


def number(text: str) -> int:
    return int(text.replace(",", "").replace("\u202f", "").replace("\xa0", ""))


def plain(page: str) -> str:
    """A page's text as read: tags removed, entities decoded, spaces collapsed."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def card(board: str, area: str) -> str | None:
    found = re.search(rf'<section class="card[^"]*" id="board-{area}".*?</section>', board, re.S)
    return found.group(0) if found else None


def dashboard_count(section: str, slug: str, area: str, flagged: str) -> int:
    """The number the dashboard shows on the link to the list filtered by `flagged` (0 when it shows no link)."""
    url = re.escape(f"/orgs/{slug}/{area}/?flagged={flagged}")
    found = re.search(rf'href="{url}"[^>]*>(?:[a-z ]+ )?([\d,]+)', section)
    return number(found.group(1)) if found else 0


def list_rows(client, slug: str, area: str, flagged: str) -> tuple[int, int]:
    """(the count the list page states, the rows it shows) for `?flagged=...`; demo lists fit on one page."""
    page = client.get(f"/orgs/{slug}/{area}/?flagged={flagged}").get_data(as_text=True)
    stated = re.search(r'class="resultcount"[^>]*>\s*([\d,]+) records?<', page)
    assert stated, f"{slug}/{area}: the flagged list does not state its count"
    body = re.search(r"<tbody>(.*?)</tbody>", page, re.S)
    return number(stated.group(1)), body.group(1).count("<tr>") if body else 0


@pytest.fixture
def demo_dpo(demo, auth):
    """The demo DPO logged in through the login form with the demo password, in English."""
    assert auth.login("dpo@demo.example.com", "demo-dpo-password").status_code == 302
    auth.client.get("/lang/en")
    return auth.client


@pytest.mark.parametrize("slug", SLUGS)
def test_dashboard_counts_are_the_flagged_rows_of_each_list(demo_dpo, slug):
    board = demo_dpo.get(f"/orgs/{slug}/").get_data(as_text=True)
    flagged_areas = 0
    for area in AREAS:
        listing = demo_dpo.get(f"/orgs/{slug}/{area}/").get_data(as_text=True)
        section = card(board, area)
        if 'id="flagged"' not in listing:  # a list without flags (security measures) has no dashboard card
            assert section is None, area
            continue
        flagged_areas += 1
        assert section is not None, f"{slug}: no dashboard card for {area}"
        stated, shown = list_rows(demo_dpo, slug, area, "1")
        assert dashboard_count(section, slug, area, "1") == stated == shown, (slug, area)
        for severity in SEVERITIES:
            stated_s, shown_s = list_rows(demo_dpo, slug, area, severity)
            assert dashboard_count(section, slug, area, severity) == stated_s == shown_s, (slug, area, severity)
        assert sum(list_rows(demo_dpo, slug, area, s)[0] for s in SEVERITIES) == stated, (slug, area)
        if stated:
            assert "Nothing to report." not in section, (slug, area)
    assert flagged_areas == 5


def test_defi_informatique_dashboard_shows_what_its_lists_flag(demo_dpo):
    board = demo_dpo.get("/orgs/defi-informatique/").get_data(as_text=True)
    activities, retention = plain(card(board, "activities")), plain(card(board, "retention"))
    assert "4 activities · Categories of personal data not recorded." in activities
    assert "3 retention rules · End action (deletion, anonymisation, archiving) not stated." in retention
    assert "Nothing to report." not in activities + retention


def test_eighteen_missing_dpas_are_one_line_with_the_records_folded(demo_dpo):
    board = html.unescape(demo_dpo.get("/orgs/pilotim/").get_data(as_text=True))
    section = card(board, "subprocessors")
    assert section.count("No signed data processing agreement (DPA) recorded.") == 1
    group = re.search(r"<details>\s*<summary>.*?18 sub-processors</strong> · No signed data processing agreement"
                      r".*?</details>", section, re.S).group(0)  # the 17 of the contract and Google LLC, level 2
    assert group.count('href="/orgs/pilotim/subprocessors/') >= 18 and "OpenAI, L.L.C." in group


def test_google_irelands_us_processing_covered_by_its_scc_transfer_is_not_flagged(demo_dpo, demo):
    """Google Ireland's onward SCC module 3 transfer to Google LLC (level 2) satisfies Chapter V: no seat warning."""
    board = html.unescape(demo_dpo.get("/orgs/pilotim/").get_data(as_text=True))
    assert "Seat in the EEA but processing outside it" not in board
    listing = html.unescape(demo_dpo.get("/orgs/pilotim/subprocessors/?q=Google").get_data(as_text=True))
    assert "Google Ireland Limited" in listing and "processing outside it" not in listing


def test_a_us_location_without_transfer_shows_on_the_transfers_card_until_one_is_recorded(forms, org, make_subprocessor):
    sp = make_subprocessor(legal_name="Cloud Inc.", country="US", locations=[{"country": "US"}], dpa_signed_on="2024-01-01")
    section = card(html.unescape(forms.client.get("/orgs/acme/").get_data(as_text=True)), "transfers")
    assert "Processing outside the EEA not covered by a recorded transfer" in section and "Nothing to report." not in section
    assert "Data processed in United States with no covering transfer recorded." in section and "Cloud Inc." in section
    assert "/orgs/acme/transfers/new?" in section  # the fix: a transfer form filled with the location
    data = {"subprocessor_id": str(sp.id), "recipient": "Cloud Inc.", "destination_country": "US", "exporter_role": "processor",
            "importer_role": "processor", "mechanism": "scc", "scc_module": "3", "tia_date": "2025-01-10"}
    assert forms.submit("/orgs/acme/transfers/new", data).status_code == 302
    section = card(html.unescape(forms.client.get("/orgs/acme/").get_data(as_text=True)), "transfers")
    assert "Nothing to report." in section and "Cloud Inc." not in section


def test_deadlines_come_soonest_first_with_the_cnil_before_notices_without_a_fixed_hour(demo_dpo, demo):
    org = get_by_slug(demo, "pilotim")
    now = clock.now()
    ovh = [s.id for s in breaches.find_subprocessors(demo, org.id, "OVH")]
    own = demo.scalar(select(Activity.id).where(Activity.organisation_id == org.id, Activity.reference == "PIL-R-01"))
    values = {**breaches.propose_impact(demo, org.id, ovh).create_values(), "reference": "2026-OVH-1",
              "title": "Intrusion OVH", "aware_at": now - timedelta(hours=60), "confidentiality": True, "risk": "high",
              "consequences": "Hameçonnage.", "measures_taken": "Serveur isolé."}
    values["activity_ids"] = [*values["activity_ids"], own]  # its own activity too: PILOTIM notifies the CNIL
    breaches.record_breach(demo, org, BreachCreate.model_validate(values), actor="test")
    sp = changes.propose_subprocessor(demo, org, SubProcessorCreate(legal_name="Hébergeur Démo (fictif)", country="FR",
                                                                     locations=[{"country": "FR"}]), "test")
    ai = demo.scalar(select(Activity.id).where(Activity.organisation_id == org.id, Activity.reference == "PIL-S-02"))
    changes.plan_change(demo, org, SubProcessorChangeCreate(kind="add", subprocessor_id=sp.id, activity_ids=[ai],
                                                            notice_date=clock.today(org.timezone)), "test")
    demo.commit()
    board = html.unescape(demo_dpo.get("/orgs/pilotim/").get_data(as_text=True))
    items = re.findall(r'<li class="deadline-(breach|change)">(.*?)</li>', card(board, "deadlines"), re.S)
    kinds = [kind for kind, _text in items]
    first_undue = next(n for n, (_k, text) in enumerate(items) if "without undue delay" in text)
    cnil = next(n for n, (_k, text) in enumerate(items) if "CNIL" in text)
    assert cnil < first_undue  # due in 12 hours: before the notices owed without a fixed hour
    assert "change" in kinds and kinds.index("change") > max(n for n, k in enumerate(kinds) if k == "breach")
    assert "Objection window (Art. 28(2))" in board and "notice not sent yet" in board


def test_ginger_minds_unnamed_host_is_flagged_not_absent(demo_dpo):
    """CGV 5.3.3.2 names no host: the dashboard shows it with its missing DPA and processing locations."""
    section = plain(card(demo_dpo.get("/orgs/ginger-minds/").get_data(as_text=True), "subprocessors"))
    assert "Sous-traitant hébergeur non nommé" in section and "Nothing to report." not in section
    assert "No signed data processing agreement (DPA) recorded." in section
    page = html.unescape(demo_dpo.get("/orgs/ginger-minds/subprocessors/?flagged=missing").get_data(as_text=True))
    assert "Sous-traitant hébergeur non nommé" in page
